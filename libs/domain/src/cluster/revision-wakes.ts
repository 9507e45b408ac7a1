import type { ControllerRevision, OwnerReference } from '../api/types';
import type { ControllerRevisionEvent } from './events';

/** The DaemonSets a ControllerRevision event wakes: controllers by name, and whether every DaemonSet of the namespace is woken too. */
export interface RevisionWakes {
  controllers: string[];
  namespace: boolean;
}

const daemonSetController = (refs: readonly OwnerReference[] | undefined | null): string | undefined =>
  refs?.find((r) => r.controller && r.kind === 'DaemonSet')?.name;

/**
 * Which DaemonSets must reconcile because of a ControllerRevision event, as
 * kube-controller-manager's DaemonSet controller decides it in its informer
 * handlers for ControllerRevisions (addHistory, updateHistory, deleteHistory
 * in upstream's pkg/controller/daemon/daemon_controller.go):
 *
 * - created with a DaemonSet controller: none. The owner sees the revision at
 *   its next sync; a client that creates a revision beside the current one
 *   (as the upstream e2e spec "should manage the lifecycle of a
 *   ControllerRevision" does) does not get it deduplicated at once.
 * - created without one: every DaemonSet of the namespace (one may adopt it).
 * - changed: the controller before and the controller after; an orphan whose
 *   labels or owner changed wakes the namespace.
 * - deleted: the controller it had; an orphan's deletion wakes none.
 *
 * `before` is the revision as stored before the event (undefined if none).
 */
export const revisionWakes = (event: ControllerRevisionEvent, before: ControllerRevision | undefined): RevisionWakes => {
  const was = daemonSetController(before?.metadata.ownerReferences);
  const none: RevisionWakes = { controllers: [], namespace: false };
  switch (event.type) {
    case 'ControllerRevisionCreated': {
      const owner = daemonSetController(event.data.revision.metadata.ownerReferences);
      return owner ? none : { controllers: [], namespace: true };
    }
    case 'ControllerRevisionOwnerChanged': {
      const now = event.data.ownerReference ? daemonSetController([event.data.ownerReference]) : undefined;
      const controllers = [...new Set([was, now].filter((n): n is string => n !== undefined))];
      return { controllers, namespace: now === undefined };
    }
    case 'ControllerRevisionLabelsChanged':
      return was ? { controllers: [was], namespace: false } : { controllers: [], namespace: true };
    case 'ControllerRevisionRenumbered':
    case 'ControllerRevisionAnnotationsChanged':
    case 'ControllerRevisionDeleted':
      return was ? { controllers: [was], namespace: false } : none;
    default: {
      const never: never = event;
      return never;
    }
  }
};
