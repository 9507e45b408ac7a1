import { admitControllerRevisionCreate, admitControllerRevisionUpdate, CONTROLLER_REVISIONS, SELECTABLE_FIELDS } from '@daemonledger/domain';
import { controllerRefChange, refuseFinalizerChange } from './kept-metadata';
import type { ControllerRevision } from '@daemonledger/domain/api/types';
import { RevisionCommandMsg } from '../../commands/cluster.commands';
import { byName, metaFields, type ResourceDef, type WriteContext } from './resource-def';

const command = (cr: ControllerRevision, c: WriteContext, cmd: RevisionCommandMsg['command']) =>
  c.execute(new RevisionCommandMsg(cr.metadata.namespace!, cr.metadata.name!, cmd, c.meta));

const readBack = (c: WriteContext, cr: ControllerRevision) => c.view.revision(cr.metadata.namespace!, cr.metadata.name!);

/**
 * apps/v1 controllerrevisions. The DaemonSet controller writes them; users
 * may read, relabel, renumber upwards and delete them (data is immutable).
 */
export const CONTROLLER_REVISIONS_RESOURCE: ResourceDef<ControllerRevision> = {
  group: 'apps',
  version: 'v1',
  resource: 'controllerrevisions',
  kind: 'ControllerRevision',
  namespaced: true,
  ref: CONTROLLER_REVISIONS,
  streamKind: 'controllerrevision',
  selectableFields: SELECTABLE_FIELDS.ControllerRevision,
  fields: (cr) => metaFields(cr, true),
  list: (view, ns) => byName(ns === undefined ? view.allRevisions() : view.revisionsIn(ns)),
  get: (view, ns, name) => view.revision(ns, name),
  writes: {
    decodeKind: 'ControllerRevision',
    patchKind: 'ControllerRevision',
    async create(input, c) {
      const cr = admitControllerRevisionCreate(input);
      if (c.dryRun) return cr;
      await command(cr, c, { type: 'CreateRevision', revision: cr });
      return readBack(c, cr) ?? cr;
    },
    async update(input, current, c) {
      const cr = admitControllerRevisionUpdate(input, current);
      const ownerReference = controllerRefChange('ControllerRevision', cr, current);
      refuseFinalizerChange('ControllerRevision', cr, current);
      if (c.dryRun) return cr;
      await command(current, c, {
        type: 'UpdateRevisionMetadata',
        labels: cr.metadata.labels ?? {},
        annotations: cr.metadata.annotations ?? {},
        revision: cr.revision,
        ...(ownerReference !== undefined ? { ownerReference } : {}),
        expectedResourceVersion: input.metadata.resourceVersion,
      });
      return readBack(c, current) ?? cr;
    },
    async delete(current, _options, c) {
      if (c.dryRun) return current;
      await command(current, c, { type: 'DeleteRevision', reason: 'user' });
      return readBack(c, current);
    },
  },
};
