/**
 * Spec §8 scenarios 50–61 (rolling update, surge, OnDelete, undo) driven through repeated syncs.
 * "[ready]" = every live pod becomes Ready before the next sync.
 */
import { templateHash } from './revisions';
import { syncDaemonSet } from './sync';
import { aDaemonSet, aPod, nodes, readyPods, seconds, T0 } from './testing/builders';
import { Cluster, play, type Script } from './testing/simulator';


/** `count` nodes running ready pods of the DaemonSet's current template. */
const readyCluster = (count: number, o: Parameters<typeof aDaemonSet>[0]) => {
  const c = new Cluster(aDaemonSet(o), nodes(count));
  c.settle();
  c.markReady();
  c.sync();
  return c;
};

describe('rolling update, maxSurge 0 (§8.50–55)', () => {
  it('§8.50 maxUnavailable 2 over 5 ready nodes: (0,2), (2,0), [ready] (0,2), (2,0), [ready] (0,1), (1,0), [ready] (0,0)', () => {
    const c = readyCluster(5, { maxUnavailable: 2 });
    c.setImage('nginx:2.0');
    const script: Script = [[0, 2], [2, 0], 'ready', [0, 2], [2, 0], 'ready', [0, 1], [1, 0], 'ready', [0, 0]];
    expect(play(c, script)).toEqual(script);
    expect(c.ds.status).toMatchObject({ updatedNumberScheduled: 5, numberAvailable: 5, numberUnavailable: 0 });
  });

  it('§8.51 maxUnavailable 3, new pods never Ready: (0,3), (3,0), then (0,0) forever; status 3 updated, 2 available', () => {
    const c = readyCluster(5, { maxUnavailable: 3 });
    c.setImage('nginx:broken');
    const script: Script = [[0, 3], [3, 0], [0, 0], [0, 0]];
    expect(play(c, script)).toEqual(script);
    expect(c.ds.status).toMatchObject({ desiredNumberScheduled: 5, updatedNumberScheduled: 3, numberAvailable: 2, numberUnavailable: 3 });
  });

  it('§8.52 maxUnavailable 3, old pods never Ready: all unavailable old pods go at once (0,5), then (5,0)', () => {
    const c = new Cluster(aDaemonSet({ maxUnavailable: 3 }), nodes(5));
    c.settle();
    c.setImage('nginx:2.0');
    expect(play(c, [[0, 5], [5, 0]])).toEqual([[0, 5], [5, 0]]);
  });

  it.each<[string, string, number, number]>([
    ['"50%" of 3 desired → 2', '50%', 3, 2],
    ['"10%" of 5 desired → 1', '10%', 5, 1],
  ])('§8.53 percent: %s deletions at once', (_n, pct, count, expected) => {
    const c = readyCluster(count, { maxUnavailable: pct });
    c.setImage('nginx:2.0');
    expect(c.sync().deletes).toBe(expected);
  });

  it('§8.53 an empty desired node counts as unavailable', () => {
    const ds = aDaemonSet({ maxUnavailable: 1, image: 'nginx:2.0' });
    const old = readyPods(ds, nodes(2), 'old-hash');
    // node-2 has no pod: manage creates one, and the budget of 1 is used by it — no old pod goes.
    const s = syncDaemonSet({ ds, nodes: nodes(3), pods: old, revisions: [], now: T0 });
    expect([s.createPods.length, s.deletePods.length]).toEqual([1, 0]);
  });

  it('§8.54 template unchanged, strategy switched from OnDelete to RollingUpdate → (0, 0)', () => {
    const c = readyCluster(3, { onDelete: true });
    c.updateSpec((s) => (s.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }));
    expect(play(c, [[0, 0]])).toEqual([[0, 0]]);
  });

  it('§8.55 a node added mid-rollout gets a new-template pod (1,0), and no old pod goes until it is available', () => {
    const c = readyCluster(3, { maxUnavailable: 1 });
    c.setImage('nginx:2.0');
    expect(play(c, [[0, 1], [1, 0], 'ready'])).toEqual([[0, 1], [1, 0], 'ready']);
    c.nodes = [...c.nodes, ...nodes(1, { from: 3 })];
    const s = c.sync();
    expect([s.creates, s.deletes]).toEqual([1, 0]);
    expect(s.createPods[0]).toMatchObject({ nodeName: 'node-3', hash: c.hash });
    expect(play(c, [[0, 0], 'ready', [0, 1]])).toEqual([[0, 0], 'ready', [0, 1]]);
  });
});

