/**
 * Writes to the `status` subresource of DaemonSets, pods and nodes. As
 * upstream's status strategies do (PrepareForUpdate in
 * pkg/registry/{apps/daemonset,core/pod,core/node}/strategy.go, after the
 * generic registry's BeforeUpdate), the stored spec wins over whatever the
 * body carries, and so do the fields the server owns: uid (when the body has
 * none), creationTimestamp, deletionTimestamp and its grace period,
 * generation, managedFields. So a merge patch built from a Go struct — with
 * `"metadata":{"creationTimestamp":null}` and a zero-valued `spec` — changes
 * the status and nothing else.
 *
 * Where DaemonLedger differs: upstream stores label, annotation, owner and
 * finalizer changes sent through `/status`; the log records a status change
 * as a status event, so such changes are refused (422) rather than answered
 * 200 and dropped. A uid in the body that is not the object's is the same
 * 422 `field is immutable` upstream gives.
 */
import { canonicalJson } from './daemon-set-strategy';
import type { DaemonSet, DaemonSetStatus, Node, NodeStatus, ObjectMeta, Pod, PodStatus } from './types';
import { forbidden, invalid, type FieldError } from './field-errors';
import { invalidError } from './status';
import { validateDaemonSetStatusUpdate } from './validation/daemon-set';

/** The metadata a status write may not change here: user-set, recorded by other commands. */
const USER_META = ['labels', 'annotations', 'ownerReferences', 'finalizers'] as const;

const empty = (v: unknown) => v === undefined || v === null || (typeof v === 'object' && Object.keys(v).length === 0);
const same = (a: unknown, b: unknown) => (empty(a) && empty(b)) || canonicalJson(a) === canonicalJson(b);

interface WithStatus<S> {
  metadata: ObjectMeta;
  status?: S;
}

/**
 * The object a status write stores: the stored object with the body's status
 * (and the body's resourceVersion, the caller's precondition), or the field
 * errors that refuse it.
 */
export const statusWrite = <S, T extends WithStatus<S>>(input: T, prev: T): { object: T; errors: FieldError[] } => {
  const errors: FieldError[] = [];
  if (input.metadata.uid && input.metadata.uid !== prev.metadata.uid) errors.push(invalid('metadata.uid', input.metadata.uid, 'field is immutable'));
  for (const field of USER_META) {
    if (!same(input.metadata[field], prev.metadata[field])) {
      errors.push(forbidden(`metadata.${field}`, `the status subresource changes status only; change metadata.${field} with an update of the object`));
    }
  }
  const metadata: ObjectMeta = { ...prev.metadata, resourceVersion: input.metadata.resourceVersion ?? prev.metadata.resourceVersion };
  return { object: { ...prev, metadata, status: input.status }, errors };
};

const admit = <S, T extends WithStatus<S>>(kind: string, group: string, input: T, prev: T, validate: (next: T, prev: T) => FieldError[] = () => []): T => {
  const { object, errors } = statusWrite<S, T>(input, prev);
  const all = [...errors, ...(errors.length ? [] : validate(object, prev))];
  if (all.length) throw invalidError(kind, group, prev.metadata.name ?? '', all);
  return object;
};

/** DaemonSet status: counters non-negative, collisionCount never decremented (ValidateDaemonSetStatusUpdate). */
export const admitDaemonSetStatusUpdate = (input: DaemonSet, prev: DaemonSet): DaemonSet =>
  admit<DaemonSetStatus, DaemonSet>('DaemonSet', 'apps', input, prev, validateDaemonSetStatusUpdate);

export const admitPodStatusUpdate = (input: Pod, prev: Pod): Pod => admit<PodStatus, Pod>('Pod', '', input, prev);

export const admitNodeStatusUpdate = (input: Node, prev: Node): Node => admit<NodeStatus, Node>('Node', '', input, prev);
