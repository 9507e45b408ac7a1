/**
 * Daemon pods: construction (spec §1.5), target node, readiness/availability (§6.1),
 * "updated" (§5.4), ordering, IntOrString scaling and deterministic names.
 */
import { applyPodOnlyDefaults } from '../api/defaults';
import { tokenVolumeSeed, withServiceAccount } from '../api/service-account-admission';
import type { DaemonSet, IntOrString, OwnerReference, Pod, PodSpec } from '../api/types';
import { DomainError } from '../errors';
import { fnv1a32String, SAFE_ALPHABET } from './hash';
import { parseInt64 } from './labels';
import { daemonPodTolerations } from './scheduling';
import { parseTime, toRfc3339, type EpochMs } from './time';

export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';
export const POD_TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

/** `metav1.NewControllerRef(ds, DaemonSet)`. */
export const daemonSetControllerRef = (ds: DaemonSet): OwnerReference => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  name: ds.metadata.name ?? '',
  uid: ds.metadata.uid ?? '',
  controller: true,
  blockOwnerDeletion: true,
});

/** The controller ownerReference of an object (`metav1.GetControllerOf`), if any. */
export const controllerOf = (obj: { metadata: { ownerReferences?: OwnerReference[] } }): OwnerReference | undefined =>
  (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);

/**
 * `util.GetTemplateGeneration`: the annotation as a canonical decimal string, `undefined` when
 * absent or not an int64 (either disables the generation half of "updated").
 */
export const templateGeneration = (ds: DaemonSet): string | undefined => {
  const raw = ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  if (raw === undefined) return undefined;
  return parseInt64(raw)?.toString();
};

/** `getPodsPrefix`: `<ds>-`, or the bare name when `<ds>-` is not a valid name prefix (too long). */
export const podNamePrefix = (dsName: string): string => (`${dsName}-`.length <= 253 ? `${dsName}-` : dsName);

/**
 * A deterministic stand-in for the API server's generateName: the prefix cut to 58 characters
 * plus 5 characters of SAFE_ALPHABET derived from FNV-1a of (dsName, seed).
 */
export const generatePodName = (dsName: string, seed: string): string => {
  const base = podNamePrefix(dsName).slice(0, 58);
  let h = fnv1a32String(`${dsName}\u0000${seed}`);
  let suffix = '';
  for (let i = 0; i < 5; i++) {
    suffix += SAFE_ALPHABET[h % SAFE_ALPHABET.length];
    h = Math.floor(h / SAFE_ALPHABET.length);
  }
  return base + suffix;
};

/**
 * A deep copy of JSON data, keeping key order and undefined-valued keys as structuredClone does,
 * several times faster: the fold rebuilds every daemon pod the log records compactly with it.
 */
const cloneJson = <T>(v: T): T => {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(cloneJson) as T;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const value = cloneJson((v as Record<string, unknown>)[k]);
    // An own "__proto__" key (JSON.parse makes them) stays a key, never a prototype.
    if (k === '__proto__') Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    else out[k] = value;
  }
  return out as T;
};

/** `util.ReplaceDaemonSetPodNodeNameNodeAffinity`: required terms replaced by `metadata.name In [node]`. */
export const pinToNode = (affinity: PodSpec['affinity'], nodeName: string): NonNullable<PodSpec['affinity']> => {
  const required = { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] };
  const a = cloneJson(affinity ?? {});
  const na = a.nodeAffinity ?? {};
  return { ...a, nodeAffinity: { ...na, requiredDuringSchedulingIgnoredDuringExecution: { ...(na.requiredDuringSchedulingIgnoredDuringExecution ?? {}), ...required } } };
};

export interface NewDaemonPodArgs {
  readonly name: string;
  readonly uid: string;
  /** Current revision hash; empty string leaves the label off (as upstream). */
  readonly hash: string;
  readonly now: EpochMs;
  readonly podIP?: string;
}

/**
 * The pod the controller creates for `nodeName` (spec §1.5, upstream `CreatePodTemplate` +
 * `GetPodFromTemplate`), as the API server stores it right after create (phase Pending).
 * `spec.nodeName` is not set (the scheduler binds) unless the template sets it.
 */
