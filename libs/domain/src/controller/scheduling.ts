/**
 * Node eligibility of a DaemonSet (spec §3, upstream `NodeShouldRunDaemonPod`) and the
 * default daemon-pod tolerations (spec §1.5, upstream `AddOrUpdateDaemonPodTolerations`).
 */
import type { DaemonSet, Node, NodeSelectorRequirement, NodeSelectorTerm, PodSpec, Taint, Toleration } from '../api/types';
import { newRequirement, requirementMatches, type Requirement, type RequirementOperator } from './labels';

export interface NodeEligibility {
  /** Create a daemon pod on this node if it has none. */
  readonly shouldRun: boolean;
  /** Keep an existing daemon pod on this node. */
  readonly shouldContinueRunning: boolean;
}

export const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_NODE_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_NODE_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_NODE_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_NODE_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';

/** The defaults in upstream order; the last one only applies to hostNetwork pods. */
const DEFAULT_TOLERATIONS: readonly Toleration[] = [
  { key: TAINT_NODE_NOT_READY, operator: 'Exists', effect: 'NoExecute' },
  { key: TAINT_NODE_UNREACHABLE, operator: 'Exists', effect: 'NoExecute' },
  { key: TAINT_NODE_DISK_PRESSURE, operator: 'Exists', effect: 'NoSchedule' },
  { key: TAINT_NODE_MEMORY_PRESSURE, operator: 'Exists', effect: 'NoSchedule' },
  { key: TAINT_NODE_PID_PRESSURE, operator: 'Exists', effect: 'NoSchedule' },
  { key: TAINT_NODE_UNSCHEDULABLE, operator: 'Exists', effect: 'NoSchedule' },
];
const HOST_NETWORK_TOLERATION: Toleration = { key: TAINT_NODE_NETWORK_UNAVAILABLE, operator: 'Exists', effect: 'NoSchedule' };

/** `Toleration.MatchToleration`: tolerations are unique by (key, effect, operator, value), compared literally. */
const sameToleration = (a: Toleration, b: Toleration): boolean =>
  (a.key ?? '') === (b.key ?? '') &&
  (a.effect ?? '') === (b.effect ?? '') &&
  (a.operator ?? '') === (b.operator ?? '') &&
  (a.value ?? '') === (b.value ?? '');

/**
 * `AddOrUpdateTolerationInPodSpec`: every entry equal by (key, effect, operator, value) is replaced
 * in place by `t` (dropping e.g. its tolerationSeconds); with no such entry `t` is appended.
 * (Upstream's "already identical" early return compares a pointer with a value and never fires.)
 */
const addOrUpdateToleration = (tolerations: readonly Toleration[], t: Toleration): Toleration[] => {
  let updated = false;
  const out = tolerations.map((existing) => {
    if (!sameToleration(t, existing)) return existing;
    updated = true;
    return { ...t };
  });
  if (!updated) out.push({ ...t });
  return out;
};

/** The pod's tolerations with the daemon defaults added or updated (spec §1.5); input untouched. */
export const daemonPodTolerations = (podSpec: Pick<PodSpec, 'tolerations' | 'hostNetwork'>): Toleration[] => {
  const defaults = podSpec.hostNetwork === true ? [...DEFAULT_TOLERATIONS, HOST_NETWORK_TOLERATION] : DEFAULT_TOLERATIONS;
  return defaults.reduce<Toleration[]>((acc, t) => addOrUpdateToleration(acc, t), (podSpec.tolerations ?? []).map((t) => ({ ...t })));
};

/**
 * `Toleration.ToleratesTaint` with the `TaintTolerationComparisonOperators` gate off:
 * `Lt`/`Gt` (and any unknown operator) never match. `tolerationSeconds` is not looked at.
 */
