import type { Pod } from '../api/types';
import type { NodeState, ScheduleDecision } from '../scheduling';
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

/** A pod the scheduler preempted that has not gone yet (upstream's PodTerminatingByPreemption). */
const terminatingByPreemption = (pod: Pod) =>
  Boolean(pod.metadata.deletionTimestamp) && Boolean(pod.status?.conditions?.some((c) => c.type === 'DisruptionTarget' && c.reason === 'PreemptionByScheduler'));

/**
 * Upstream's PodEligibleToPreemptOthers, the nominated-node half: a pod
 * whose nominated node still holds pods preempted for it waits for them to go
 * instead of preempting more. (`preemptionPolicy: Never` is schedulePod's.)
 */
export const waitsForVictims = (pod: Pod, nominated: NodeState | undefined): boolean =>
  Boolean(pod.status?.nominatedNodeName) && Boolean(nominated?.pods.some(terminatingByPreemption));

/** Upstream's PostFilter message for a pod that waits for its victims (appended to the FitError's text as it is, with no "preemption:"). */
export const NOT_ELIGIBLE_TERMINATING = 'not eligible due to a terminating pod on the nominated node.';

/** The FitError text without its preemption part (what comes after " preemption: "). */
const withoutPreemption = (message: string) => {
  const at = message.indexOf(' preemption: ');
  return at < 0 ? message : message.slice(0, at);
};

/**
 * The commands for one attempt's decision on `pod`:
 * - bind: `BindPod`;
 * - preempt: each victim's deletion (reason 'preempted', naming the pod and
 *   the node), then the nomination with the attempt's failure message — in
 *   upstream's order (prepareCandidate deletes the victims, then the failed
 *   attempt is recorded with the nominated node); one batch, one append;
 * - unschedulable: the failure message (the decider records it only when it changed).
 * `waiting` (see `waitsForVictims`): the pod's victims are still going; it
 * preempts nothing more, and its message says why, as upstream's does.
 */
export const schedulingCommands = (pod: Pod, decision: ScheduleDecision, waiting = false): PodCommandFor[] => {
  const namespace = pod.metadata.namespace ?? 'default';
  const name = pod.metadata.name!;
  const uid = pod.metadata.uid;
  const own = (command: PodCommand): PodCommandFor => ({ namespace, name, command });
  switch (decision.kind) {
    case 'bind':
      return [own({ type: 'BindPod', nodeName: decision.nodeName })];
    case 'unschedulable':
      return [own({ type: 'MarkPodUnschedulable', message: waiting ? `${withoutPreemption(decision.message)} ${NOT_ELIGIBLE_TERMINATING}` : decision.message, expectedUid: uid })];
    case 'preempt': {
      if (waiting) return [own({ type: 'MarkPodUnschedulable', message: `${withoutPreemption(decision.message)} ${NOT_ELIGIBLE_TERMINATING}`, expectedUid: uid })];
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
