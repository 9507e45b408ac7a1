/**
 * Rollout controls (issue 12) driven through repeated syncs: pause, partition, selector and their
 * combinations with maxSurge. Scripts read as in sync-rolling-update.spec.ts: (creates, deletes)
 * per sync, "ready" = every live pod becomes Ready before the next sync.
 */
import type { Pod } from '../api/types';
import { CANARY_ANNOTATION, PARTITION_ANNOTATION, PAUSED_ANNOTATION, SELECTOR_ANNOTATION } from '../rollout-controls/controls';
import { CONTROLLER_REVISION_HASH_LABEL } from './pods';
import { syncDaemonSet } from './sync';
import { aDaemonSet, aNode, nodes, readyPods, T0 } from './testing/builders';
import { Cluster, play, type Script } from './testing/simulator';


const readyCluster = (o: Parameters<typeof aDaemonSet>[0], on = nodes(5)) => {
  const c = new Cluster(aDaemonSet(o), on);
  c.settle();
  c.markReady();
  c.sync();
  return c;
};

/** An annotation change as the registry stores it: metadata only, no generation bump. */
const annotate = (c: Cluster, changes: Record<string, string | undefined>): void => {
  const annotations = { ...(c.ds.metadata.annotations ?? {}) };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete annotations[k];
    else annotations[k] = v;
  }
  c.ds = { ...c.ds, metadata: { ...c.ds.metadata, annotations } };
};

const hashOf = (p: Pod) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
/** Node → the hashes of its live pods, for the nodes that run one. */
const revisionsByNode = (c: Cluster): Record<string, string[]> =>
  Object.fromEntries(c.nodes.map((n) => [n.metadata.name!, c.podsOn(n.metadata.name!).map((p) => hashOf(p) ?? '')]));
/** The nodes whose only live pod is of the current revision. */
const updatedNodes = (c: Cluster): string[] =>
  Object.entries(revisionsByNode(c))
    .filter(([, hashes]) => hashes.length === 1 && hashes[0] === c.hash)
    .map(([n]) => n);

/** Syncs with every pod made ready in between until a sync moves nothing. */
const settle = (c: Cluster, max = 30): void => {
  for (let i = 0; i < max; i++) {
    const s = c.sync();
    c.markReady();
    if (s.creates === 0 && s.deletes === 0) return;
  }
  throw new Error('did not settle');
};

