import type { ControllerRevision, DaemonSet, PodTemplateSpec } from '@daemonledger/domain/api/types';
import { DomainError } from '@daemonledger/domain/errors';

/**
 * What `kubectl rollout undo` does, decided server-side for the in-process
 * command (kubectl itself sends the revision's data as a patch): the
 * DaemonSet's own revisions (controller owner uid), sorted by number; 0 means
 * the second highest.
 */
export const undoTarget = (
  ds: DaemonSet,
  revisions: ControllerRevision[],
  toRevision: number,
): { skipped: boolean; revision: number; template: PodTemplateSpec } => {
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
  const { $patch: _replace, ...template } = (chosen.data as { spec: { template: PodTemplateSpec & { $patch?: string } } }).spec.template;
  const current = owned[owned.length - 1];
  return { skipped: chosen === current && current.revision === toRevision, revision: chosen.revision, template: template as PodTemplateSpec };
};
