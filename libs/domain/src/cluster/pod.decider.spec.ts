import type { Pod } from '../api/types';
import { evolvePod } from './evolve';
import { decidePod } from './pod.decider';

const ctx = { now: '2026-11-22T10:00:00Z', newUid: 'p-uid' };
const owner = { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'ds', uid: 'ds-uid', controller: true, blockOwnerDeletion: true };
const aPod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'ds-abcde', namespace: 'default', labels: { app: 'ds' }, ownerReferences: [owner] },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
};
const created = evolvePod(undefined, decidePod({ type: 'CreatePod', pod: aPod }, undefined, ctx)[0], '1')!;

describe('Pod decider: UpdatePodMetadata (a user PUT/PATCH)', () => {
  const update = (over: object, pod = created) =>
    decidePod({ type: 'UpdatePodMetadata', labels: pod.metadata.labels ?? {}, annotations: pod.metadata.annotations ?? {}, ...over }, pod, ctx);

  it('appends nothing when nothing changes', () => expect(update({})).toEqual([]));

  it('records labels, annotations and the controller reference together', () => {
    const events = update({ labels: { app: 'ds', tier: 'x' }, annotations: { note: 'n' }, ownerReference: null });
    expect(events.map((e) => e.type)).toEqual(['PodLabelsChanged', 'PodAnnotationsChanged', 'PodOwnerChanged']);
    const after = events.reduce<Pod | undefined>((p, e, i) => evolvePod(p, e, String(2 + i)), created)!;
    expect(after.metadata).toMatchObject({ labels: { app: 'ds', tier: 'x' }, annotations: { note: 'n' } });
    expect(after.metadata.ownerReferences).toBeUndefined();
  });

  it('leaves the owner alone when the update did not touch it', () => {
    expect(update({ annotations: { note: 'n' } }).map((e) => e.type)).toEqual(['PodAnnotationsChanged']);
  });

  it('refuses a stale resourceVersion', () => {
    expect(() => update({ annotations: { note: 'n' }, expectedResourceVersion: '0' })).toThrow(/the object has been modified/);
  });
});

describe('Pod decider: ReportPodStatus with metadata (a write to pods/<name>/status)', () => {
  it('records the labels, annotations and status in one decision', () => {
    const events = decidePod({ type: 'ReportPodStatus', status: { phase: 'Running' }, labels: { app: 'ds', x: 'y' }, annotations: { note: 'n' } }, created, ctx);
    expect(events.map((e) => e.type)).toEqual(['PodStatusReported', 'PodLabelsChanged', 'PodAnnotationsChanged']);
    const after = events.reduce<Pod | undefined>((p, e, i) => evolvePod(p, e, String(2 + i)), created)!;
    expect(after.metadata).toMatchObject({ labels: { app: 'ds', x: 'y' }, annotations: { note: 'n' }, ownerReferences: [owner] });
    expect(after.status).toEqual({ phase: 'Running' });
  });

  it('a kubelet report (no maps) leaves labels alone', () => {
    expect(decidePod({ type: 'ReportPodStatus', status: { phase: 'Running' } }, created, ctx).map((e) => e.type)).toEqual(['PodStatusReported']);
  });

  it('refuses a stale resourceVersion, when the write names one', () => {
    expect(() => decidePod({ type: 'ReportPodStatus', status: { phase: 'Running' }, labels: { x: 'y' }, expectedResourceVersion: '0' }, created, ctx)).toThrow(/the object has been modified/);
  });
});