describe('paused (rollout.daemonledger.io/paused: "true")', () => {
  it('paused: no old pod is replaced for a template change, however many syncs', () => {
    const c = readyCluster({ maxUnavailable: 2 });
    annotate(c, { [PAUSED_ANNOTATION]: 'true' });
    c.setImage('nginx:2.0');
    expect(play(c, [[0, 0], [0, 0], [0, 0]])).toEqual([[0, 0], [0, 0], [0, 0]]);
    expect(updatedNodes(c)).toEqual([]);
    expect(c.ds.status).toMatchObject({ desiredNumberScheduled: 5, updatedNumberScheduled: 0, numberAvailable: 5 });
  });

  it('paused: an unavailable old pod is kept too (upstream would replace it outside the budget)', () => {
    const c = readyCluster({ maxUnavailable: 1 });
    annotate(c, { [PAUSED_ANNOTATION]: 'true' });
    c.setImage('nginx:2.0');
    const [first] = c.podsOn('node-0');
    c.pods = c.pods.map((p) => (p === first ? { ...p, status: { ...p.status, conditions: [{ type: 'Ready', status: 'False' }] } } : p));
    expect(play(c, [[0, 0]])).toEqual([[0, 0]]);
    expect(c.podsOn('node-0').map((p) => p.metadata.name)).toEqual([first.metadata.name]);
  });

  it('paused: a new node still gets a pod, of the new revision', () => {
    const c = readyCluster({ maxUnavailable: 1 });
    annotate(c, { [PAUSED_ANNOTATION]: 'true' });
    c.setImage('nginx:2.0');
    c.sync();
    c.nodes = [...c.nodes, aNode('node-5')];
    const s = c.sync();
    expect([s.creates, s.deletes]).toEqual([1, 0]);
    expect(s.createPods[0]).toMatchObject({ nodeName: 'node-5', hash: c.hash });
    c.markReady();
    expect(c.sync().status).toMatchObject({ desiredNumberScheduled: 6, updatedNumberScheduled: 1 });
  });

  it('paused: clearing it resumes the rollout where it stood', () => {
    const c = readyCluster({ maxUnavailable: 2 });
    c.setImage('nginx:2.0');
    expect(play(c, [[0, 2], [2, 0], 'ready'])).toEqual([[0, 2], [2, 0], 'ready']);
    annotate(c, { [PAUSED_ANNOTATION]: 'true' });
    expect(play(c, [[0, 0], 'ready', [0, 0]])).toEqual([[0, 0], 'ready', [0, 0]]);
    expect(updatedNodes(c)).toEqual(['node-0', 'node-1']);
    annotate(c, { [PAUSED_ANNOTATION]: undefined });
    const script: Script = [[0, 2], [2, 0], 'ready', [0, 1], [1, 0], 'ready', [0, 0]];
    expect(play(c, script)).toEqual(script);
    expect(c.ds.status).toMatchObject({ updatedNumberScheduled: 5, numberAvailable: 5 });
  });

  it('paused "false" plans exactly as no annotation', () => {
    const ds = aDaemonSet({ maxUnavailable: 2, image: 'nginx:2.0' });
    const pods = readyPods(ds, nodes(5), 'old-hash');
    const plan = (annotations: Record<string, string>) =>
      syncDaemonSet({ ds: { ...ds, metadata: { ...ds.metadata, annotations: { ...ds.metadata.annotations, ...annotations } } }, nodes: nodes(5), pods, revisions: [], now: T0 });
    // Pod actions and status only: a new ControllerRevision copies the DaemonSet's annotations, as upstream's does.
    const actions = ({ createPods, deletePods, status }: ReturnType<typeof plan>) => ({ createPods, deletePods, status });
    const none = actions(plan({}));
    expect(none.deletePods).toHaveLength(2);
    expect(actions(plan({ [PAUSED_ANNOTATION]: 'false', [PARTITION_ANNOTATION]: '0' }))).toEqual(none);
  });

  it('paused: OnDelete is unaffected (a pod the user deletes comes back with the new revision)', () => {
    const c = readyCluster({ onDelete: true }, nodes(3));
    annotate(c, { [PAUSED_ANNOTATION]: 'true' });
    c.setImage('nginx:2.0');
    expect(play(c, [[0, 0]])).toEqual([[0, 0]]);
    c.pods = c.pods.slice(1);
    const again = c.sync();
    expect([again.creates, again.deletes, again.createPods[0]?.hash]).toEqual([1, 0, c.hash]);
  });
});