export const toleratesTaint = (toleration: Toleration, taint: Taint): boolean => {
  if ((toleration.effect ?? '') !== '' && toleration.effect !== taint.effect) return false;
  if ((toleration.key ?? '') !== '' && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? '') {
    case '':
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
};

const findUntoleratedTaint = (taints: readonly Taint[], tolerations: readonly Toleration[], effects: readonly string[]) =>
  taints.find((taint) => effects.includes(taint.effect) && !tolerations.some((t) => toleratesTaint(t, taint)));

const parseLabelRequirements = (reqs: readonly NodeSelectorRequirement[]): Requirement[] | undefined => {
  const out: Requirement[] = [];
  for (const r of reqs) {
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'].includes(r.operator)) return undefined;
    const parsed = newRequirement(r.key, r.operator as RequirementOperator, r.values ?? []);
    if (!parsed.ok) return undefined;
    out.push(parsed.value);
  }
  return out;
};

/** Field requirements: only `In`/`NotIn` with exactly one value; the only node field is metadata.name. */
const fieldRequirementsMatch = (reqs: readonly NodeSelectorRequirement[], node: Node): boolean | undefined => {
  const name = node.metadata.name ?? '';
  const fields: Record<string, string> = name === '' ? {} : { 'metadata.name': name };
  const results: boolean[] = [];
  for (const r of reqs) {
    if ((r.operator !== 'In' && r.operator !== 'NotIn') || (r.values ?? []).length !== 1) return undefined;
    const actual = fields[r.key] ?? '';
    results.push(r.operator === 'In' ? actual === r.values![0] : actual !== r.values![0]);
  }
  // fields.Set with no entries (nameless node) is not checked at all, as upstream.
  return Object.keys(fields).length === 0 || results.every(Boolean);
};

/** One term: matchExpressions AND matchFields; `undefined` when the term does not parse. */
const termMatches = (term: NodeSelectorTerm, node: Node): boolean | undefined => {
  const exprs = term.matchExpressions ?? [];
  const fieldReqs = term.matchFields ?? [];
  const labelReqs = exprs.length > 0 ? parseLabelRequirements(exprs) : [];
  if (labelReqs === undefined) return undefined;
  const fieldsOk = fieldReqs.length > 0 ? fieldRequirementsMatch(fieldReqs, node) : true;
  if (fieldsOk === undefined) return undefined;
  const labels = node.metadata.labels ?? {};
  return labelReqs.every((r) => requirementMatches(r, labels)) && fieldsOk;
};

/**
 * Required node affinity fit (`nodeaffinity.GetRequiredNodeAffinity(pod).Match(node)`):
 * nodeSelector (all keys equal) AND, if present, the ORed terms of
 * `requiredDuringSchedulingIgnoredDuringExecution`. Empty terms and unparseable terms match nothing.
 */
export const nodeAffinityMatches = (podSpec: PodSpec, node: Node): boolean => {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(podSpec.nodeSelector ?? {})) {
    if (!Object.prototype.hasOwnProperty.call(labels, k) || labels[k] !== v) return false;
  }
  const required = podSpec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required === undefined || required === null) return true;
  return (required.nodeSelectorTerms ?? []).some((term) => {
    const empty = (term.matchExpressions ?? []).length === 0 && (term.matchFields ?? []).length === 0;
    return !empty && termMatches(term, node) === true;
  });
};

/** Spec §3 / upstream `NodeShouldRunDaemonPod`, simulating the daemon pod with its default tolerations. */
export const nodeShouldRunDaemonPod = (node: Node, ds: DaemonSet): NodeEligibility => {
  // Objects are never mutated (a change makes a new object), so the answer is cached per
  // (node, pod spec) pair: every sync asks it of every node, and nodes rarely change.
  const spec = ds.spec.template.spec;
  let perSpec = eligibilityCache.get(node);
  if (!perSpec) eligibilityCache.set(node, (perSpec = new WeakMap()));
  let answer = perSpec.get(spec);
  if (!answer) perSpec.set(spec, (answer = computeEligibility(node, spec)));
  return answer;
};

const eligibilityCache = new WeakMap<Node, WeakMap<PodSpec, NodeEligibility>>();
const tolerationCache = new WeakMap<PodSpec, Toleration[]>();

const computeEligibility = (node: Node, spec: PodSpec): NodeEligibility => {
  const nodeName = node.metadata.name ?? '';
  const none: NodeEligibility = { shouldRun: false, shouldContinueRunning: false };
  if ((spec.nodeName ?? '') !== '' && spec.nodeName !== nodeName) return none;
  if (!nodeAffinityMatches(spec, node)) return none;
  let tolerations = tolerationCache.get(spec);
  if (!tolerations) tolerationCache.set(spec, (tolerations = daemonPodTolerations(spec)));
  const taints = node.spec?.taints ?? [];
  if (findUntoleratedTaint(taints, tolerations, ['NoSchedule', 'NoExecute']) === undefined) {
    return { shouldRun: true, shouldContinueRunning: true };
  }
  return { shouldRun: false, shouldContinueRunning: findUntoleratedTaint(taints, tolerations, ['NoExecute']) === undefined };
};