export const newDaemonPod = (ds: DaemonSet, nodeName: string, args: NewDaemonPodArgs): Pod => {
  const t = daemonTemplatePod(ds, args.hash);
  // The node- and name-dependent parts, in the places daemonPodBeforeAdmission gives them (the same JSON, key order included).
  const spec = admitDaemonPodSpec({ ...t.spec, affinity: pinToNode(ds.spec.template.spec.affinity, nodeName) }, ds.metadata.namespace, args.name);
  return {
    ...t,
    metadata: { ...t.metadata, name: args.name, uid: args.uid, creationTimestamp: toRfc3339(args.now) },
    spec,
    status: { phase: 'Pending', ...(args.podIP !== undefined ? { podIP: args.podIP } : {}) },
  };
};

/** Per DaemonSet version (an immutable object) and revision hash: the pod `newDaemonPod` builds, before its name, uid, time and node. */
const templatePods = new WeakMap<DaemonSet, Map<string, { pod: Pod; from: readonly unknown[] }>>();

/** What a template pod is built from, compared by identity: a DaemonSet object changed in place (tests build them so) is not served a stale pod. */
const templateInputs = (ds: DaemonSet): unknown[] => [
  ds.spec.template,
  ds.spec.template.metadata,
  ds.spec.template.spec,
  ds.metadata.name,
  ds.metadata.uid,
  ds.metadata.namespace,
  templateGeneration(ds),
];

/**
 * The parts the pods of one DaemonSet version have in common (labels, owner
 * reference, containers, tolerations…), built once per version and hash and
 * shared by every pod made from them: a rollout step creates hundreds, a fold
 * of a rollout rebuilds thousands. Safe because pods are never mutated (every
 * change makes a new object).
 */
export const daemonTemplatePod = (ds: DaemonSet, hash: string): Pod => {
  let byHash = templatePods.get(ds);
  if (!byHash) templatePods.set(ds, (byHash = new Map()));
  const from = templateInputs(ds);
  const known = byHash.get(hash);
  if (known && known.from.every((v, i) => v === from[i])) return known.pod;
  const pod = daemonPodBeforeAdmission(ds, '', { name: '', uid: '', hash, now: 0 });
  byHash.set(hash, { pod, from });
  return pod;
};

/**
 * What the API server's create adds to a daemon pod that depends on its name:
 * the ServiceAccount plugin's token volume (named from the pod's namespace and
 * name, as an API-created pod's is: `tokenVolumeSeed`). Priority is
 * resolved by the caller (it needs the cluster's classes).
 */
export const admitDaemonPodSpec = (spec: PodSpec, namespace: string | undefined, name: string): PodSpec =>
  withServiceAccount(spec, tokenVolumeSeed(namespace, name));

/**
 * `newDaemonPod` without the name-dependent admission: the template's pod,
 * with the pod-only defaults (SetDefaults_Pod: enableServiceLinks,
 * `resources: {}`...) that the API server applies to every created pod.
 */
export const daemonPodBeforeAdmission = (ds: DaemonSet, nodeName: string, args: NewDaemonPodArgs): Pod => {
  const template = cloneJson(ds.spec.template);
  const tm = template.metadata ?? {};
  const labels: Record<string, string> = { ...(tm.labels ?? {}) };
  const generation = templateGeneration(ds);
  if (generation !== undefined) labels[POD_TEMPLATE_GENERATION_LABEL] = generation;
  if (args.hash !== '') labels[CONTROLLER_REVISION_HASH_LABEL] = args.hash;
  const spec = applyPodOnlyDefaults({ ...template.spec, tolerations: daemonPodTolerations(template.spec), affinity: pinToNode(template.spec.affinity, nodeName) });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: args.name,
      generateName: podNamePrefix(ds.metadata.name ?? ''),
      ...(ds.metadata.namespace !== undefined ? { namespace: ds.metadata.namespace } : {}),
      uid: args.uid,
      creationTimestamp: toRfc3339(args.now),
      labels,
      ...(tm.annotations !== undefined ? { annotations: { ...tm.annotations } } : {}),
      ...(tm.finalizers !== undefined ? { finalizers: [...tm.finalizers] } : {}),
      ownerReferences: [daemonSetControllerRef(ds)],
    },
    spec,
    status: { phase: 'Pending', ...(args.podIP !== undefined ? { podIP: args.podIP } : {}) },
  };
};

