import type { ControllerRevision, OwnerReference } from '../api/types';
import { checkPreconditions } from '../api/preconditions';
import { CONTROLLER_REVISIONS } from '../api/status';
import { DomainError } from '../errors';
import { jsonEqual } from './equality';
import type { ControllerRevisionEvent } from './events';
import type { CommandContext } from './daemon-set.decider';

/**
 * ControllerRevision commands. Revisions are written by the DaemonSet
 * controller (and the garbage collector); the only rule the object itself
 * enforces is the API server's: `data` never changes after creation, and a
 * revision number may only be raised (DESIGN invariant 3: numbers never reused).
 */
export type RevisionCommand =
  | { type: 'CreateRevision'; revision: ControllerRevision }
  | { type: 'RenumberRevision'; to: number }
  | { type: 'SetRevisionOwner'; ownerReference: OwnerReference | null }
  | { type: 'SetRevisionLabels'; labels: Record<string, string> }
  /**
   * A user's PUT/PATCH: labels, annotations, the controller reference (when
   * the update changed it) and the number, decided together so one request
   * appends atomically.
   */
  | {
      type: 'UpdateRevisionMetadata';
      labels: Record<string, string>;
      annotations: Record<string, string>;
      ownerReference?: OwnerReference | null;
      revision: number;
      expectedResourceVersion?: string;
    }
  | { type: 'DeleteRevision'; reason: 'pruned' | 'duplicate' | 'garbage-collected' | 'user' };

export const decideRevision = (
  cmd: RevisionCommand,
  current: ControllerRevision | undefined,
  ctx: CommandContext,
): ControllerRevisionEvent[] => {
  if (cmd.type === 'CreateRevision') {
    if (current) {
      throw new DomainError('AlreadyExists', `controllerrevisions.apps "${cmd.revision.metadata.name}" already exists`, {
        name: cmd.revision.metadata.name,
        group: 'apps',
        kind: 'controllerrevisions',
      });
    }
    const { resourceVersion: _rv, ...meta } = cmd.revision.metadata;
    return [
      {
        type: 'ControllerRevisionCreated',
        data: { revision: { ...cmd.revision, metadata: { ...meta, uid: meta.uid ?? ctx.newUid, creationTimestamp: ctx.now } } },
      },
    ];
  }
  if (!current) throw new DomainError('NotFound', 'controllerrevision not found');
  switch (cmd.type) {
    case 'RenumberRevision':
      if (cmd.to === current.revision) return [];
      if (cmd.to < current.revision) {
        throw new DomainError('Invalid', `revision of ${current.metadata.name} may only increase (${current.revision} → ${cmd.to})`);
      }
      return [{ type: 'ControllerRevisionRenumbered', data: { from: current.revision, to: cmd.to } }];
    case 'SetRevisionOwner': {
      const owner = current.metadata.ownerReferences?.find((o) => o.controller) ?? null;
      return jsonEqual(owner, cmd.ownerReference) ? [] : [{ type: 'ControllerRevisionOwnerChanged', data: { ownerReference: cmd.ownerReference } }];
    }
    case 'SetRevisionLabels':
      return jsonEqual(cmd.labels, current.metadata.labels ?? {}) ? [] : [{ type: 'ControllerRevisionLabelsChanged', data: { labels: cmd.labels } }];
    case 'UpdateRevisionMetadata': {
      checkPreconditions(CONTROLLER_REVISIONS, current, { resourceVersion: cmd.expectedResourceVersion });
      const events: ControllerRevisionEvent[] = [
        ...decideRevision({ type: 'RenumberRevision', to: cmd.revision }, current, ctx),
        ...decideRevision({ type: 'SetRevisionLabels', labels: cmd.labels }, current, ctx),
      ];
      if (!jsonEqual(cmd.annotations, current.metadata.annotations ?? {})) events.push({ type: 'ControllerRevisionAnnotationsChanged', data: { annotations: cmd.annotations } });
      if (cmd.ownerReference !== undefined) events.push(...decideRevision({ type: 'SetRevisionOwner', ownerReference: cmd.ownerReference }, current, ctx));
      return events;
    }
    case 'DeleteRevision':
      return [{ type: 'ControllerRevisionDeleted', data: { reason: cmd.reason } }];
  }
};
