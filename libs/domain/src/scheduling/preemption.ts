/**
 * Default preemption (upstream pkg/scheduler/framework/plugins/defaultpreemption and
 * pkg/scheduler/framework/preemption): which pods to evict, on which node, so that a pending pod
 * fits. PodDisruptionBudgets and extenders are not modelled (no PDB is ever violated).
 */
import type { Pod } from '../api/types';
import { runFilters, type FilterStatus } from './filters';
import { fitErrorMessage } from './fit-error';
import type { NodeState } from './types';

export const NOT_ELIGIBLE_NEVER = 'not eligible due to preemptionPolicy=Never.';
export const NOT_ELIGIBLE_TERMINATING = 'not eligible due to a terminating pod on the nominated node.';
export const NO_VICTIMS = 'No preemption victims found for incoming pod';
export const NOT_HELPFUL = 'Preemption is not helpful for scheduling';

/** Upstream corev1helpers.PodPriority: spec.priority, 0 when unset. */
export const podPriority = (pod: Pod): number => pod.spec.priority ?? 0;

const isDeleting = (pod: Pod): boolean => (pod.metadata.deletionTimestamp ?? '') !== '';

/** status.startTime, else creationTimestamp; a pod with neither counts as started last (upstream uses "now"). */
const startTime = (pod: Pod): number => {
  const t = Date.parse(pod.status?.startTime ?? pod.metadata.creationTimestamp ?? '');
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
};

/** Upstream util.MoreImportantPod as a comparator: higher priority first, then the earlier start. */
export const moreImportantFirst = (a: Pod, b: Pod): number => {
  const pa = podPriority(a);
  const pb = podPriority(b);
  if (pa !== pb) return pb - pa;
  const ta = startTime(a);
  const tb = startTime(b);
  return ta < tb ? -1 : ta > tb ? 1 : 0;
};

export type VictimSelection = { ok: true; victims: Pod[] } | { ok: false; status: Exclude<FilterStatus, { code: 'success' }> };

/**
 * Upstream SelectVictimsOnNode: take every pod of lower priority off the node; if the pod then
 * fits, put them back one at a time, most important first, keeping each that still lets the pod
 * fit; the rest are the victims (most important first). Lower-priority pods whose deletion is
 * already requested are taken off but never put back nor named again: they are leaving anyway.
 */
export const selectVictimsOnNode = (pod: Pod, state: NodeState): VictimSelection => {
  const priority = podPriority(pod);
  const lower = state.pods.filter((p) => podPriority(p) < priority);
  if (lower.length === 0) return { ok: false, status: { code: 'unresolvable', reasons: [NO_VICTIMS] } };
  let kept = state.pods.filter((p) => podPriority(p) >= priority);
  const afterAll = runFilters(pod, { node: state.node, pods: kept });
  if (afterAll.code !== 'success') return { ok: false, status: afterAll };
  const victims: Pod[] = [];
  for (const candidate of lower.filter((p) => !isDeleting(p)).sort(moreImportantFirst)) {
    const trial = [...kept, candidate];
    if (runFilters(pod, { node: state.node, pods: trial }).code === 'success') kept = trial;
    else victims.push(candidate);
  }
  return { ok: true, victims };
};

export interface Candidate {
  nodeName: string;
  /** Most important first. */
  victims: Pod[];
}

/** Sum of (priority + 2^31), upstream's way of keeping negative priorities from rewarding more victims. */
const prioritySum = (victims: readonly Pod[]): number => victims.reduce((s, p) => s + podPriority(p) + 2 ** 31, 0);

/** The earliest start among the victims of the highest priority (upstream GetEarliestPodStartTime). */
const earliestStartOfHighest = (victims: readonly Pod[]): number => {
  if (victims.length === 0) return Number.NEGATIVE_INFINITY;
  const top = Math.max(...victims.map(podPriority));
  return Math.min(...victims.filter((p) => podPriority(p) === top).map(startTime));
};

/**
 * Upstream pickOneNodeForPreemption, criteria in order, each keeping only the best candidates:
 * lowest highest-victim priority, lowest priority sum, fewest victims, the latest start of the
 * highest-priority victims; then the first candidate (cluster order; upstream's order is arbitrary).
 * A candidate with no victims at all (what is in the way is already leaving) is taken at once.
 */
export const pickOneNodeForPreemption = (candidates: readonly Candidate[]): Candidate | undefined => {
  const free = candidates.find((c) => c.victims.length === 0);
  if (free) return free;
  const scores: ((c: Candidate) => number)[] = [
    (c) => -podPriority(c.victims[0]),
    (c) => -prioritySum(c.victims),
    (c) => -c.victims.length,
    (c) => earliestStartOfHighest(c.victims),
  ];
  let best = [...candidates];
  for (const score of scores) {
    if (best.length <= 1) break;
    const top = Math.max(...best.map(score));
    best = best.filter((c) => score(c) === top);
  }
  return best[0];
};

/**
 * Upstream GetOffsetAndNumCandidates: the dry run stops once it has 10% of the potential nodes
 * (at least 100) as candidates. Upstream starts at a random offset; we start at the first node.
 */
export const candidatesToFind = (potentialNodes: number): number =>
  Math.min(potentialNodes, Math.max(Math.floor((potentialNodes * 10) / 100), 100));

/** A node the filters rejected with a status that removing pods might fix. */
export interface PotentialNode {
  nodeName: string;
  state: NodeState;
}

export type PreemptionOutcome =
  | { kind: 'preempt'; nodeName: string; victims: Pod[] }
  /** postFilterMsg: the ` preemption: …` part of the FailedScheduling text, without the leading space. */
  | { kind: 'failed'; postFilterMsg: string };

/**
 * Upstream Evaluator.Preempt for one pending pod. `potential` are the nodes whose filter status
 * was Unschedulable (not UnschedulableAndUnresolvable), in cluster order; `nominated` is the state
 * of the pod's nominated node, if it has one.
 */
export const preempt = (
  pod: Pod,
  numAllNodes: number,
  potential: readonly PotentialNode[],
  nominated: NodeState | undefined,
  nominatedUnresolvable: boolean,
): PreemptionOutcome => {
  if (pod.spec.preemptionPolicy === 'Never') return { kind: 'failed', postFilterMsg: `preemption: ${NOT_ELIGIBLE_NEVER}` };
  // A pod that already preempted on its nominated node waits while lower-priority pods there
  // are terminating, unless that node can no longer take it at all.
  if (nominated && !nominatedUnresolvable) {
    const priority = podPriority(pod);
    if (nominated.pods.some((p) => podPriority(p) < priority && isDeleting(p))) {
      return { kind: 'failed', postFilterMsg: `preemption: ${NOT_ELIGIBLE_TERMINATING}` };
    }
  }
  const candidates: Candidate[] = [];
  const nodeReasons = new Map<string, readonly string[]>();
  const wanted = candidatesToFind(potential.length);
  for (const { nodeName, state } of potential) {
    if (candidates.length >= wanted) break;
    const selection = selectVictimsOnNode(pod, state);
    if (selection.ok) candidates.push({ nodeName, victims: selection.victims });
    else nodeReasons.set(nodeName, selection.status.reasons);
  }
  const best = pickOneNodeForPreemption(candidates);
  if (!best) {
    const text = fitErrorMessage(numAllNodes, { nodeReasons, absentReasons: [NOT_HELPFUL] });
    return { kind: 'failed', postFilterMsg: `preemption: ${text}` };
  }
  return { kind: 'preempt', nodeName: best.nodeName, victims: best.victims };
};
