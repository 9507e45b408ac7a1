import { aDaemonSet } from '../../test/a-daemon-set';
import type { DaemonSet, Node, Pod, PodStatus } from '../api/types';
import { admitDaemonSetCreate } from '../api/daemon-set-strategy';
import { newDaemonPod } from '../controller/pods';
import { podCreatedNode } from './daemon-pod';
import { decideDaemonSet } from './daemon-set.decider';
import { evolveDaemonSet, evolveNode, evolvePod, type PodFoldContext } from './evolve';
import type { NodeEvent, PodEvent } from './events';
import { decideNode } from './node.decider';
import { simulatedNode, stampConditionTimes } from './simulated-node';
import { kubeletPodStatus, observedByKubelet, reportedPodState, type KubeletObservation } from './kubelet-status';
import { decidePod } from './pod.decider';

/**
 * Compact events (issue #8 §2): a daemon pod's creation and a kubelet's
 * report are recorded as what they were built from, and the fold rebuilds
 * exactly the object the whole (v1) event held.
 */
const ctx = { now: '2026-11-22T10:00:00Z', newUid: 'pod-uid-1' };
const ds: DaemonSet = evolveDaemonSet(
  undefined,
  decideDaemonSet({ type: 'CreateDaemonSet', daemonSet: admitDaemonSetCreate(aDaemonSet()) }, undefined, { now: '2026-11-22T09:00:00Z', newUid: 'ds-uid' })[0] as never,
  '7',
)!;
const fold = (events: PodEvent[], daemonSetAt = (_ns: string, name: string, version: number) => (name === 'foo' && version >= 7 ? ds : undefined)) => {
  const context: PodFoldContext = { namespace: 'default', name: 'foo-abcde', daemonSetAt };
  return events.reduce<Pod | undefined>((pod, e, i) => evolvePod(pod, e, String(10 + i), context), undefined);
};
const built = newDaemonPod(ds, 'node-1', { name: 'foo-abcde', uid: '', hash: '5b8c7f9d4', now: Date.parse('2026-11-22T10:00:00.734Z') });
const createDaemonPod = () => decidePod({ type: 'CreatePod', pod: built, bindTo: 'node-1', builtFrom: { daemonSet: ds, nodeName: 'node-1', hash: '5b8c7f9d4' } }, undefined, ctx);

describe('PodCreated of a daemon pod', () => {
  it('records the DaemonSet version, node, uid, hash and creation time, not the pod', () => {
    const [created] = createDaemonPod();
    expect(created).toEqual({
      type: 'PodCreated',
      data: { daemonPod: { daemonSet: 'foo', version: 7, node: 'node-1', uid: 'pod-uid-1', hash: '5b8c7f9d4', created: '2026-11-22T10:00:00Z' } },
    });
    expect(JSON.stringify(created.data).length).toBeLessThan(160);
  });

  it('folds to the same pod as the whole (v1) event, byte for byte', () => {
    const whole = decidePod({ type: 'CreatePod', pod: built, bindTo: 'node-1' }, undefined, ctx);
    expect(whole[0].data).toHaveProperty('pod');
    expect(JSON.stringify(fold(createDaemonPod()))).toBe(JSON.stringify(fold(whole)));
    expect(fold(createDaemonPod())?.spec.nodeName).toBe('node-1');
    const node = (events: PodEvent[]) => (events[0].type === 'PodCreated' ? podCreatedNode(events[0].data) : undefined);
    expect([node(createDaemonPod()), node(whole)]).toEqual(['node-1', 'node-1']);
  });

  it('is recorded whole when the pod is not what its source builds (a changed template, a user pod)', () => {
    const changed = { ...built, spec: { ...built.spec, containers: [{ name: 'foo', image: 'other' }] } };
    const [created] = decidePod({ type: 'CreatePod', pod: changed, builtFrom: { daemonSet: ds, nodeName: 'node-1', hash: '5b8c7f9d4' } }, undefined, ctx);
    expect(created.data).toHaveProperty('pod');
    const noVersion = { ...ds, metadata: { ...ds.metadata, resourceVersion: undefined } };
    expect(decidePod({ type: 'CreatePod', pod: built, builtFrom: { daemonSet: noVersion, nodeName: 'node-1', hash: '5b8c7f9d4' } }, undefined, ctx)[0].data).toHaveProperty('pod');
  });

  it('cannot be folded without the DaemonSet version it names: a StorageError, never a wrong pod', () => {
    expect(() => fold(createDaemonPod(), () => undefined)).toThrow(/daemonsets "foo" at 7/);
  });
});

