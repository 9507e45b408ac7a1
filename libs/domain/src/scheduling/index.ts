/**
 * The default scheduler's decisions (issue 11 §1–§3), pure: fit, the FailedScheduling text,
 * preemption and the choice of node. See README.md beside this file.
 */
export type { Resources, NodeState, SchedulingCluster, ScheduleDecision } from './types';
export { podRequests, nodeAllocatable } from './resources';
export { filterNode } from './filters';
export { schedulePod } from './schedule';
