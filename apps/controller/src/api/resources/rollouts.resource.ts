import { createHash } from 'node:crypto';
import type { ResourceRef } from '@daemonledger/domain';
import type { RolloutRecordView } from '@daemonledger/projections';
import type { RolloutObject } from '../wire/rollout-printer';
import { byName, type ResourceDef } from './resource-def';

/**
 * ledger.daemonledger.io/v1 rollouts: one read-only object per rollout of a
 * DaemonSet, from the projection's rollout timelines (the rollout stream and
 * every event correlated with it). Writes are 405 (no `writes`), as upstream
 * answers for read-only resources.
 */
export const LEDGER_GROUP = 'ledger.daemonledger.io';
export const ROLLOUTS_REF: ResourceRef = { resource: 'rollouts', group: LEDGER_GROUP };
/** Selects a DaemonSet's rollouts: `kubectl get rollouts -l ledger.daemonledger.io/daemonset=nginx-ds`. */
export const DAEMONSET_LABEL = `${LEDGER_GROUP}/daemonset`;

/** A uid that stays the same across restarts and replays: derived from the rollout stream id. */
const streamUid = (streamId: string) => {
  const h = createHash('sha1').update(`rollout/${streamId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

/**
 * The Rollout object of a view. `status.nodes` is built only when read
 * (serialised): a Table, a selector or an `-o name` never pays for a
 * 10,000-node timeline. Views are immutable, so the object is too.
 */
export const rolloutObject = (v: RolloutRecordView): RolloutObject => {
  const s = v.summary;
  const d = s.started;
  const status: RolloutObject['status'] = {
    state: s.state,
    desired: s.counts.desired,
    updated: s.counts.updated,
    available: s.counts.available,
    unavailable: s.counts.unavailable,
    startedAt: s.startedAt,
    ...(s.endedAt ? { endedAt: s.endedAt } : {}),
    startPosition: s.startPosition,
    lastPosition: v.position,
    ...(s.message ? { message: s.message } : {}),
    ...(s.timelinePruned ? { nodesPruned: true } : {}),
  };
  if (!s.timelinePruned) Object.defineProperty(status, 'nodes', { enumerable: true, get: v.nodes });
  return {
    apiVersion: 'ledger.daemonledger.io/v1',
    kind: 'Rollout',
    metadata: {
      name: `${s.daemonSet}-${s.rollout}`,
      namespace: s.namespace,
      uid: streamUid(s.streamId),
      resourceVersion: String(v.position),
      creationTimestamp: s.startedAt.replace(/\.\d+Z$/, 'Z'),
      labels: { [DAEMONSET_LABEL]: s.daemonSet },
    },
    spec: {
      daemonSet: s.daemonSet,
      daemonSetUID: d.uid,
      rollout: s.rollout,
      fromRevision: d.fromRevision,
      toRevision: d.toRevision,
      toHash: d.toHash,
      strategy: d.strategy,
      maxUnavailable: d.maxUnavailable,
      maxSurge: d.maxSurge,
      nodeCount: d.nodeCount,
      ...(d.changeCause ? { changeCause: d.changeCause } : {}),
      ...(d.requestedBy ? { requestedBy: d.requestedBy } : {}),
    },
    status,
  };
};

const fields = (r: RolloutObject): Record<string, string> => ({
  'metadata.name': r.metadata.name ?? '',
  'metadata.namespace': r.metadata.namespace ?? '',
  'spec.daemonSet': r.spec.daemonSet,
  'status.state': r.status.state,
});

export const ROLLOUTS_RESOURCE: ResourceDef<RolloutObject> = {
  group: LEDGER_GROUP,
  version: 'v1',
  resource: 'rollouts',
  kind: 'Rollout',
  namespaced: true,
  ref: ROLLOUTS_REF,
  streamKind: 'rollout',
  selectableFields: ['metadata.name', 'metadata.namespace', 'spec.daemonSet', 'status.state'],
  fields,
  list: (view, ns) => byName(view.rolloutTimelines.list(ns).map((r) => rolloutObject(r.view()))),
  get: (view, ns, name) => {
    const r = view.rolloutTimelines.get(ns, name);
    return r && rolloutObject(r.view());
  },
};
