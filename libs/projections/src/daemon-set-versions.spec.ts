import { admitDaemonSetCreate } from '@daemonledger/domain/api/daemon-set-strategy';
import type { DaemonSet } from '@daemonledger/domain/api/types';
import { decideDaemonSet } from '@daemonledger/domain/cluster/daemon-set.decider';
import type { ClusterEvent } from '@daemonledger/domain/cluster/events';
import { decidePod } from '@daemonledger/domain/cluster/pod.decider';
import { daemonSetStream, podStream } from '@daemonledger/domain/cluster/streams';
import { newDaemonPod } from '@daemonledger/domain/controller/pods';
import type { RecordedEvent } from '@daemonledger/event-store/event-store.port';
import { ClusterView } from './cluster-view';

/**
 * A compact PodCreated names the DaemonSet version the controller built the
 * pod from; the template may have changed (or the DaemonSet gone) by the time
 * the creation is appended, and the fold must still rebuild that pod.
 */
const ds0 = admitDaemonSetCreate({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'foo', namespace: 'default' },
  spec: { selector: { matchLabels: { app: 'foo' } }, template: { metadata: { labels: { app: 'foo' } }, spec: { containers: [{ name: 'foo', image: 'foo:1' }] } } },
});
const ctx = { now: '2026-11-22T10:00:00Z', newUid: 'uid-1' };

const recorder = (view: ClusterView) => {
  const revisions = new Map<string, number>();
  return (streamId: string, events: ClusterEvent[]) => {
    for (const e of events) {
      const revision = (revisions.get(streamId) ?? -1) + 1;
      revisions.set(streamId, revision);
      const position = view.position + 1;
      const recorded: RecordedEvent = { ...e, id: `e${position}`, schemaVersion: 2, metadata: {}, streamId, revision, position, recordedAt: ctx.now };
      view.apply(recorded);
    }
  };
};

describe('ClusterView: the DaemonSet versions daemon pods are built from', () => {
  it('rebuilds a pod planned before a template change, and one appended after its DaemonSet was deleted', () => {
    const view = new ClusterView();
    const record = recorder(view);
    const dsStream = daemonSetStream('default', 'foo');
    record(dsStream, decideDaemonSet({ type: 'CreateDaemonSet', daemonSet: ds0 }, undefined, ctx));
    record(dsStream, decideDaemonSet({ type: 'UpdateDaemonSetStatus', status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 1, numberReady: 0 } }, view.daemonSet('default', 'foo'), ctx));
    const planned: DaemonSet = view.daemonSet('default', 'foo')!; // as the reconciler read it (resourceVersion 2)
    const changed = { ...planned, spec: { ...planned.spec, template: { ...planned.spec.template, spec: { containers: [{ name: 'foo', image: 'foo:2' }] } } } };
    record(dsStream, decideDaemonSet({ type: 'UpdateDaemonSet', daemonSet: changed }, planned, ctx));

    const create = (name: string) => {
      const pod = newDaemonPod(planned, 'node-1', { name, uid: '', hash: 'h1', now: Date.parse(ctx.now) });
      const events = decidePod({ type: 'CreatePod', pod, builtFrom: { daemonSet: planned, nodeName: 'node-1', hash: 'h1' } }, undefined, ctx);
      expect(events[0].data).toHaveProperty('daemonPod', expect.objectContaining({ version: 2 }));
      record(podStream('default', name), events);
      return JSON.stringify({ ...pod, metadata: { ...pod.metadata, uid: ctx.newUid, resourceVersion: String(view.position) } });
    };
    expect(JSON.stringify(view.pod('default', 'foo-a'))).toBe(undefined);
    expect(create('foo-a')).toBe(JSON.stringify(view.pod('default', 'foo-a')));
    expect(view.pod('default', 'foo-a')!.spec.containers[0].image).toBe('foo:1');

    record(dsStream, decideDaemonSet({ type: 'DeleteDaemonSet', propagationPolicy: 'Orphan' }, view.daemonSet('default', 'foo'), ctx));
    record(dsStream, decideDaemonSet({ type: 'FinalizeDaemonSetDeletion' }, view.daemonSet('default', 'foo'), ctx));
    expect(view.daemonSet('default', 'foo')).toBeUndefined();
    expect(create('foo-b')).toBe(JSON.stringify(view.pod('default', 'foo-b')));
    // Status changes are not kept: one version per creation, spec or metadata change (here the deletion request, at 5 after the pod at 4).
    expect(view.daemonSetVersions.byName.get('default/foo')!.map((v) => v.position)).toEqual([1, 3, 5]);
  });
});

describe('DaemonSetVersions without history (a view restored from a snapshot that did not hold it)', () => {
  const at = (rv: string) => ({ ...ds0, metadata: { ...ds0.metadata, resourceVersion: rv } });
  it('uses the current DaemonSet only when it has not changed since the version asked for', () => {
    const versions = new ClusterView().daemonSetVersions;
    expect(versions.at('default', 'foo', 9, at('7'))?.metadata.resourceVersion).toBe('7');
    expect(versions.at('default', 'foo', 6, at('7'))).toBeUndefined();
  });
});
