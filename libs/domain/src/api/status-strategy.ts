/**
 * Writes to the `status` subresource of DaemonSets, pods and nodes, as
 * upstream's status strategies do (PrepareForUpdate of the *StatusStrategy in
 * pkg/registry/{apps/daemonset,core/pod,core/node}/strategy.go, after the
 * generic registry's BeforeUpdate):
 * - the stored spec wins over whatever the body carries, and so do the fields
 *   the server owns: uid (when the body has none), creationTimestamp,
 *   deletionTimestamp and its grace period, generation, managedFields. So a
 *   merge patch built from a Go struct — `"metadata":{"creationTimestamp":null}`
 *   and a zero-valued `spec` — changes nothing but the status;
 * - labels and annotations are the body's: a status write may change them
 *   too. The caller records such a change with the kind's metadata events in
 *   the same append as the status event (one command), so it is atomic;
 * - pods: ownerReferences are the stored ones whatever the body says, and an
 *   empty `status.qosClass` keeps the stored class (upstream backfills it).
 *
 * Where DaemonLedger differs: upstream also stores finalizer changes (and, on
 * DaemonSets and nodes, owner reference changes) sent through `/status`. The
 * log records neither for these kinds from any write (an update refuses them
 * too), so they are refused (422) rather than answered 200 and dropped. A uid
 * in the body that is not the object's is upstream's 422 `field is immutable`.
 */
import { canonicalJson } from './daemon-set-strategy';
import type { DaemonSet, DaemonSetStatus, Node, NodeStatus, ObjectMeta, Pod, PodStatus } from './types';
import { forbidden, invalid, type FieldError } from './field-errors';
import { invalidError } from './status';
import { validateDaemonSetStatusUpdate } from './validation/daemon-set';
import { validateObjectMetaUpdate } from './validation/meta';

const empty = (v: unknown) => v === undefined || v === null || (typeof v === 'object' && Object.keys(v).length === 0);
const same = (a: unknown, b: unknown) => (empty(a) && empty(b)) || canonicalJson(a) === canonicalJson(b);

interface WithStatus<S> {
  metadata: ObjectMeta;
  status?: S;
}

/** How one kind's status strategy treats the metadata a body carries. */
export interface StatusRules<S, T extends WithStatus<S>> {
  /** `ignored`: the stored owners are kept (pods); `refused`: a change is a 422 (no command of the kind records owners). */
  ownerReferences: 'ignored' | 'refused';
  /** The resource's plural, for messages. */
  plural: string;
  /** The status to store, from the body's and the stored one. */
  status?: (input: S | undefined, prev: S | undefined) => S | undefined;
}

/**
 * The object a status write stores: the stored object with the body's
 * status, labels and annotations (and the body's resourceVersion, the
 * caller's precondition), or the field errors that refuse it.
 */
export const statusWrite = <S, T extends WithStatus<S>>(input: T, prev: T, rules: StatusRules<S, T>): { object: T; errors: FieldError[] } => {
  const errors: FieldError[] = [];
  const m = input.metadata;
  if (m.uid && m.uid !== prev.metadata.uid) errors.push(invalid('metadata.uid', m.uid, 'field is immutable'));
  if (!same(m.finalizers, prev.metadata.finalizers)) {
    errors.push(forbidden('metadata.finalizers', `DaemonLedger does not keep finalizers set by an update on ${rules.plural}`));
  }
  if (rules.ownerReferences === 'refused' && !same(m.ownerReferences, prev.metadata.ownerReferences)) {
    errors.push(forbidden('metadata.ownerReferences', `DaemonLedger does not record owner reference changes on ${rules.plural}`));
  }
  // Unchanged maps stay as stored (absent and empty are the same map).
  const metadata: ObjectMeta = {
    ...prev.metadata,
    labels: same(m.labels, prev.metadata.labels) ? prev.metadata.labels : m.labels,
    annotations: same(m.annotations, prev.metadata.annotations) ? prev.metadata.annotations : m.annotations,
    resourceVersion: m.resourceVersion ?? prev.metadata.resourceVersion,
  };
  if (metadata.labels === undefined) delete metadata.labels;
  if (metadata.annotations === undefined) delete metadata.annotations;
  const status = rules.status ? rules.status(input.status, prev.status) : input.status;
  return { object: { ...prev, metadata, status }, errors };
};

const admit = <S, T extends WithStatus<S>>(
  kind: string,
  group: string,
  input: T,
  prev: T,
  rules: StatusRules<S, T>,
  validate: (next: T, prev: T) => FieldError[],
): T => {
  const { object, errors } = statusWrite<S, T>(input, prev, rules);
  const all = [...errors, ...(errors.length ? [] : validate(object, prev))];
  if (all.length) throw invalidError(kind, group, prev.metadata.name ?? '', all);
  return object;
};

/** New labels and annotations must be valid (ValidateObjectMetaUpdate; the rest of the metadata is the stored one). */
const metaUpdate = <T extends { metadata: ObjectMeta }>(next: T, prev: T) => validateObjectMetaUpdate(next.metadata, prev.metadata);

/**
 * The labels and annotations a status write ends with, for the command that
 * records it ({} = none). The decider appends a metadata event only when they
 * differ from the stored ones.
 */
export const statusWriteMetadata = (obj: { metadata: ObjectMeta }): { labels: Record<string, string>; annotations: Record<string, string> } => ({
  labels: obj.metadata.labels ?? {},
  annotations: obj.metadata.annotations ?? {},
});

/** DaemonSet status: counters non-negative, collisionCount never decremented (ValidateDaemonSetStatusUpdate). */
export const admitDaemonSetStatusUpdate = (input: DaemonSet, prev: DaemonSet): DaemonSet =>
  admit<DaemonSetStatus, DaemonSet>('DaemonSet', 'apps', input, prev, { ownerReferences: 'refused', plural: 'daemonsets', status: (s) => s ?? ZERO_DAEMON_SET_STATUS }, validateDaemonSetStatusUpdate);

/** A body without a status (or `status: null`) stores the zero status, as Go decodes it: the four counters that are never omitted, 0. */
const ZERO_DAEMON_SET_STATUS: DaemonSetStatus = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };

/** The QoS class is set at creation and immutable: a status without one keeps the stored class. */
const podStatus = (input: PodStatus | undefined, prev: PodStatus | undefined): PodStatus | undefined =>
  input && !input.qosClass && prev?.qosClass ? { ...input, qosClass: prev.qosClass } : input;

export const admitPodStatusUpdate = (input: Pod, prev: Pod): Pod =>
  admit<PodStatus, Pod>('Pod', '', input, prev, { ownerReferences: 'ignored', plural: 'pods', status: podStatus }, metaUpdate);

export const admitNodeStatusUpdate = (input: Node, prev: Node): Node =>
  admit<NodeStatus, Node>('Node', '', input, prev, { ownerReferences: 'refused', plural: 'nodes' }, metaUpdate);