describe('rolling update, maxSurge > 0 (§8.56–58)', () => {
  it('§8.56 maxSurge 2, maxUnavailable 0, 5 ready nodes: (2,0), (0,0), [ready] (2,2), (0,0), [ready] (1,2), (0,0), [ready] (0,1), (0,0)', () => {
    const c = readyCluster(5, { maxSurge: 2, maxUnavailable: 0 });
    c.setImage('nginx:2.0');
    const script: Script = [[2, 0], [0, 0], 'ready', [2, 2], [0, 0], 'ready', [1, 2], [0, 0], 'ready', [0, 1], [0, 0]];
    expect(play(c, script)).toEqual(script);
  });

  it('§8.57 maxSurge 3, old pods not Ready: (5,0) beyond maxSurge; next sync with nothing ready (0,5)', () => {
    const c = new Cluster(aDaemonSet({ maxSurge: 3, maxUnavailable: 0 }), nodes(5));
    c.settle();
    c.setImage('nginx:2.0');
    const script: Script = [[5, 0], [0, 5]];
    expect(play(c, script)).toEqual(script);
    expect(c.pods.every((p) => p.metadata.labels?.['controller-revision-hash'] === c.hash)).toBe(true);
  });

  it('§8.58 old Ready + new ready 10 s of minReadySeconds 15 → both kept; at 20 s old deleted; a third (old) pod goes at once', () => {
    const ds = aDaemonSet({ maxSurge: 1, maxUnavailable: 0, minReadySeconds: 15 });
    const hash = templateHash(ds.spec.template);
    const oldPod = aPod(ds, 'node-0', { name: 'old-1', hash: 'old-hash', ready: true, created: T0 - seconds(100) });
    const extra = aPod(ds, 'node-0', { name: 'old-2', hash: 'old-hash', ready: true, created: T0 - seconds(50) });
    const newPod = aPod(ds, 'node-0', { name: 'new-1', hash, ready: true, readySince: T0, created: T0 - seconds(1) });
    const at10 = syncDaemonSet({ ds, nodes: nodes(1), pods: [oldPod, newPod], revisions: [], now: T0 + seconds(10) });
    expect(at10.deletePods).toEqual([]);
    const at20 = syncDaemonSet({ ds, nodes: nodes(1), pods: [oldPod, newPod], revisions: [], now: T0 + seconds(20) });
    expect(at20.deletePods).toEqual([{ name: 'old-1', nodeName: 'node-0', reason: 'surge-replaced' }]);
    const third = syncDaemonSet({ ds, nodes: nodes(1), pods: [oldPod, extra, newPod], revisions: [], now: T0 + seconds(10) });
    expect(third.deletePods).toEqual([{ name: 'old-2', nodeName: 'node-0', reason: 'duplicate' }]);
  });
});

describe('availability and OnDelete (§8.59–60)', () => {
  it('§8.59 minReadySeconds 10: not available at t+10 s, available after; requeued for t+11 s; ready > available in between', () => {
    const ds = aDaemonSet({ minReadySeconds: 10 });
    const pods = [aPod(ds, 'node-0', { hash: templateHash(ds.spec.template), ready: true, readySince: T0 })];
    const run = (now: number) => syncDaemonSet({ ds, nodes: nodes(1), pods, revisions: [], now });
    expect(run(T0)).toMatchObject({ status: { numberReady: 1, numberAvailable: 0 }, requeueAfterMs: seconds(10) });
    expect(run(T0 + seconds(10))).toMatchObject({ status: { numberReady: 1, numberAvailable: 0 }, requeueAfterMs: seconds(1) });
    const later = run(T0 + seconds(11));
    expect(later.status).toMatchObject({ numberReady: 1, numberAvailable: 1 });
    expect(later.requeueAfterMs).toBeUndefined();
  });

  it('§8.60 OnDelete with an image change → (0,0) and 0 updated; a pod deleted by the user comes back with the new hash', () => {
    const c = readyCluster(3, { onDelete: true });
    c.setImage('nginx:2.0');
    const s = c.sync();
    expect([s.creates, s.deletes, s.status?.updatedNumberScheduled]).toEqual([0, 0, 0]);
    c.pods = c.pods.slice(1); // the user deletes one pod
    const again = c.sync();
    expect([again.creates, again.deletes]).toEqual([1, 0]);
    expect(again.createPods[0].hash).toBe(c.hash);
    expect(again.status?.updatedNumberScheduled).toBe(1);
  });
});

describe('undo mid-rollout (§8.61)', () => {
  it('§8.61 4 nodes rev1→rev2 (node-0 rev2 Ready, node-1 rev2 not Ready), undo: rev1 becomes 3; unready rev2 goes first, node-0 when budget allows', () => {
    const c = readyCluster(4, { maxUnavailable: 1 });
    const rev1Hash = c.hash;
    c.setImage('nginx:2.0');
    expect(play(c, [[0, 1], [1, 0], 'ready', [0, 1], [1, 0]])).toEqual([[0, 1], [1, 0], 'ready', [0, 1], [1, 0]]);
    const rev2Hash = c.hash;
    const untouched = c.pods.filter((p) => ['node-2', 'node-3'].includes(p.spec.nodeName!)).map((p) => p.metadata.name);
    c.setImage('nginx:1.0'); // kubectl rollout undo
    const undo = c.sync();
    expect(undo.revisionActions).toContainEqual({ type: 'renumber', name: `foo-${rev1Hash}`, from: 1, to: 3 });
    expect(undo.deletePods).toEqual([{ name: expect.any(String), nodeName: 'node-1', reason: 'rolling-update' }]);
    expect(c.hash).toBe(rev1Hash);
    expect(play(c, [[1, 0], 'ready', [0, 1], [1, 0], 'ready', [0, 0]])).toEqual([[1, 0], 'ready', [0, 1], [1, 0], 'ready', [0, 0]]);
    expect(c.pods.filter((p) => untouched.includes(p.metadata.name))).toHaveLength(2);
    expect(c.pods.some((p) => p.metadata.labels?.['controller-revision-hash'] === rev2Hash)).toBe(false);
    expect(c.revisionNumbers()).toEqual([2, 3]);
  });
});
