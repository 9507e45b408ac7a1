import type { Pod } from '../api/types';
import type { ScheduleDecision } from '../scheduling';
import { DEFAULT_SCHEDULER } from './evolve';
import type { PodCommand } from './pod.decider';

/**
 * The default scheduler's side of one attempt: which pods it looks at, and
 * the pod commands a decision of `schedulePod` (libs/domain/src/scheduling)
 * becomes. The SchedulerService only reads the view, calls these and sends
 * what they return.
 */

/** One command for one pod. */
export interface PodCommandFor {
  namespace: string;
  name: string;
  command: PodCommand;
}

/** `spec.schedulerName` empty or `default-scheduler`: a pod naming another scheduler is never ours (issue 11 §3). */
export const namesDefaultScheduler = (pod: Pod): boolean => !pod.spec.schedulerName || pod.spec.schedulerName === DEFAULT_SCHEDULER;

const terminal = (pod: Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

/** Whether the default scheduler should try to place the pod now: unbound, ours, not terminal and not being deleted. */
export const awaitsDefaultScheduler = (pod: Pod): boolean =>
  !pod.spec.nodeName && !pod.metadata.deletionTimestamp && !terminal(pod) && namesDefaultScheduler(pod);

/**
 * The commands for one attempt's decision on `pod`:
 * - bind: `BindPod`;
 * - preempt: each victim's deletion (reason 'preempted', naming the pod and
 *   the node), then the nomination with the attempt's failure message — in
 *   upstream's order (prepareCandidate deletes the victims, then the failed
 *   attempt is recorded with the nominated node); one batch, one append;
 * - unschedulable: the failure message (the decider records it only when it
 *   changed). A nominated pod whose victims are still terminating gets this
 *   too ("not eligible due to a terminating pod…": schedulePod's rule).
 */
export const schedulingCommands = (pod: Pod, decision: ScheduleDecision): PodCommandFor[] => {
  const namespace = pod.metadata.namespace ?? 'default';
  const name = pod.metadata.name!;
  const uid = pod.metadata.uid;
  const own = (command: PodCommand): PodCommandFor => ({ namespace, name, command });
  switch (decision.kind) {
    case 'bind':
      return [own({ type: 'BindPod', nodeName: decision.nodeName })];
    case 'unschedulable':
      return [own({ type: 'MarkPodUnschedulable', message: decision.message, expectedUid: uid })];
    case 'preempt': {
      const preemptedBy = { namespace, name, uid: uid ?? '', nodeName: decision.nodeName };
      return [
        ...decision.victims.map((v) => ({
          namespace: v.metadata.namespace ?? 'default',
          name: v.metadata.name!,
          command: { type: 'RequestPodDeletion', reason: 'preempted', preemptedBy, expectedUid: v.metadata.uid } satisfies PodCommand,
        })),
        own({ type: 'MarkPodUnschedulable', message: decision.message, nominatedNodeName: decision.nodeName, expectedUid: uid }),
      ];
    }
  }
};

/**
 * The order pending pods are tried in after a resync: upstream's queue sort
 * (PrioritySort: higher priority first, then the earlier created), by name last
 * so the order is the same on every replay.
 */
export const schedulingOrder = (a: Pod, b: Pod): number =>
  (b.spec.priority ?? 0) - (a.spec.priority ?? 0) ||
  (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
  `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`);
