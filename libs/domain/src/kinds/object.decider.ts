import { jsonEqual } from '../cluster/equality';
import type { ObjectEvent } from '../cluster/events';
import type { CommandContext } from '../cluster/daemon-set.decider';
import { checkPreconditions } from '../api/preconditions';
import { alreadyExistsError, notFoundError } from '../api/status';
import { apiVersionOfKind, type StoredKindDef, type StoredObject } from './kind-def';
import { storedKindNamed } from './registry';

/**
 * The commands of every stored kind. Objects arrive admitted (defaults and
 * validation done, a Secret's data already sealed); the decider owns what
 * the object's own history decides: existence, the resourceVersion and uid
 * preconditions, identity fields, and whether a delete removes the object or
 * begins its termination.
 */
export type ObjectCommand =
  | { type: 'CreateObject'; object: StoredObject }
  | {
      type: 'UpdateObject';
      object: StoredObject;
      expectedResourceVersion?: string;
      /** The object as served when its stream is empty (a built-in namespace, as old as the log). */
      base?: StoredObject;
    }
  | { type: 'DeleteObject'; reason: string; expectedUid?: string; expectedResourceVersion?: string }
  /** A terminating object's controller is done with it: it goes. */
  | { type: 'FinalizeObjectDeletion' };

const refOf = (def: StoredKindDef) => ({ resource: def.resource, group: def.group });

const stripVersion = (o: StoredObject): StoredObject => {
  const { resourceVersion: _rv, ...metadata } = o.metadata;
  return { ...o, metadata };
};

/** The decider of one stored kind (the kind is the stream's, so it comes with the decision, not the state). */
export const objectDecider =
  (def: StoredKindDef) =>
  (cmd: ObjectCommand, state: StoredObject | undefined, ctx: CommandContext): ObjectEvent[] => {
    switch (cmd.type) {
      case 'CreateObject': {
        const name = cmd.object.metadata.name ?? '';
        if (state) throw alreadyExistsError(refOf(def), name);
        const object = stripVersion({
          ...cmd.object,
          apiVersion: apiVersionOfKind(def),
          kind: def.kind,
          metadata: { ...cmd.object.metadata, uid: cmd.object.metadata.uid || ctx.newUid, creationTimestamp: ctx.now },
        });
        return [{ type: 'ObjectCreated', data: { object } }];
      }
      case 'UpdateObject': {
        const current = state ?? cmd.base;
        const name = cmd.object.metadata.name ?? '';
        if (!current) throw notFoundError(refOf(def), name);
        checkPreconditions(refOf(def), { metadata: { ...current.metadata, name } }, { resourceVersion: cmd.expectedResourceVersion });
        const object = stripVersion({
          ...cmd.object,
          apiVersion: apiVersionOfKind(def),
          kind: def.kind,
          metadata: { ...cmd.object.metadata, uid: current.metadata.uid, creationTimestamp: current.metadata.creationTimestamp },
        });
        // An update that changes nothing appends nothing (upstream keeps the resourceVersion too).
        if (state && jsonEqual(object, stripVersion(current))) return [];
        return [{ type: 'ObjectUpdated', data: { object } }];
      }
      case 'DeleteObject': {
        if (!state) throw notFoundError(refOf(def), '');
        const name = state.metadata.name ?? '';
        checkPreconditions(refOf(def), { metadata: { ...state.metadata, name } }, { uid: cmd.expectedUid, resourceVersion: cmd.expectedResourceVersion }, 'delete');
        if (def.terminates) return state.metadata.deletionTimestamp ? [] : [{ type: 'ObjectDeletionRequested', data: { deletionTimestamp: ctx.now } }];
        return [{ type: 'ObjectDeleted', data: { uid: state.metadata.uid ?? '', reason: cmd.reason } }];
      }
      case 'FinalizeObjectDeletion':
        if (!state?.metadata.deletionTimestamp) return [];
        return [{ type: 'ObjectDeleted', data: { uid: state.metadata.uid ?? '', reason: 'finalized' } }];
    }
  };

/**
 * The fold of a stored object's stream. Payloads are whole objects, so the
 * object after an event never depends on code that computed a change;
 * only the termination of a kind with a lifecycle (a Namespace's phase) is
 * derived here.
 */
export const evolveObject = (obj: StoredObject | undefined, event: ObjectEvent, rv: string): StoredObject | undefined => {
  switch (event.type) {
    case 'ObjectCreated':
    case 'ObjectUpdated':
      return { ...event.data.object, metadata: { ...event.data.object.metadata, resourceVersion: rv } };
    case 'ObjectDeletionRequested': {
      if (!obj) return obj;
      const terminating = storedKindNamed(obj.kind)?.terminates;
      const status = terminating ? { ...(obj.status as object | undefined), phase: 'Terminating' } : obj.status;
      return { ...obj, metadata: { ...obj.metadata, deletionTimestamp: event.data.deletionTimestamp, resourceVersion: rv }, ...(status ? { status } : {}) };
    }
    case 'ObjectDeleted':
      return undefined;
  }
};
