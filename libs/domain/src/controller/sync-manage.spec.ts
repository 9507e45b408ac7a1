/**
 * Spec §8 scenarios 14–37 (eligibility, sync/manage), driven through `syncDaemonSet`.
 * "(c, d)" = creates and deletes issued by one sync, writes observed before the next.
 */
import { aDaemonSet, aNode, aPod, nodes, readyPods, seconds, T0, taint } from './testing/builders';
import { Cluster } from './testing/simulator';
import { syncDaemonSet } from './sync';
import { templateHash } from './revisions';
import { toRfc3339 } from './time';

const cd = (s: { creates: number; deletes: number }) => [s.creates, s.deletes];

describe('eligibility (§8.14–22)', () => {
  it('§8.14 nodeSelector {color: blue, speed: fast} over 4 plain + 3 matching nodes → (3, 0)', () => {
    const blue = nodes(3, { from: 4, labels: { color: 'blue', speed: 'fast' } });
    const c = new Cluster(aDaemonSet({ nodeSelector: { color: 'blue', speed: 'fast' } }), [...nodes(4), ...blue]);
    const s = c.sync();
    expect(cd(s)).toEqual([3, 0]);
    expect(s.createPods.map((p) => p.nodeName).sort()).toEqual(['node-4', 'node-5', 'node-6']);
  });

  it.each<[string, Parameters<typeof aDaemonSet>[0], [number, number]]>([
    ['§8.15 template nodeName node-0 over 5 nodes → (1, 0)', { nodeName: 'node-0' }, [1, 0]],
    ['§8.15 nodeName of an unknown node-10 → (0, 0)', { nodeName: 'node-10' }, [0, 0]],
    ['§8.15 nodeName of a node failing the nodeSelector → (0, 0)', { nodeName: 'node-0', nodeSelector: { color: 'blue' } }, [0, 0]],
  ])('%s', (_n, opts, expected) => expect(cd(new Cluster(aDaemonSet(opts), nodes(5)).sync())).toEqual(expected));

  it('§8.16 required affinity color In [blue] over 4 plain + 3 blue nodes → (3, 0)', () => {
    const ds = aDaemonSet({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'color', operator: 'In', values: ['blue'] }] }] } } } });
    expect(cd(new Cluster(ds, [...nodes(4), ...nodes(3, { from: 4, labels: { color: 'blue' } })]).sync())).toEqual([3, 0]);
  });

  it.each<[string, Parameters<typeof aDaemonSet>[0], [number, number]]>([
    ['§8.17 dedicated=user1:NoSchedule without toleration → (0, 0)', {}, [0, 0]],
    ['§8.17 with toleration {dedicated, user1, NoSchedule} → (1, 0)', { tolerations: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }] }, [1, 0]],
    ['§8.17 with {operator: Exists} → (1, 0)', { tolerations: [{ operator: 'Exists' }] }, [1, 0]],
  ])('%s', (_n, opts, expected) => expect(cd(new Cluster(aDaemonSet(opts), [aNode('node-0', { taints: [taint('dedicated', 'NoSchedule', 'user1')] })]).sync())).toEqual(expected));

  it('§8.18 a running pod whose node gains an untolerated NoSchedule taint stays: (0, 0), desired −1, misscheduled 1', () => {
    const c = new Cluster(aDaemonSet(), nodes(2));
    c.settle();
    c.markReady();
    expect(c.sync().status).toMatchObject({ desiredNumberScheduled: 2, numberMisscheduled: 0 });
    c.nodes[1] = aNode('node-1', { taints: [taint('dedicated', 'NoSchedule')] });
    const s = c.sync();
    expect(cd(s)).toEqual([0, 0]);
    expect(s.status).toMatchObject({ desiredNumberScheduled: 1, numberMisscheduled: 1, currentNumberScheduled: 1 });
  });

  it('§8.19 a running pod whose node gains an untolerated NoExecute taint is deleted: (0, 1)', () => {
    const c = new Cluster(aDaemonSet(), nodes(1));
    c.settle();
    c.nodes[0] = aNode('node-0', { taints: [taint('dedicated', 'NoExecute')] });
    const s = c.sync();
    expect(cd(s)).toEqual([0, 1]);
    expect(s.deletePods[0].reason).toBe('misscheduled');
  });

  it('§8.20 nodes with default-tolerated taints or cordoned get a pod; network-unavailable only with hostNetwork', () => {
    const tainted = [
      aNode('n-not-ready', { taints: [taint('node.kubernetes.io/not-ready', 'NoExecute')] }),
      aNode('n-unreachable', { taints: [taint('node.kubernetes.io/unreachable', 'NoExecute')] }),
      aNode('n-disk', { taints: [taint('node.kubernetes.io/disk-pressure', 'NoSchedule')] }),
      aNode('n-memory', { taints: [taint('node.kubernetes.io/memory-pressure', 'NoSchedule')] }),
      aNode('n-pid', { taints: [taint('node.kubernetes.io/pid-pressure', 'NoSchedule')] }),
      aNode('n-unschedulable', { taints: [taint('node.kubernetes.io/unschedulable', 'NoSchedule')] }),
      aNode('n-cordoned', { unschedulable: true }),
    ];
    const network = aNode('n-network', { taints: [taint('node.kubernetes.io/network-unavailable', 'NoSchedule')] });
    expect(cd(new Cluster(aDaemonSet(), [...tainted, network]).sync())).toEqual([7, 0]);
    expect(cd(new Cluster(aDaemonSet({ hostNetwork: true }), [...tainted, network]).sync())).toEqual([8, 0]);
  });

  it('§8.21 PreferNoSchedule taint and a full node still get a pod (resources and host ports are not looked at)', () => {
    const full = aNode('node-1');
    full.status = { allocatable: { cpu: '0', memory: '0' } };
    expect(cd(new Cluster(aDaemonSet(), [aNode('node-0', { taints: [taint('x', 'PreferNoSchedule')] }), full]).sync())).toEqual([2, 0]);
  });
});

