/**
 * scheduling.k8s.io/v1 PriorityClasses as a stored kind, and how a pod's
 * priority is resolved from them at admission.
 *
 * - The kind: schema, defaults (preemptionPolicy PreemptLowerPriority) and
 *   upstream's validation (pkg/apis/scheduling/validation: the `system-`
 *   prefix is reserved for the built-ins, user values stop at one billion,
 *   value and preemptionPolicy are immutable).
 * - The built-ins `system-node-critical` and `system-cluster-critical`
 *   (pkg/apis/scheduling/helpers.go), which upstream's API server creates at
 *   start: here they are served when not stored, as old as the log, and may
 *   not be deleted (pkg/registry/scheduling/priorityclass/storage).
 * - The Priority admission plugin (plugin/pkg/admission/priority): only one
 *   class may be the global default, and a new pod's `priorityClassName`
 *   resolves to `priority` and `preemptionPolicy` (resolvePodPriority).
 */
import { stableUid } from './stable-uid';
import { z } from 'zod';
import { type FieldError, forbidden, invalid, notSupported, required } from '../api/field-errors';
import { objectMetaSchema } from '../api/schemas/meta';
import { bool, int32, str, strict } from '../api/schemas/primitives';
import { forbiddenError, PODS } from '../api/status';
import type { Pod, PodSpec } from '../api/types';
import type { StoredKindDef, StoredObject } from './kind-def';

export const SCHEDULING_GROUP = 'scheduling.k8s.io';
export const PRIORITY_CLASSES = { resource: 'priorityclasses', group: SCHEDULING_GROUP } as const;

export const PREEMPT_LOWER_PRIORITY = 'PreemptLowerPriority';
export const PREEMPT_NEVER = 'Never';
const PREEMPTION_POLICIES = [PREEMPT_LOWER_PRIORITY, PREEMPT_NEVER];

/** The highest value a user's class may have (upstream's HighestUserDefinablePriority). */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
/** The value of system-cluster-critical; system-node-critical is 1000 above (SystemCriticalPriority). */
export const SYSTEM_CRITICAL_PRIORITY = 2 * HIGHEST_USER_DEFINABLE_PRIORITY;
/** A pod's priority when it names no class and no class is the global default. */
export const DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS_EXISTS = 0;
const SYSTEM_PREFIX = 'system-';

export interface PriorityClass extends StoredObject {
  value: number;
  globalDefault?: boolean;
  description?: string;
  preemptionPolicy: string;
}

// ── The kind ────────────────────────────────────────────────────────────────
const priorityClassSchema = strict('v1.PriorityClass', {
  apiVersion: z.literal(`${SCHEDULING_GROUP}/v1`),
  kind: z.literal('PriorityClass'),
  metadata: objectMetaSchema.default({}),
  value: int32().optional(),
  globalDefault: bool().optional(),
  description: str().optional(),
  preemptionPolicy: str().optional(),
});

