import { randomUUID } from 'node:crypto';
import { admitDaemonSetCreate, admitDaemonSetStatusUpdate, admitDaemonSetUpdate, DAEMONSETS, SELECTABLE_FIELDS, statusWriteMetadata } from '@daemonledger/domain';
import type { DaemonSet } from '@daemonledger/domain/api/types';
import { CHANGE_CAUSE_ANNOTATION, decideDaemonSet, type DaemonSetCommand } from '@daemonledger/domain/cluster/daemon-set.decider';
import { evolveDaemonSet } from '@daemonledger/domain/cluster/evolve';
import { DaemonSetCommandMsg } from '../../commands/cluster.commands';
import { controllerRefChange, refuseFinalizerChange } from './kept-metadata';
import { byName, metaFields, type ResourceDef, type WriteContext } from './resource-def';

const command = (ds: DaemonSet, c: WriteContext, cmd: DaemonSetCommandMsg['command']) => {
  const changeCause = ds.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION];
  return c.execute(new DaemonSetCommandMsg(ds.metadata.namespace!, ds.metadata.name!, cmd, { ...c.meta, ...(changeCause ? { changeCause } : {}) }));
};

const readBack = (c: WriteContext, ds: DaemonSet) => c.view.daemonSet(ds.metadata.namespace!, ds.metadata.name!);

/**
 * dryRun=All: what the write would store, decided by the same decider (so the
 * generation bookkeeping and preconditions are the real ones) and folded,
 * but never appended. A dry-run create has no resourceVersion, as upstream's.
 */
const preview = (current: DaemonSet | undefined, cmd: DaemonSetCommand): DaemonSet | undefined => {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const rv = current?.metadata.resourceVersion ?? '';
  const events = decideDaemonSet(cmd, current, { now, newUid: randomUUID() });
  const next = events.reduce<DaemonSet | undefined>((ds, e) => evolveDaemonSet(ds, e, rv), current);
  if (!next || current) return next;
  const { resourceVersion: _rv, ...metadata } = next.metadata;
  return { ...next, metadata };
};

/** apps/v1 daemonsets (+ status). Writes go through the registry strategy (admit*) then the DaemonSet decider. */
export const DAEMON_SETS: ResourceDef<DaemonSet> = {
  group: 'apps',
  version: 'v1',
  resource: 'daemonsets',
  kind: 'DaemonSet',
  namespaced: true,
  ref: DAEMONSETS,
  streamKind: 'daemonset',
  hasStatus: true,
  tracksManagedFields: true,
  selectableFields: SELECTABLE_FIELDS.DaemonSet,
  fields: (ds) => metaFields(ds, true),
  list: (view, ns) => byName(ns === undefined ? view.allDaemonSets() : [...(view.daemonSets.get(ns)?.values() ?? [])]),
  get: (view, ns, name) => view.daemonSet(ns, name),
  writes: {
    decodeKind: 'DaemonSet',
    patchKind: 'DaemonSet',
    async create(input, c) {
      const ds = admitDaemonSetCreate(input);
      const cmd: DaemonSetCommand = { type: 'CreateDaemonSet', daemonSet: ds };
      if (c.dryRun) return preview(readBack(c, ds), cmd) ?? ds;
      await command(ds, c, cmd);
      return readBack(c, ds) ?? ds;
    },
    async update(input, current, c) {
      const ds = admitDaemonSetUpdate(input, current);
      controllerRefChange('DaemonSet', ds, current, false);
      refuseFinalizerChange('DaemonSet', ds, current);
      const cmd: DaemonSetCommand = { type: 'UpdateDaemonSet', daemonSet: ds, expectedResourceVersion: input.metadata.resourceVersion };
      if (c.dryRun) return preview(current, cmd) ?? ds;
      await command(ds, c, cmd);
      return readBack(c, ds) ?? ds;
    },
    async updateStatus(input, current, c) {
      const ds = admitDaemonSetStatusUpdate(input, current);
      const cmd: DaemonSetCommand = { type: 'UpdateDaemonSetStatus', status: ds.status!, ...statusWriteMetadata(ds), expectedResourceVersion: input.metadata.resourceVersion };
      if (c.dryRun) return preview(current, cmd) ?? ds;
      await command(current, c, cmd);
      return readBack(c, current) ?? ds;
    },
    async delete(current, options, c) {
      if (c.dryRun) return current;
      await command(current, c, {
        type: 'DeleteDaemonSet',
        propagationPolicy: options.propagationPolicy ?? 'Background',
        expectedUid: options.preconditions?.uid,
        expectedResourceVersion: options.preconditions?.resourceVersion,
      });
      // Orphan and Foreground leave the object with a finalizer until the garbage collector is done.
      return readBack(c, current);
    },
  },
};
