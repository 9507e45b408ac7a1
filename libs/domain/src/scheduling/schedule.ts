/**
 * One scheduling attempt of the default scheduler (upstream schedule_one.go): PreFilter, the
 * nominated node first, Filter on every remaining node, then Score among the nodes that fit, or
 * PostFilter (preemption) when none does.
 */
import type { Pod } from '../api/types';
import { runFilters } from './filters';
import { fitErrorMessage, NO_NODES_AVAILABLE, type Diagnosis } from './fit-error';
import { preempt, type PotentialNode } from './preemption';
import { nodeAllocatable, nonZeroPodRequests, requestedOn } from './resources';
import type { NodeState, ScheduleDecision, SchedulingCluster } from './types';

export const REASON_AFFINITY_CONFLICT = 'pod affinity terms conflict';
export const REASON_PREFILTERED_BY_NODE_AFFINITY = "node(s) didn't satisfy plugin(s) [NodeAffinity]";

/**
 * Upstream NodeAffinity PreFilter: when every required term names nodes (`matchFields`
 * metadata.name In …, ANDed within a term), only the union of those names can match — daemon pods
 * are pinned this way. `undefined` means every node must be looked at; an empty set means the
 * terms contradict each other.
 */
export const nodeNamesFromAffinity = (pod: Pod): Set<string> | undefined => {
  const terms = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (terms.length === 0) return undefined;
  const names = new Set<string>();
  for (const term of terms) {
    let termNames: Set<string> | undefined;
    for (const r of term.matchFields ?? []) {
      if (r.key !== 'metadata.name' || r.operator !== 'In') continue;
      const values = new Set(r.values ?? []);
      termNames = termNames === undefined ? values : new Set([...termNames].filter((n) => values.has(n)));
    }
    // A term without a name requirement lets any node through (terms are ORed).
    if (termNames === undefined) return undefined;
    for (const n of termNames) names.add(n);
  }
  return names;
};

/**
 * Upstream NodeResourcesFit score with the LeastAllocated strategy (cpu and memory, weight 1
 * each): the share of the node left free after placing the pod, 0–100, with upstream's defaults
 * for containers that request nothing. Only this score is modelled (not BalancedAllocation,
 * ImageLocality, preferred affinity or topology spread): it spreads pods over the emptiest nodes,
 * which is what the default profile mostly does for pods without preferences.
 */
export const leastAllocatedScore = (pod: Pod, state: NodeState): number => {
  const alloc = nodeAllocatable(state.node);
  const used = requestedOn(state.pods, nonZeroPodRequests);
  const want = nonZeroPodRequests(pod);
  const score = (capacity: number, requested: number) =>
    capacity === 0 || requested > capacity ? 0 : Math.floor(((capacity - requested) * 100) / capacity);
  return Math.floor((score(alloc.milliCpu, used.milliCpu + want.milliCpu) + score(alloc.memory, used.memory + want.memory)) / 2);
};

/** status.nominatedNodeName, which the Pod type does not declare yet (set by the scheduler app after a preemption). */
const nominatedNodeName = (pod: Pod): string =>
  (pod.status as unknown as { nominatedNodeName?: string } | undefined)?.nominatedNodeName ?? '';

/** One scheduling attempt for an unbound pod (default scheduler). Required node affinity on metadata.name (daemon pods: matchFields) narrows the nodes first, as upstream's NodeAffinity PreFilter. */
export function schedulePod(pod: Pod, cluster: SchedulingCluster): ScheduleDecision {
  if (cluster.nodeCount === 0) return { kind: 'unschedulable', message: NO_NODES_AVAILABLE };
  // Each node's state is fetched at most once per attempt.
  const fetched = new Map<string, NodeState | undefined>();
  const stateOf = (name: string): NodeState | undefined => {
    if (!fetched.has(name)) fetched.set(name, cluster.nodeState(name));
    return fetched.get(name);
  };

  const pinned = nodeNamesFromAffinity(pod);
  if (pinned !== undefined && pinned.size === 0) {
    const diagnosis: Diagnosis = { nodeReasons: new Map(), absentReasons: [REASON_AFFINITY_CONFLICT], preFilterMsg: REASON_AFFINITY_CONFLICT };
    const outcome = preempt(pod, cluster.nodeCount, [], undefined, true);
    return { kind: 'unschedulable', message: fitErrorMessage(cluster.nodeCount, diagnosis, outcome.kind === 'failed' ? outcome.postFilterMsg : '') };
  }
  const allowed = (name: string) => pinned === undefined || pinned.has(name);

  // The nominated node (where this pod preempted before) is tried first and taken if it fits.
  const nominated = nominatedNodeName(pod);
  if (nominated !== '' && allowed(nominated)) {
    const state = stateOf(nominated);
    if (state && runFilters(pod, state).code === 'success') return { kind: 'bind', nodeName: nominated };
  }

  const feasible: { name: string; state: NodeState }[] = [];
  const nodeReasons = new Map<string, readonly string[]>();
  const potential: PotentialNode[] = [];
  const unresolvable = new Set<string>();
  for (const name of pinned ?? cluster.nodeNames()) {
    const state = stateOf(name);
    if (!state) continue;
    const status = runFilters(pod, state);
    if (status.code === 'success') {
      feasible.push({ name, state });
      continue;
    }
    nodeReasons.set(name, status.reasons);
    if (status.code === 'unschedulable') potential.push({ nodeName: name, state });
    else unresolvable.add(name);
  }

  if (feasible.length > 0) return { kind: 'bind', nodeName: pickNode(pod, feasible) };

  const diagnosis: Diagnosis = { nodeReasons, absentReasons: pinned ? [REASON_PREFILTERED_BY_NODE_AFFINITY] : [] };
  const nominatedState = nominated !== '' && allowed(nominated) ? stateOf(nominated) : undefined;
  // The nominated node's own status: unresolvable when the filters said so or it was left out.
  const nominatedUnresolvable = nominated !== '' && (!allowed(nominated) || unresolvable.has(nominated) || nominatedState === undefined);
  const outcome = preempt(pod, cluster.nodeCount, potential, nominatedState, nominatedUnresolvable);
  const message = fitErrorMessage(cluster.nodeCount, diagnosis);
  if (outcome.kind === 'preempt') return { kind: 'preempt', nodeName: outcome.nodeName, victims: outcome.victims, message };
  return { kind: 'unschedulable', message: `${message} ${outcome.postFilterMsg}` };
}

/** The highest leastAllocatedScore; ties go to the first name in byte order (upstream picks one of the tied nodes at random). */
const pickNode = (pod: Pod, feasible: readonly { name: string; state: NodeState }[]): string => {
  if (feasible.length === 1) return feasible[0].name;
  let best = feasible[0].name;
  let bestScore = -1;
  for (const { name, state } of feasible) {
    const score = leastAllocatedScore(pod, state);
    if (score > bestScore || (score === bestScore && name < best)) {
      best = name;
      bestScore = score;
    }
  }
  return best;
};
