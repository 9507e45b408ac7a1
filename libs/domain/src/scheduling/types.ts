import type { Node, Pod } from '../api/types';

/** Requests and capacities in base units: milli-CPU, bytes, pod count. */
export interface Resources {
  milliCpu: number;
  memory: number;
  ephemeralStorage: number;
  pods: number;
}

/** A node and the pods bound to it that still hold resources (not terminal; pods being deleted still count, as upstream until they are gone). */
export interface NodeState {
  node: Node;
  pods: readonly Pod[];
}

/** What the cluster looks like to the scheduler: cheap lookups (10,000 nodes: never copy them all). */
export interface SchedulingCluster {
  nodeCount: number;
  nodeNames(): Iterable<string>;
  nodeState(name: string): NodeState | undefined;
}

/**
 * The outcome of one scheduling attempt.
 * - `bind`: bind the pod to `nodeName`.
 * - `preempt`: nominate `nodeName` (status.nominatedNodeName) and delete `victims` gracefully
 *   (most important first). `victims` is empty when the lower-priority pods that are in the way
 *   are already being deleted: nominate and wait. `message` is this attempt's FailedScheduling text.
 * - `unschedulable`: stay Pending with a FailedScheduling event carrying `message`.
 */
export type ScheduleDecision =
  | { kind: 'bind'; nodeName: string }
  | { kind: 'preempt'; nodeName: string; victims: Pod[]; message: string }
  | { kind: 'unschedulable'; message: string };