describe('partition (rollout.daemonledger.io/partition: "N")', () => {
  it('partition 2 of 5: the 2 lowest-named nodes keep the old revision (OpenKruise updates from the highest name down)', () => {
    const c = readyCluster({ maxUnavailable: 1 });
    const oldHash = c.hash;
    annotate(c, { [PARTITION_ANNOTATION]: '2' });
    c.setImage('nginx:2.0');
    const script: Script = [[0, 1], [1, 0], 'ready', [0, 1], [1, 0], 'ready', [0, 1], [1, 0], 'ready', [0, 0], [0, 0]];
    expect(play(c, script)).toEqual(script);
    expect(revisionsByNode(c)).toEqual({ 'node-0': [oldHash], 'node-1': [oldHash], 'node-2': [c.hash], 'node-3': [c.hash], 'node-4': [c.hash] });
    // What `kubectl rollout status` reads: 3 of 5 updated, so it keeps waiting rather than claim success.
    expect(c.ds.status).toMatchObject({ desiredNumberScheduled: 5, updatedNumberScheduled: 3, numberAvailable: 5 });
    // The plan says how many nodes the controls keep back: the rollout tracker's "holding".
    expect(c.sync().heldBack).toBe(2);
    annotate(c, { [PARTITION_ANNOTATION]: undefined });
    expect(c.sync().heldBack).toBeUndefined();
  });

  it('partition: lowering N continues the rollout, one wave at a time', () => {
    const c = readyCluster({ maxUnavailable: 2 });
    annotate(c, { [PARTITION_ANNOTATION]: '4' });
    c.setImage('nginx:2.0');
    expect(play(c, [[0, 1], [1, 0], 'ready', [0, 0]])).toEqual([[0, 1], [1, 0], 'ready', [0, 0]]);
    expect(updatedNodes(c)).toEqual(['node-4']);
    annotate(c, { [PARTITION_ANNOTATION]: '2' });
    expect(play(c, [[0, 2], [2, 0], 'ready', [0, 0]])).toEqual([[0, 2], [2, 0], 'ready', [0, 0]]);
    expect(updatedNodes(c)).toEqual(['node-2', 'node-3', 'node-4']);
    annotate(c, { [PARTITION_ANNOTATION]: '0' });
    expect(play(c, [[0, 2], [2, 0], 'ready', [0, 0]])).toEqual([[0, 2], [2, 0], 'ready', [0, 0]]);
    expect(updatedNodes(c)).toHaveLength(5);
  });

  it('partition: raising N does not move updated nodes back (the partition holds, it does not roll back)', () => {
    const c = readyCluster({ maxUnavailable: 5 });
    c.setImage('nginx:2.0');
    play(c, [[0, 5], [5, 0], 'ready']);
    annotate(c, { [PARTITION_ANNOTATION]: '3' });
    expect(play(c, [[0, 0]])).toEqual([[0, 0]]);
    expect(updatedNodes(c)).toHaveLength(5);
  });

  it('partition counts only the DaemonSet\'s nodes (those that should run its pod, or run one)', () => {
    const on = [aNode('node-0', { labels: { pool: 'x' } }), aNode('node-1', { labels: { pool: 'x' } }), aNode('node-2', { labels: { pool: 'x' } }), aNode('node-9')];
    const c = readyCluster({ maxUnavailable: 3, nodeSelector: { pool: 'x' } }, on);
    annotate(c, { [PARTITION_ANNOTATION]: '1' });
    c.setImage('nginx:2.0');
    expect(play(c, [[0, 2], [2, 0], 'ready', [0, 0]])).toEqual([[0, 2], [2, 0], 'ready', [0, 0]]);
    expect(updatedNodes(c)).toEqual(['node-1', 'node-2']); // node-0 is the lowest of the DaemonSet's three nodes; node-9 does not count
  });
});

describe('selector (rollout.daemonledger.io/selector: "<label selector>")', () => {
  const zoned = () => [0, 1, 2, 3, 4, 5].map((i) => aNode(`node-${i}`, { labels: { zone: i % 2 ? 'b' : 'a' } }));

  it('selector: only matching nodes are updated; the others keep the old revision', () => {
    const c = readyCluster({ maxUnavailable: 3 }, zoned());
    const oldHash = c.hash;
    annotate(c, { [SELECTOR_ANNOTATION]: 'zone=a' });
    c.setImage('nginx:2.0');
    expect(play(c, [[0, 3], [3, 0], 'ready', [0, 0]])).toEqual([[0, 3], [3, 0], 'ready', [0, 0]]);
    expect(updatedNodes(c)).toEqual(['node-0', 'node-2', 'node-4']);
    expect(['node-1', 'node-3', 'node-5'].map((n) => c.podsOn(n).map(hashOf))).toEqual([[oldHash], [oldHash], [oldHash]]);
  });

  it('selector: waves by zone — the next selector updates the next zone, clearing it ends the rollout', () => {
    const c = readyCluster({ maxUnavailable: 1 }, zoned());
    annotate(c, { [SELECTOR_ANNOTATION]: 'zone=a' });
    c.setImage('nginx:2.0');
    settle(c);
    expect(updatedNodes(c)).toEqual(['node-0', 'node-2', 'node-4']);
    annotate(c, { [SELECTOR_ANNOTATION]: 'zone in (b)' });
    settle(c);
    expect(updatedNodes(c)).toHaveLength(6);
    annotate(c, { [SELECTOR_ANNOTATION]: undefined });
    expect(play(c, [[0, 0]])).toEqual([[0, 0]]);
  });

  it('selector: a node relabelled into the selector joins the wave', () => {
    const c = readyCluster({ maxUnavailable: 1 }, zoned());
    annotate(c, { [SELECTOR_ANNOTATION]: 'zone=a' });
    c.setImage('nginx:2.0');
    settle(c);
    c.nodes = c.nodes.map((n) => (n.metadata.name === 'node-5' ? { ...n, metadata: { ...n.metadata, labels: { ...n.metadata.labels, zone: 'a' } } } : n));
    settle(c);
    expect(updatedNodes(c)).toEqual(['node-0', 'node-2', 'node-4', 'node-5']);
  });
});