/** What the built-ins must be (upstream's systemPriorityClasses); description aside, a class named like one must match it. */
export const SYSTEM_PRIORITY_CLASSES: readonly { name: string; value: number; description: string }[] = [
  { name: 'system-node-critical', value: SYSTEM_CRITICAL_PRIORITY + 1000, description: 'Used for system critical pods that must not be moved from their current node.' },
  { name: 'system-cluster-critical', value: SYSTEM_CRITICAL_PRIORITY, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' },
];

export const isSystemPriorityClass = (name: string): boolean => SYSTEM_PRIORITY_CLASSES.some((s) => s.name === name);

/** Go's zero values and upstream's default: `value` is always there, `globalDefault: false` is omitted (omitempty). */
const defaults = (o: StoredObject): StoredObject => {
  const { globalDefault, ...rest } = o as Partial<PriorityClass> & StoredObject;
  return { ...rest, value: rest.value ?? 0, preemptionPolicy: rest.preemptionPolicy ?? PREEMPT_LOWER_PRIORITY, ...(globalDefault ? { globalDefault } : {}) };
};

/** IsKnownSystemPriorityClass: undefined when `pc` matches a built-in, else why not. */
const systemClassMismatch = (pc: PriorityClass): string | undefined => {
  const spc = SYSTEM_PRIORITY_CLASSES.find((s) => s.name === pc.metadata.name);
  if (!spc) return `${pc.metadata.name} is not a known system priority class`;
  if (pc.value !== spc.value) return `value of ${spc.name} PriorityClass must be ${spc.value}`;
  if (pc.globalDefault) return `globalDefault of ${spc.name} PriorityClass must be false`;
  return undefined;
};

/** Upstream's ValidatePriorityClass (the metadata rules are the registry's). */
export const validatePriorityClass = (pc: PriorityClass): FieldError[] => {
  const errs: FieldError[] = [];
  if ((pc.metadata.name ?? '').startsWith(SYSTEM_PREFIX)) {
    const mismatch = systemClassMismatch(pc);
    if (mismatch) errs.push(forbidden('metadata.name', `priority class names with '${SYSTEM_PREFIX}' prefix are reserved for system use only. error: ${mismatch}`));
  } else if (pc.value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  if (pc.preemptionPolicy === '') errs.push(required('preemptionPolicy', ''));
  else if (!PREEMPTION_POLICIES.includes(pc.preemptionPolicy)) errs.push(notSupported('preemptionPolicy', pc.preemptionPolicy, PREEMPTION_POLICIES));
  return errs;
};

/** Upstream's ValidatePriorityClassUpdate: value and preemptionPolicy never change. */
export const validatePriorityClassUpdate = (next: PriorityClass, prev: PriorityClass): FieldError[] => [
  ...(next.value !== prev.value ? [forbidden('value', 'may not be changed in an update.')] : []),
  ...(next.preemptionPolicy !== prev.preemptionPolicy ? [invalid('preemptionPolicy', next.preemptionPolicy, 'field is immutable')] : []),
];

export const PRIORITY_CLASS_KIND: StoredKindDef = {
  streamKind: 'priorityclass',
  group: SCHEDULING_GROUP,
  version: 'v1',
  kind: 'PriorityClass',
  resource: 'priorityclasses',
  namespaced: false,
  schema: priorityClassSchema,
  defaults,
  validate: (o) => validatePriorityClass(o as PriorityClass),
  validateUpdate: (next, prev) => validatePriorityClassUpdate(next as PriorityClass, defaults(prev) as PriorityClass),
};

// ── The built-ins ───────────────────────────────────────────────────────────


/** A built-in class as served while no event of its own is stored (createdAt: when the log began). */
export const builtinPriorityClass = (name: string, createdAt: string): PriorityClass | undefined => {
  const spc = SYSTEM_PRIORITY_CLASSES.find((s) => s.name === name);
  if (!spc) return undefined;
  return {
    apiVersion: `${SCHEDULING_GROUP}/v1`,
    kind: 'PriorityClass',
    metadata: { name, uid: stableUid(`priorityclass/${name}`), resourceVersion: '1', creationTimestamp: createdAt },
    value: spc.value,
    description: spc.description,
    preemptionPolicy: PREEMPT_LOWER_PRIORITY,
  };
};

/** Why a class may not be deleted (the built-ins), or undefined. */
export const priorityClassDeletionRefusal = (name: string): string | undefined =>
  isSystemPriorityClass(name) ? 'this is a system priority class and cannot be deleted' : undefined;

// ── Looking classes up ──────────────────────────────────────────────────────

/** What resolution needs of the cluster: the classes by name and the global default. */
export interface PriorityClassLookup {
  get(name: string): PriorityClass | undefined;
  /** The global default; if a race left several, the one of lowest value, as upstream picks. */
  globalDefault(): PriorityClass | undefined;
}

/** Where the stored classes come from: a ClusterView (libs/projections) is one. */
export interface PriorityClassSource {
  objectsOf(kind: 'priorityclass'): readonly StoredObject[];
}

/** Every class the cluster has: the stored ones, plus each built-in not stored. */
export const priorityClassesOf = (source: PriorityClassSource, createdAt = ''): PriorityClass[] => {
  // Stored classes were defaulted when admitted: value and preemptionPolicy are there.
  const stored = source.objectsOf('priorityclass') as readonly PriorityClass[];
  const builtins = SYSTEM_PRIORITY_CLASSES.filter((s) => !stored.some((o) => o.metadata.name === s.name)).map((s) => builtinPriorityClass(s.name, createdAt)!);
  return [...builtins, ...stored];
};

/**
 * The lookup that pod admission and the DaemonSet controller (which builds
 * daemon pods without going through the API) resolve priorities with.
 */
export const priorityClassLookup = (source: PriorityClassSource): PriorityClassLookup => {
  const classes = priorityClassesOf(source);
  return {
    get: (name) => classes.find((c) => c.metadata.name === name),
    globalDefault: () => classes.filter((c) => c.globalDefault).reduce<PriorityClass | undefined>((low, c) => (!low || c.value < low.value ? c : low), undefined),
  };
};

/**
 * The Priority plugin's rule for classes: a class may become the global
 * default only while no other is (a create, or an update of another class).
 * The reason of the 403, or undefined.
 */
export const globalDefaultConflict = (pc: StoredObject, lookup: PriorityClassLookup): string | undefined => {
  if (!(pc as Partial<PriorityClass>).globalDefault) return undefined;
  const current = lookup.globalDefault();
  if (!current || current.metadata.name === pc.metadata.name) return undefined;
  return `PriorityClass ${current.metadata.name} is already marked as default. Only one default can exist`;
};

// ── Pods ────────────────────────────────────────────────────────────────────

type PrioritySpec = Pick<PodSpec, 'priorityClassName' | 'priority' | 'preemptionPolicy'>;

/** The pod spec with its priority resolved, or the reason the pod is refused (upstream's Forbidden text). */
export type PodPriorityResolution<S> = { ok: true; spec: S } | { ok: false; reason: string };

/**
 * The Priority admission plugin on a pod create: `priorityClassName` names
 * the class that gives `priority` and `preemptionPolicy`; no name takes the
 * global default class (its name filled in), else priority 0 and
 * PreemptLowerPriority. An unknown class is refused, and so is a pod that
 * sets a priority or a preemption policy other than its class's.
 */
export const resolvePodPriority = <S extends PrioritySpec>(spec: S, lookup: PriorityClassLookup): PodPriorityResolution<S> => {
  let resolved: { name?: string; value: number; policy: string };
  if (!spec.priorityClassName) {
    const dpc = lookup.globalDefault();
    resolved = dpc
      ? { name: dpc.metadata.name, value: dpc.value, policy: dpc.preemptionPolicy }
      : { value: DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS_EXISTS, policy: PREEMPT_LOWER_PRIORITY };
  } else {
    const pc = lookup.get(spec.priorityClassName);
    if (!pc) return { ok: false, reason: `no PriorityClass with name ${spec.priorityClassName} was found` };
    resolved = { name: pc.metadata.name, value: pc.value, policy: pc.preemptionPolicy };
  }
  if (spec.priority !== undefined && spec.priority !== resolved.value) {
    return { ok: false, reason: `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${resolved.value} from the given PriorityClass name` };
  }
  if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== resolved.policy) {
    return { ok: false, reason: `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${resolved.policy} from the given PriorityClass name` };
  }
  const { priorityClassName: _n, ...rest } = spec;
  return { ok: true, spec: { ...rest, ...(resolved.name ? { priorityClassName: resolved.name } : {}), priority: resolved.value, preemptionPolicy: resolved.policy } as unknown as S };
};

/** The name a refusal quotes: admission's (the name, else generateName, else "Unknown"). */
const admissionName = (pod: Pod): string => pod.metadata.name || pod.metadata.generateName || 'Unknown';

/** A pod with its priority resolved, or a 403 `pods "x" is forbidden: <reason>` (nothing appended). */
export const admitPodPriority = (pod: Pod, lookup: PriorityClassLookup): Pod => {
  const r = resolvePodPriority(pod.spec, lookup);
  if (!r.ok) throw forbiddenError(PODS, admissionName(pod), r.reason);
  return { ...pod, spec: r.spec };
};

/**
 * A pod update keeps the priority admission gave it when the request leaves
 * it out (upstream's plugin on update), so a replace with the original
 * manifest is not taken for a spec change.
 */
export const keepPodPriority = (next: Pod, prev: Pod): Pod => {
  const kept = {
    ...(next.spec.priority === undefined && prev.spec.priority !== undefined ? { priority: prev.spec.priority } : {}),
    ...(next.spec.preemptionPolicy === undefined && prev.spec.preemptionPolicy !== undefined ? { preemptionPolicy: prev.spec.preemptionPolicy } : {}),
  };
  return Object.keys(kept).length ? { ...next, spec: { ...next.spec, ...kept } } : next;
};