describe('sync / manage (§8.23–37)', () => {
  it('§8.23 1, 2, 5 pods and 2 released pods over 5 nodes → (2, 5); node-4 pods released, not deleted', () => {
    const ds = aDaemonSet();
    const hash = templateHash(ds.spec.template);
    const p = (node: string, n: number, extra = {}) => Array.from({ length: n }, () => aPod(ds, node, { hash, ...extra }));
    const test = { labels: { name: 'simple-daemon', type: 'test' } };
    const c = new Cluster(ds, nodes(5), [...p('node-1', 1), ...p('node-2', 2), ...p('node-3', 5), ...p('node-4', 2, test)]);
    const s = c.sync();
    expect(cd(s)).toEqual([2, 5]);
    expect(s.createPods.map((x) => x.nodeName)).toEqual(['node-0', 'node-4']);
    expect(s.releasePods).toHaveLength(2);
    expect(s.deletePods.every((d) => d.reason === 'duplicate')).toBe(true);
    expect(c.pods.filter((x) => x.metadata.labels?.type === 'test').every((x) => (x.metadata.ownerReferences ?? []).length === 0)).toBe(true);
  });

  it('§8.24 of two running pods the bound (newer) one is kept; with equal timestamps the smaller name', () => {
    const ds = aDaemonSet();
    const hash = templateHash(ds.spec.template);
    const bound = aPod(ds, 'node-0', { name: 'zz-bound', hash, created: T0 + seconds(5) });
    const unbound = aPod(ds, 'node-0', { name: 'aa-unbound', hash, created: T0, bound: false });
    expect(syncDaemonSet({ ds, nodes: nodes(1), pods: [bound, unbound], revisions: [], now: T0 + seconds(10) }).deletePods.map((d) => d.name)).toEqual(['aa-unbound']);
    const [a, b] = [aPod(ds, 'node-0', { name: 'pod-a', hash }), aPod(ds, 'node-0', { name: 'pod-b', hash })];
    expect(syncDaemonSet({ ds, nodes: nodes(1), pods: [b, a], revisions: [], now: T0 }).deletePods.map((d) => d.name)).toEqual(['pod-b']);
  });

  it.each<[string, Parameters<typeof aDaemonSet>[0]]>([
    ['OnDelete', { onDelete: true }],
    ['maxUnavailable 1', { maxUnavailable: 1 }],
  ])('§8.25 (%s) one failed pod → (0, 1) with one FailedDaemonPod; next sync → (1, 0)', (_n, opts) => {
    const ds = aDaemonSet(opts);
    const c = new Cluster(ds, nodes(1), [aPod(ds, 'node-0', { name: 'foo-failed', hash: templateHash(ds.spec.template), phase: 'Failed' })]);
    const s = c.sync();
    expect(cd(s)).toEqual([0, 1]);
    expect(s.events.filter((e) => e.reason === 'FailedDaemonPod')).toEqual([{ type: 'Warning', reason: 'FailedDaemonPod', message: 'Found failed daemon pod default/foo-failed on node node-0, will try to kill it' }]);
    expect(cd(c.sync())).toEqual([1, 0]);
  });

  it('§8.25 one failed + three running → (0, 3), one event', () => {
    const ds = aDaemonSet({ onDelete: true });
    const hash = templateHash(ds.spec.template);
    const pods = [aPod(ds, 'node-0', { hash, phase: 'Failed' }), ...Array.from({ length: 3 }, () => aPod(ds, 'node-0', { hash }))];
    const s = syncDaemonSet({ ds, nodes: nodes(1), pods, revisions: [], now: T0 });
    expect([s.createPods.length, s.deletePods.length, s.events.filter((e) => e.reason === 'FailedDaemonPod').length]).toEqual([0, 3, 1]);
  });

  it('§8.26 failed-pod backoff: deleted at 0 s, a new failure at 0.5 s waits, deleted at 1 s, next window 2 s', () => {
    // Already observed once: the backoff key embeds status.observedGeneration (0 → 1 would reset it).
    const ds = { ...aDaemonSet({ onDelete: true }), status: { ...aDaemonSet().status!, observedGeneration: 1 } };
    const c = new Cluster(ds, nodes(1), [aPod(ds, 'node-0', { phase: 'Failed' })]);
    expect(cd(c.sync())).toEqual([0, 1]);
    expect(cd(c.sync())).toEqual([1, 0]);
    c.advance(500);
    c.setPhase(c.podsOn('node-0')[0].metadata.name!, 'Failed');
    const held = c.sync();
    expect(cd(held)).toEqual([0, 0]);
    expect(held.requeueAfterMs).toBe(1000);
    c.advance(500);
    expect(cd(c.sync())).toEqual([0, 1]);
    expect(Object.values(c.backoff)).toEqual([{ delayMs: 2000, lastUpdateMs: T0 + 1000 }]);
  });

  it('§8.26 a new observedGeneration starts a fresh backoff (the key embeds it)', () => {
    const ds = aDaemonSet({ onDelete: true });
    const c = new Cluster(ds, nodes(1), [aPod(ds, 'node-0', { phase: 'Failed' })]);
    c.sync();
    c.sync();
    c.updateSpec((s) => (s.minReadySeconds = 1));
    c.sync();
    c.setPhase(c.podsOn('node-0')[0].metadata.name!, 'Failed');
    expect(cd(c.sync())).toEqual([0, 1]);
  });

  it.each<[string, Parameters<typeof aDaemonSet>[0], [number, number]]>([
    ['§8.27 only pod terminating (Running), no surge → (0, 0)', {}, [0, 0]],
    ['§8.27 only pod terminating (Running), maxSurge 1 → (1, 0)', { maxSurge: 1 }, [1, 0]],
  ])('%s', (_n, opts, expected) => {
    const ds = aDaemonSet(opts);
    const s = syncDaemonSet({ ds, nodes: nodes(1), pods: [aPod(ds, 'node-0', { deleting: true, ready: true })], revisions: [], now: T0 });
    expect(cd({ creates: s.createPods.length, deletes: s.deletePods.length })).toEqual(expected);
  });

  it.each([['Succeeded' as const], ['Failed' as const]])('§8.28 only pod %s and terminating → (1, 0)', (phase) => {
    const ds = aDaemonSet();
    const s = syncDaemonSet({ ds, nodes: nodes(1), pods: [aPod(ds, 'node-0', { deleting: true, phase })], revisions: [], now: T0 });
    expect([s.createPods.length, s.deletePods.length]).toEqual([1, 0]);
  });

  it('§8.28 a Succeeded pod is deleted with a Normal SucceededDaemonPod event, no backoff', () => {
    const ds = aDaemonSet();
    const s = syncDaemonSet({ ds, nodes: nodes(1), pods: [aPod(ds, 'node-0', { name: 'foo-done', phase: 'Succeeded' })], revisions: [], now: T0 });
    expect(s.events[0]).toEqual({ type: 'Normal', reason: 'SucceededDaemonPod', message: 'Found succeeded daemon pod default/foo-done on node node-0, will try to delete it' });
    expect(s.nextBackoff).toEqual({});
  });

  it('§8.29 only node-0 exists: a bound pod on vanished node-1 stays, an unbound one aimed at node-2 goes → (0, 1)', () => {
    const ds = aDaemonSet();
    const hash = templateHash(ds.spec.template);
    const pods = [aPod(ds, 'node-0', { hash }), aPod(ds, 'node-1', { hash }), aPod(ds, 'node-2', { name: 'unbound', hash, bound: false })];
    const s = syncDaemonSet({ ds, nodes: nodes(1), pods, revisions: [], now: T0 });
    expect(s.createPods).toEqual([]);
    expect(s.deletePods).toEqual([{ name: 'unbound', nodeName: 'node-2', reason: 'orphaned-node' }]);
  });

  it('§8.30 300 empty eligible nodes → 250 creates, then 50 once observed', () => {
    const c = new Cluster(aDaemonSet(), nodes(300));
    expect(c.sync().creates).toBe(250);
    expect(c.sync().creates).toBe(50);
  });

  it.todo('§8.31 API accepting only 10 of 100 creates (slow-start batches 1+2+4+8, expectations lowered): executor/API level, the pure core issues 100 creates');
  it.todo('§8.32 expectations pending → status-only sync without observedGeneration: the core models writes as observed at once (§4.6); expectations belong to the runtime');

  it('§8.33 a DaemonSet with deletionTimestamp does nothing, even for a new node, and writes no status', () => {
    const ds = { ...aDaemonSet(), metadata: { ...aDaemonSet().metadata, deletionTimestamp: toRfc3339(T0), finalizers: ['foregroundDeletion'] } };
    const s = syncDaemonSet({ ds, nodes: nodes(2), pods: [], revisions: [], now: T0 });
    expect(s).toMatchObject({ outcome: 'skipped', createPods: [], deletePods: [], revisionActions: [] });
    expect(s.status).toBeUndefined();
  });

  it.todo('§8.34 cache says alive, API says deleted → adoption fails: needs the uncached re-read of the DaemonSet, an executor/API concern');

  it('§8.35 an orphan matching the selector is adopted; ReplicaSet pods and deleting orphans are left alone', () => {
    const ds = aDaemonSet();
    const hash = templateHash(ds.spec.template);
    const orphan = aPod(ds, 'node-0', { name: 'orphan', owner: null, hash });
    const rsPod = aPod(ds, 'node-1', { name: 'rs-pod', ownerKind: 'ReplicaSet' });
    const dying = aPod(ds, 'node-2', { name: 'dying', owner: null, deleting: true });
    const c = new Cluster(ds, nodes(3), [orphan, rsPod, dying]);
    const s = c.sync({ confirmDeletes: false });
    expect(s.adoptPods).toEqual(['orphan']);
    expect(s.createPods.map((p) => p.nodeName)).toEqual(['node-1', 'node-2']);
    expect(c.pods.find((p) => p.metadata.name === 'orphan')?.metadata.ownerReferences).toEqual([
      { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'foo', uid: 'uid-foo-1', controller: true, blockOwnerDeletion: true },
    ]);
  });

  it('§8.36 a pod whose labels stop matching is released, keeps running, and its node gets a new pod', () => {
    const c = new Cluster(aDaemonSet(), nodes(1));
    c.settle();
    const name = c.pods[0].metadata.name!;
    c.pods[0] = { ...c.pods[0], metadata: { ...c.pods[0].metadata, labels: { name: 'other' } } };
    const s = c.sync();
    expect(s.releasePods).toEqual([name]);
    expect(cd(s)).toEqual([1, 0]);
    expect(c.pods).toHaveLength(2);
  });

  it('§8.37 selector {} → Warning SelectingAll, (0, 0), no status write', () => {
    const s = syncDaemonSet({ ds: aDaemonSet({ selector: {} }), nodes: nodes(2), pods: [], revisions: [], now: T0 });
    expect(s.events).toEqual([{ type: 'Warning', reason: 'SelectingAll', message: 'This daemon set is selecting all pods. A non-empty selector is required.' }]);
    expect([s.createPods.length, s.deletePods.length, s.status]).toEqual([0, 0, undefined]);
  });

  it('status counts a pending pod, readiness of the oldest pod, and updated pods (§6.5)', () => {
    const ds = aDaemonSet();
    const c = new Cluster(ds, nodes(3), readyPods(ds, nodes(1), templateHash(ds.spec.template)));
    const s = c.sync();
    expect(s.status).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 1, numberAvailable: 1, updatedNumberScheduled: 3, numberUnavailable: 2, numberMisscheduled: 0, observedGeneration: 1 });
    expect(s.statusChanged).toBe(true);
    expect(c.sync().statusChanged).toBe(false);
  });
});
