import { randomUUID } from 'node:crypto';
import type { ControllerRevision, Pod, PodStatus } from '@daemonledger/domain/api/types';
import { daemonSetStream, nodeStream, podStream, revisionStream, rolloutStream } from '@daemonledger/domain/cluster/streams';
import { aDaemonSet, aNode, aPod } from '@daemonledger/domain/controller/testing/builders';
import type { AppendRequest, EventStore } from '@daemonledger/event-store/event-store.port';

/**
 * A log with the shape the controller writes — nodes joining, a DaemonSet,
 * ControllerRevisions, pods created, bound, pulling, running, deleted in
 * rolling updates, rollout streams, status changes, a cordon — written
 * straight to a store, fast, for codec and history specs and the snapshot
 * benchmark (no controller runs: the events are made up, the folds real).
 */
export interface SyntheticLogOptions {
  nodes: number;
  /** Rolling updates after the first rollout (each replaces every pod). */
  updates: number;
  /** Events per append (one transaction). */
  batch?: number;
}

const T = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();

const waiting = (reason: string): PodStatus => ({
  phase: 'Pending',
  containerStatuses: [{ name: 'app', image: 'nginx', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason } } }],
} as PodStatus);
const running = (at: string): PodStatus => ({
  phase: 'Running',
  conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: at }],
  containerStatuses: [{ name: 'app', image: 'nginx', imageID: 'docker.io/library/nginx@sha256:0', ready: true, restartCount: 0, started: true, state: { running: { startedAt: at } } }],
} as PodStatus);

export const writeSyntheticLog = async (store: EventStore, o: SyntheticLogOptions): Promise<number> => {
  const batchSize = o.batch ?? 500;
  let pending: AppendRequest[] = [];
  let count = 0;
  let tick = 0;
  const revisions = new Map<string, number>();
  const emit = async (streamId: string, type: string, data: unknown, actor = 'daemonset-controller') => {
    const rev = revisions.get(streamId) ?? -1;
    revisions.set(streamId, rev + 1);
    const event = { id: randomUUID(), type, data, metadata: { actor, wallTime: T(tick++), correlationId: 'c-1' } };
    // One request per stream and append: consecutive events of a stream go together, a stream seen earlier waits for the next append.
    const last = pending[pending.length - 1];
    if (last?.streamId === streamId) last.events.push(event);
    else {
      if (pending.some((r) => r.streamId === streamId)) await flush();
      pending.push({ streamId, events: [event] });
    }
    count++;
    if (pending.length >= batchSize) await flush();
  };
  const flush = async () => {
    if (pending.length) await store.appendMany(pending);
    pending = [];
  };

  const nodeNames = Array.from({ length: o.nodes }, (_, i) => `node-${i}`);
  for (const name of nodeNames) await emit(nodeStream(name), 'NodeJoined', { node: aNode(name, { labels: { 'kubernetes.io/os': 'linux', type: 'kwok' } }) }, `node-agent:${name}`);
  const ds = aDaemonSet({ name: 'fluentd', uid: 'uid-fluentd' });
  await emit(daemonSetStream('default', 'fluentd'), 'DaemonSetCreated', { daemonSet: ds }, 'user:admin');
  const live = new Map<string, Pod>();
  for (let round = 0; round <= o.updates; round++) {
    const hash = `h${round}`;
    const revision: ControllerRevision = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name: `fluentd-${hash}`, namespace: 'default', labels: { ...ds.spec.template.metadata!.labels, 'controller-revision-hash': hash }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'fluentd', uid: 'uid-fluentd', controller: true, blockOwnerDeletion: true }] },
      data: { spec: { template: ds.spec.template } },
      revision: round + 1,
    } as ControllerRevision;
    await emit(revisionStream('default', revision.metadata.name!), 'ControllerRevisionCreated', { revision });
    const rollout = rolloutStream('default', 'fluentd', round + 1);
    const counts = { desired: o.nodes, updated: 0, available: o.nodes, unavailable: 0 };
    await emit(rollout, 'RolloutStarted', { daemonSet: 'fluentd', namespace: 'default', uid: 'uid-fluentd', rollout: round + 1, generation: round + 1, fromRevision: round || null, toRevision: round + 1, toHash: hash, strategy: 'RollingUpdate', maxUnavailable: 1, maxSurge: 0, nodeCount: o.nodes });
    for (const [i, node] of nodeNames.entries()) {
      const old = live.get(node);
      if (old) {
        await emit(podStream('default', old.metadata.name!), 'PodDeletionRequested', { deletionTimestamp: T(tick), gracePeriodSeconds: 0, reason: 'rolling-update' });
        await emit(podStream('default', old.metadata.name!), 'PodDeleted', { reason: 'stopped' }, `node-agent:${node}`);
      }
      const pod = aPod(ds, node, { name: `fluentd-${hash}-${i}`, hash, bound: false, ready: false, phase: 'Pending', created: Date.UTC(2026, 0, 1) + tick * 1000 });
      live.set(node, pod);
      const stream = podStream('default', pod.metadata.name!);
      await emit(stream, 'PodCreated', { pod });
      await emit(stream, 'PodBound', { nodeName: node }, 'default-scheduler');
      await emit(stream, 'PodStatusReported', { status: waiting('ContainerCreating') }, `node-agent:${node}`);
      await emit(stream, 'PodStatusReported', { status: running(T(tick)) }, `node-agent:${node}`);
      if (i % 100 === 99) await emit(rollout, 'RolloutProgressed', { ...counts, updated: i + 1, created: [], deleted: [] });
    }
    await emit(rollout, 'RolloutCompleted', { ...counts, updated: o.nodes });
    await emit(daemonSetStream('default', 'fluentd'), 'DaemonSetStatusChanged', { status: { currentNumberScheduled: o.nodes, numberMisscheduled: 0, desiredNumberScheduled: o.nodes, numberReady: o.nodes, observedGeneration: round + 1 } });
    if (round === 0 && nodeNames.length > 1) await emit(nodeStream(nodeNames[1]), 'NodeCordoned', { taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] }, 'user:admin');
  }
  await flush();
  return count;
};
