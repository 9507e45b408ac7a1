import type { ControllerRevision, DaemonSet } from './types';
import { DomainError } from '../errors';

/**
 * What `kubectl rollout undo daemonset/x [--to-revision=N]` sends, decided
 * on the client's side as kubectl does it (kubectl's DaemonSetRollbacker):
 * among the DaemonSet's own ControllerRevisions (controller owner uid), N or,
 * for 0, the second highest; the request is a strategic merge patch whose body
 * is that revision's `data` verbatim. The server then treats it as any other
 * update: the DaemonSet controller finds the revision with the same template
 * and renumbers it to max+1.
 */
export type RollbackRequest =
  | { skipped: true; revision: number }
  | { skipped: false; revision: number; contentType: 'application/strategic-merge-patch+json'; patch: string };

export const rollbackRequest = (ds: DaemonSet, revisions: readonly ControllerRevision[], toRevision: number): RollbackRequest => {
  if (toRevision < 0) throw new DomainError('BadRequest', `unable to find specified revision ${toRevision} in history`);
  const owned = revisions
    .filter((r) => r.metadata.ownerReferences?.some((o) => o.controller && o.uid === ds.metadata.uid))
    .sort((a, b) => a.revision - b.revision);
  let chosen: ControllerRevision | undefined;
  if (toRevision === 0) {
    if (owned.length <= 1) throw new DomainError('BadRequest', 'no last revision to roll back to');
    chosen = owned[owned.length - 2];
  } else {
    chosen = owned.find((r) => r.revision === toRevision);
    if (!chosen) throw new DomainError('BadRequest', `unable to find specified revision ${toRevision} in history`);
  }
  // kubectl: "skipped rollback (current template already matches revision N)".
  if (chosen === owned[owned.length - 1]) return { skipped: true, revision: chosen.revision };
  return { skipped: false, revision: chosen.revision, contentType: 'application/strategic-merge-patch+json', patch: JSON.stringify(chosen.data) };
};

/**
 * The rollback the `on-stall: rollback` control makes (README "Rollout
 * controls"): `kubectl rollout undo --to-revision` to the revision whose
 * hash is `toHash`, with `kubernetes.io/change-cause` set to `cause` so
 * `kubectl rollout history` says why. `undefined` when the DaemonSet owns no
 * such revision any more (history pruned) or already runs it.
 */
export const rollbackToHash = (ds: DaemonSet, revisions: readonly ControllerRevision[], toHash: string, cause: string): { revision: number; contentType: string; patch: string } | undefined => {
  const target = revisions.find(
    (r) => r.metadata.labels?.['controller-revision-hash'] === toHash && r.metadata.ownerReferences?.some((o) => o.controller && o.uid === ds.metadata.uid),
  );
  if (!target) return undefined;
  const request = rollbackRequest(ds, revisions, target.revision);
  if (request.skipped) return undefined;
  const data = target.data as Record<string, unknown>;
  return {
    revision: target.revision,
    contentType: 'application/strategic-merge-patch+json',
    patch: JSON.stringify({ ...data, metadata: { annotations: { 'kubernetes.io/change-cause': cause } } }),
  };
};