/**
 * `util.GetTargetNodeName`: `spec.nodeName`, else the single value of the first
 * `metadata.name In [...]` field requirement. `undefined` when neither (or not exactly one value).
 */
export const podTargetNode = (pod: Pod): string | undefined => {
  // Pods are never mutated (every change makes a new object), so the answer is cached per object:
  // each sync asks it of every pod several times.
  if (targetCache.has(pod)) return targetCache.get(pod);
  const target = computeTargetNode(pod);
  targetCache.set(pod, target);
  return target;
};

const targetCache = new WeakMap<Pod, string | undefined>();

const computeTargetNode = (pod: Pod): string | undefined => {
  if ((pod.spec.nodeName ?? '') !== '') return pod.spec.nodeName;
  const terms = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms) {
    for (const f of term.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In') return (f.values ?? []).length === 1 ? f.values![0] : undefined;
    }
  }
  return undefined;
};

const readyCondition = (pod: Pod) => (pod.status?.conditions ?? []).find((c) => c.type === 'Ready');

/** Ready condition True; phase and deletionTimestamp are not looked at. */
export const isPodReady = (pod: Pod): boolean => readyCondition(pod)?.status === 'True';

/**
 * `podutil.IsPodAvailable` of v1.32: ready, and either minReadySeconds is 0 or the Ready
 * condition's lastTransitionTime + minReadySeconds is strictly before `now`.
 */
export const isPodAvailable = (pod: Pod, minReadySeconds: number, now: EpochMs): boolean => {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds === 0) return true;
  const since = parseTime(readyCondition(pod)?.lastTransitionTime);
  return since !== undefined && since + minReadySeconds * 1000 < now;
};

/** §5.4 `util.IsPodUpdated`: hash label equals `hash` (non-empty), or generation label equals the template generation. */
export const isPodUpdated = (pod: Pod, hash: string, generation: string | undefined): boolean => {
  const labels = pod.metadata.labels ?? {};
  const hashMatches = hash !== '' && labels[CONTROLLER_REVISION_HASH_LABEL] === hash;
  const generationMatches = generation !== undefined && labels[POD_TEMPLATE_GENERATION_LABEL] === generation;
  return hashMatches || generationMatches;
};

export const isPodTerminal = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
export const isPodDeleting = (pod: Pod): boolean => pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;

/** `podByCreationTimestampAndPhase`: bound pods first, then older first, ties by name. */
export const compareDaemonPods = (a: Pod, b: Pod): number => {
  const aBound = (a.spec.nodeName ?? '') !== '';
  const bBound = (b.spec.nodeName ?? '') !== '';
  if (aBound !== bBound) return aBound ? -1 : 1;
  const ta = parseTime(a.metadata.creationTimestamp) ?? Number.NEGATIVE_INFINITY;
  const tb = parseTime(b.metadata.creationTimestamp) ?? Number.NEGATIVE_INFINITY;
  if (ta !== tb) return ta < tb ? -1 : 1;
  const na = a.metadata.name ?? '';
  const nb = b.metadata.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
};

/**
 * intstr `GetScaledValueFromIntOrPercent(v, total, roundUp=true)`: an int as is, `"p%"` as
 * ceil(p × total / 100). Anything else throws `DomainError('Invalid')` with upstream's wording.
 */
export const scaledValue = (v: IntOrString | undefined | null, total: number): number => {
  if (v === undefined || v === null) throw new DomainError('Invalid', 'nil value for IntOrString');
  if (typeof v === 'number') return Math.trunc(v);
  if (!v.endsWith('%')) throw new DomainError('Invalid', 'invalid value for IntOrString: invalid type: string is not a percentage');
  const digits = v.slice(0, -1);
  const n = parseInt64(digits);
  if (n === undefined) throw new DomainError('Invalid', `invalid value for IntOrString: invalid value "${v}": strconv.Atoi: parsing "${digits}": invalid syntax`);
  return Math.ceil((Number(n) * total) / 100);
};
