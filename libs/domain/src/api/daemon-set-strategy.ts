/**
 * The registry strategy around DaemonSet writes (§1.3): status and
 * generation bookkeeping, then defaulting and validation. These are the
 * functions the API layer calls for create / update / status update; each
 * returns the object to store or throws a DomainError('Invalid').
 */
import { specChanges } from '../cluster/daemon-set.decider';
import type { ControllerRevision, DaemonSet, DaemonSetStatus, Node, Pod } from './types';
import { defaultDaemonSet, defaultNode, defaultPod } from './defaults';
import { invalidError } from './status';
import { validateDaemonSet, validateDaemonSetUpdate, UpdateValidationOptions } from './validation/daemon-set';
import { validateControllerRevision, validateControllerRevisionUpdate } from './validation/controller-revision';
import { validateNode, validateNodeUpdate } from './validation/node';
import { validateObjectMeta, validateObjectMetaUpdate } from './validation/meta';
import { validatePodSpec } from './validation/pod-spec';
import type { FieldError } from './field-errors';

export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

const EMPTY_STATUS: DaemonSetStatus = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };

/** Deep equality on JSON values, insensitive to key order (Go's semantic DeepEqual on decoded objects). */
export const canonicalJson = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.keys(x as object).sort().map((k) => [k, (x as Record<string, unknown>)[k]]))
      : x,
  );

export const templateGeneration = (ds: DaemonSet): number => {
  const raw = ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  return raw !== undefined && /^-?[0-9]+$/.test(raw) ? Number(raw) : 0;
};

const withTemplateGeneration = (ds: DaemonSet, tg: number): DaemonSet => ({
  ...ds,
  metadata: { ...ds.metadata, annotations: { ...ds.metadata.annotations, [TEMPLATE_GENERATION_ANNOTATION]: String(tg) } },
});

const fail = (ds: { metadata: { name?: string } }, kind: string, group: string, errs: FieldError[]): never => {
  throw invalidError(kind, group, ds.metadata.name ?? '', errs);
};

/** Create: status wiped, generation 1, templateGeneration ≥ 1; defaulted and validated. */
export const admitDaemonSetCreate = (input: DaemonSet): DaemonSet => {
  const ds = withTemplateGeneration(
    { ...defaultDaemonSet(input), metadata: { ...input.metadata, generation: 1 }, status: EMPTY_STATUS },
    Math.max(1, templateGeneration(input)),
  );
  const errs = validateDaemonSet(ds);
  return errs.length ? fail(ds, 'DaemonSet', 'apps', errs) : ds;
};

/**
 * Update: status and templateGeneration come from the stored object; a
 * template change bumps both counters, any other spec change only generation.
 */
export const admitDaemonSetUpdate = (input: DaemonSet, prev: DaemonSet, opts: UpdateValidationOptions = {}): DaemonSet => {
  const next = defaultDaemonSet(input);
  const { templateChanged, specChanged } = specChanges(prev, next);
  const generation = (prev.metadata.generation ?? 1) + (specChanged ? 1 : 0);
  const tg = templateGeneration(prev) + (templateChanged ? 1 : 0);
  const ds = withTemplateGeneration({ ...next, metadata: { ...next.metadata, generation }, status: prev.status ?? EMPTY_STATUS }, tg);
  const errs = validateDaemonSetUpdate(ds, prev, opts);
  return errs.length ? fail(ds, 'DaemonSet', 'apps', errs) : ds;
};

/** Status subresource writes: status-strategy.ts. */

export const validatePod = (pod: Pod): FieldError[] => [
  ...validateObjectMeta(pod.metadata, { requiresNamespace: true }),
  ...validatePodSpec(pod.spec, 'spec'),
];

/** Pods get the template defaults plus the pod-only ones. */
export const admitPodCreate = (input: Pod): Pod => {
  const pod = defaultPod(input);
  const errs = validatePod(pod);
  return errs.length ? fail(pod, 'Pod', '', errs) : pod;
};

export const admitPodUpdate = (input: Pod, prev: Pod): Pod => {
  const pod = defaultPod(input);
  const errs = [...validateObjectMetaUpdate(pod.metadata, prev.metadata), ...validatePod(pod)];
  return errs.length ? fail(pod, 'Pod', '', errs) : pod;
};

export const admitNodeCreate = (input: Node): Node => {
  const node = defaultNode(input);
  const errs = validateNode(node);
  return errs.length ? fail(node, 'Node', '', errs) : node;
};

export const admitNodeUpdate = (input: Node, prev: Node): Node => {
  const node = defaultNode(input);
  const errs = validateNodeUpdate(node, prev);
  return errs.length ? fail(node, 'Node', '', errs) : node;
};

export const admitControllerRevisionCreate = (cr: ControllerRevision): ControllerRevision => {
  const errs = validateControllerRevision(cr);
  return errs.length ? fail(cr, 'ControllerRevision', 'apps', errs) : cr;
};

export const admitControllerRevisionUpdate = (cr: ControllerRevision, prev: ControllerRevision): ControllerRevision => {
  const errs = validateControllerRevisionUpdate(cr, prev);
  return errs.length ? fail(cr, 'ControllerRevision', 'apps', errs) : cr;
};