describe('combinations', () => {
  it('partition with maxSurge: surges only on the nodes the partition leaves room for, from the highest name', () => {
    const c = readyCluster({ maxSurge: 2, maxUnavailable: 0 });
    const oldHash = c.hash;
    annotate(c, { [PARTITION_ANNOTATION]: '2' });
    c.setImage('nginx:2.0');
    const script: Script = [[2, 0], [0, 0], 'ready', [1, 2], [0, 0], 'ready', [0, 1], [0, 0], [0, 0]];
    expect(play(c, script)).toEqual(script);
    expect(revisionsByNode(c)).toEqual({ 'node-0': [oldHash], 'node-1': [oldHash], 'node-2': [c.hash], 'node-3': [c.hash], 'node-4': [c.hash] });
  });

  it('pause during a surge: pods already surged stay, no new surge; their old pods go once they are available', () => {
    const c = readyCluster({ maxSurge: 2, maxUnavailable: 0 });
    c.setImage('nginx:2.0');
    const surge = c.sync();
    expect(surge.createPods.map((p) => p.nodeName)).toEqual(['node-0', 'node-1']);
    annotate(c, { [PAUSED_ANNOTATION]: 'true' });
    expect(play(c, [[0, 0], [0, 0]])).toEqual([[0, 0], [0, 0]]);
    expect(c.podsOn('node-0')).toHaveLength(2);
    expect(play(c, ['ready', [0, 2], [0, 0], [0, 0]])).toEqual(['ready', [0, 2], [0, 0], [0, 0]]);
    expect(updatedNodes(c)).toEqual(['node-0', 'node-1']);
    expect(c.ds.status).toMatchObject({ updatedNumberScheduled: 2, numberAvailable: 5 });
  });

  it('pause with maxSurge: an unavailable old pod gets no new pod beside it', () => {
    const c = readyCluster({ maxSurge: 1, maxUnavailable: 0 }, nodes(3));
    annotate(c, { [PAUSED_ANNOTATION]: 'true' });
    c.setImage('nginx:2.0');
    const [first] = c.podsOn('node-2');
    c.pods = c.pods.map((p) => (p === first ? { ...p, status: { ...p.status, conditions: [{ type: 'Ready', status: 'False' }] } } : p));
    expect(play(c, [[0, 0]])).toEqual([[0, 0]]);
  });

  it('a new template while paused: nothing moves; updatedNumberScheduled counts only nodes already on it', () => {
    const c = readyCluster({ maxUnavailable: 2 });
    const v1 = c.hash;
    c.setImage('nginx:2.0');
    play(c, [[0, 2], [2, 0], 'ready']);
    const v2 = c.hash;
    annotate(c, { [PAUSED_ANNOTATION]: 'true' });
    c.setImage('nginx:3.0');
    expect(play(c, [[0, 0], [0, 0]])).toEqual([[0, 0], [0, 0]]);
    expect(c.ds.status).toMatchObject({ updatedNumberScheduled: 0, numberAvailable: 5 });
    expect(Object.values(revisionsByNode(c))).toEqual([[v2], [v2], [v1], [v1], [v1]]);
    // Back to the first template (kubectl rollout undo), still paused: the nodes on it count as updated.
    c.setImage('nginx:1.0');
    const s = c.sync();
    expect([s.creates, s.deletes]).toEqual([0, 0]);
    expect(c.hash).toBe(v1);
    expect(s.status?.updatedNumberScheduled).toBe(3);
  });
});

describe('canary (rollout.daemonledger.io/canary: "N")', () => {
  it('until the canary passes only N nodes move (from the highest name); once it passed, the rest follow', () => {
    const c = readyCluster({ maxUnavailable: 2 });
    annotate(c, { [CANARY_ANNOTATION]: '1' });
    c.setImage('nginx:2.0');
    expect(play(c, [[0, 1], [1, 0], 'ready', [0, 0]])).toEqual([[0, 1], [1, 0], 'ready', [0, 0]]);
    expect(updatedNodes(c)).toEqual(['node-4']);
    expect(c.sync().heldBack).toBe(4);
    // The tracker recorded RolloutCanaryPassed for this revision: the planner is told so.
    const passed = syncDaemonSet({ ds: c.ds, nodes: c.nodes, pods: c.pods, revisions: c.revisions, now: c.now, canaryPassedFor: c.hash });
    expect(passed.deletePods).toHaveLength(2);
    expect(passed.heldBack).toBeUndefined();
  });
});