describe('PodStatusReported of a kubelet', () => {
  const pod = fold(createDaemonPod())!;
  const observations: [string, KubeletObservation][] = [
    ['ContainerCreating', { at: '2026-11-22T10:00:01Z', state: 'Waiting', reason: 'ContainerCreating', hostIP: '10.0.0.3', podIP: '10.244.1.2' }],
    ['ErrImagePull', { at: '2026-11-22T10:00:02Z', state: 'Waiting', reason: 'ErrImagePull', message: 'manifest unknown', hostIP: '10.0.0.3', podIP: '10.244.1.2' }],
    ['Running and Ready', { at: '2026-11-22T10:00:03Z', state: 'Running', ready: true, hostIP: '10.0.0.3', podIP: '10.244.1.2', startedAt: '2026-11-22T10:00:03Z' }],
    ['Running, not ready', { at: '2026-11-22T10:00:04Z', state: 'Running', hostIP: '10.0.0.3', podIP: '10.244.1.2', startedAt: '2026-11-22T10:00:03Z' }],
    ['CrashLoopBackOff', { at: '2026-11-22T10:00:05Z', state: 'Waiting', reason: 'CrashLoopBackOff', message: 'back-off', hostIP: '10.0.0.3', podIP: '10.244.1.2', startedAt: '2026-11-22T10:00:03Z', restarts: 2 }],
    ['Failed', { at: '2026-11-22T10:00:06Z', state: 'Failed', hostIP: '10.0.0.3', podIP: '10.244.1.2', startedAt: '2026-11-22T10:00:03Z' }],
  ];

  it.each(observations)('%s: records the observation and folds to the status the kubelet posted', (_name, o) => {
    const status = kubeletPodStatus(pod, o);
    const [reported] = decidePod({ type: 'ReportPodStatus', status }, pod, ctx);
    expect(reported).toEqual({ type: 'PodStatusReported', data: { kubelet: o } });
    expect(observedByKubelet(pod, status)).toEqual(o);
    const whole: PodEvent = { type: 'PodStatusReported', data: { status } };
    expect(JSON.stringify(evolvePod(pod, reported, '20'))).toBe(JSON.stringify(evolvePod(pod, whole, '20')));
    // Readers that follow reports without folding pods read the same from either form.
    expect(reportedPodState({ kubelet: o })).toEqual(reportedPodState({ status }));
  });

  it('records any other status whole (a user writing pods/status)', () => {
    const status: PodStatus = { phase: 'Succeeded', message: 'set by a user' };
    expect(decidePod({ type: 'ReportPodStatus', status }, pod, ctx)).toEqual([{ type: 'PodStatusReported', data: { status } }]);
    const almost = { ...kubeletPodStatus(pod, observations[2][1]), qosClass: 'Guaranteed' };
    expect(decidePod({ type: 'ReportPodStatus', status: almost }, pod, ctx)[0].data).toEqual({ status: almost });
  });
});

describe('NodeJoined of a simulated kubelet', () => {
  const join = (node: Node) => decideNode({ type: 'JoinNode', node }, undefined, { now: '2026-11-22T09:00:00Z', newUid: 'node-uid' });

  it.each([
    ['node-0', simulatedNode(0)],
    ['node-1234 with extra labels', simulatedNode(1234, { disk: 'ssd', 'kubernetes.io/os': 'windows' })],
  ])('%s: records the index (and extra labels) and folds to the node it registered', (_name, node) => {
    const [joined] = join(node);
    expect(joined.data).toHaveProperty('simulated');
    expect(JSON.stringify(joined.data).length).toBeLessThan(140);
    // The whole form: the node as its kubelet registered it, conditions stamped with the join time.
    const registered = stampConditionTimes({ ...node, metadata: { ...node.metadata, uid: 'node-uid', creationTimestamp: '2026-11-22T09:00:00Z' } }, '2026-11-22T09:00:00Z');
    const [whole] = join(node).map((e) => ({ ...e, data: { node: registered } }));
    expect(JSON.stringify(evolveNode(undefined, joined, '3'))).toBe(JSON.stringify(evolveNode(undefined, whole as NodeEvent, '3')));
  });

  it('records any other node whole', () => {
    const renamed = { ...simulatedNode(3), metadata: { ...simulatedNode(3).metadata, name: 'worker-3' } };
    const bigger = { ...simulatedNode(3), status: { ...simulatedNode(3).status, capacity: { cpu: '64' } } };
    const fewerLabels = { ...simulatedNode(3), metadata: { ...simulatedNode(3).metadata, labels: { type: 'kwok' } } };
    for (const node of [renamed, bigger, fewerLabels]) expect(join(node)[0].data).toHaveProperty('node');
  });
});

describe('DaemonSetStatusChanged', () => {
  const status1 = { currentNumberScheduled: 3, numberMisscheduled: 0, desiredNumberScheduled: 3, numberReady: 2, observedGeneration: 1, updatedNumberScheduled: 3, numberAvailable: 2, numberUnavailable: 1 };
  const withStatus = { ...ds, status: status1 };
  const ctxDs = { now: '2026-11-22T10:00:00Z', newUid: 'x' };

  it('records the fields that changed and folds to the status that was set', () => {
    const status2 = { ...status1, numberReady: 3, numberAvailable: 3, numberUnavailable: 0 };
    const [changed] = decideDaemonSet({ type: 'UpdateDaemonSetStatus', status: status2 }, withStatus, ctxDs);
    expect(changed.data).toEqual({ changed: { numberReady: 3, numberAvailable: 3, numberUnavailable: 0 } });
    expect(JSON.stringify(evolveDaemonSet(withStatus, changed, '9'))).toBe(JSON.stringify(evolveDaemonSet(withStatus, { type: 'DaemonSetStatusChanged', data: { status: status2 } }, '9')));
  });

  it('records the status whole when a field goes away or there was none', () => {
    const { numberUnavailable: _gone, ...status2 } = { ...status1, numberReady: 3 };
    expect(decideDaemonSet({ type: 'UpdateDaemonSetStatus', status: status2 }, withStatus, ctxDs)[0].data).toEqual({ status: status2 });
    expect(decideDaemonSet({ type: 'UpdateDaemonSetStatus', status: status1 }, { ...ds, status: undefined }, ctxDs)[0].data).toEqual({ status: status1 });
  });
});
