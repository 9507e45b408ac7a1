/**
 * The registry strategy around writes (kube-apiserver's registry strategies, `pkg/registry/apps/daemonset/strategy.go` and its peers):
 * defaulting and validation, and for DaemonSets which parts of a write the
 * server keeps from the stored object. The API layer calls these for create /
 * update / status update; each returns the object to hand to the decider or
 * throws a DomainError('Invalid'). The generation bookkeeping is not here:
 * the DaemonSet decider sets `metadata.generation` and the template
 * generation annotation, against the object as the append changes it.
 */
import type { ControllerRevision, DaemonSet, DaemonSetStatus, Node, Pod } from './types';
import { defaultDaemonSet, defaultNode, defaultPod } from './defaults';
import { invalidError } from './status';
import { validateDaemonSet, validateDaemonSetUpdate, UpdateValidationOptions } from './validation/daemon-set';
import { validateControllerRevision, validateControllerRevisionUpdate } from './validation/controller-revision';
import { validateNode, validateNodeUpdate } from './validation/node';
import { validateObjectMeta, validateObjectMetaUpdate } from './validation/meta';
import { validatePodSpec } from './validation/pod-spec';
import type { FieldError } from './field-errors';
import { admitPodPriority, type PriorityClassLookup } from '../kinds/priority-class';
import { admitServiceAccount } from './service-account-admission';

/** Deep equality on JSON values, insensitive to key order (Go's semantic DeepEqual on decoded objects). */
export const canonicalJson = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.keys(x as object).sort().map((k) => [k, (x as Record<string, unknown>)[k]]))
      : x,
  );

const EMPTY_STATUS: DaemonSetStatus = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };

const fail = (ds: { metadata: { name?: string } }, kind: string, group: string, errs: FieldError[]): never => {
  throw invalidError(kind, group, ds.metadata.name ?? '', errs);
};

/** Create: a client's status is dropped; defaulted and validated. */
export const admitDaemonSetCreate = (input: DaemonSet): DaemonSet => {
  const ds: DaemonSet = { ...defaultDaemonSet(input), status: EMPTY_STATUS };
  const errs = validateDaemonSet(ds);
  return errs.length ? fail(ds, 'DaemonSet', 'apps', errs) : ds;
};

/** Update: status and generation come from the stored object (a client cannot write them); defaulted and validated. */
export const admitDaemonSetUpdate = (input: DaemonSet, prev: DaemonSet, opts: UpdateValidationOptions = {}): DaemonSet => {
  const next = defaultDaemonSet(input);
  const ds: DaemonSet = { ...next, metadata: { ...next.metadata, generation: prev.metadata.generation }, status: prev.status ?? EMPTY_STATUS };
  const errs = validateDaemonSetUpdate(ds, prev, opts);
  return errs.length ? fail(ds, 'DaemonSet', 'apps', errs) : ds;
};

/** Status subresource writes: status-strategy.ts. */

export const validatePod = (pod: Pod): FieldError[] => [
  ...validateObjectMeta(pod.metadata, { requiresNamespace: true }),
  ...validatePodSpec(pod.spec, 'spec'),
];

/**
 * Pods get the template defaults plus the pod-only ones, then what the
 * admission chain adds: the service account and its token volume
 * (service-account-admission.ts) and their priority from `priorityClasses`
 * (the Priority admission plugin, which upstream runs before validation: an
 * unknown class is a 403 whatever else is wrong).
 */
export const admitPodCreate = (input: Pod, priorityClasses: PriorityClassLookup): Pod => {
  const pod = admitPodPriority(admitServiceAccount(defaultPod(input)), priorityClasses);
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
