/**
 * The preconditions a write may carry (a PUT's or a patch's
 * `metadata.resourceVersion`, DeleteOptions' `preconditions`), decided in
 * one place with one code: Conflict (409), as kube-apiserver answers them.
 *
 * Callers check twice with this one rule: the API edge against the object it
 * read (so a stale request fails before any work), and the decider against
 * the object as the append will change it (upstream checks inside the
 * storage transaction, GuaranteedUpdate); only the second is authoritative.
 */
import { DomainError } from '../errors';
import { conflictError, type ResourceRef } from './status';

export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

interface Stored {
  metadata: { name?: string; uid?: string; resourceVersion?: string };
}

const given = (v: string | undefined): v is string => v !== undefined && v !== '';

/**
 * Throws a Conflict when `current` is not the object the writer meant.
 * `update` (PUT, PATCH, apply) words a stale resourceVersion as the
 * optimistic-lock text clients retry on; `delete` words both checks as
 * upstream's "Precondition failed" texts. An empty precondition holds.
 */
export const checkPreconditions = (ref: ResourceRef, current: Stored, pre: Preconditions | undefined, verb: 'update' | 'delete' = 'update'): void => {
  if (!pre) return;
  const name = current.metadata.name ?? '';
  const { uid, resourceVersion } = current.metadata;
  if (given(pre.uid) && pre.uid !== uid) {
    throw preconditionFailed(ref, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${uid ?? ''}`);
  }
  if (given(pre.resourceVersion) && pre.resourceVersion !== resourceVersion) {
    if (verb === 'update') throw conflictError(ref, name);
    throw preconditionFailed(ref, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${resourceVersion ?? ''}`);
  }
};

const preconditionFailed = (ref: ResourceRef, name: string, message: string): DomainError =>
  new DomainError('Conflict', message, { name, kind: ref.resource, ...(ref.group ? { group: ref.group } : {}) });
