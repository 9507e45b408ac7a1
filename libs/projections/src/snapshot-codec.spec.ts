import { MemoryEventStore } from '@daemonledger/event-store/memory/memory-event-store';
import { MemorySnapshotStore } from '@daemonledger/event-store/memory/memory-snapshot-store';
import { ClusterView } from './cluster-view';
import { clusterViewAt, History } from './point-in-time';
import { captureView, PROJECTION_CODE_VERSION, partsFor, readSnapshot, restoreView, writeSnapshot } from './snapshot-codec';
import { writeSyntheticLog } from './testing/synthetic-log';

/** Everything a view holds, comparable: the objects, plus the parts `snapshot()` leaves out. */
const everything = (v: ClusterView) =>
  JSON.parse(
    JSON.stringify({
      ...v.snapshot(),
      events: v.events.list(),
      templateChanges: [...v.templateChanges],
      streamRevisions: [...v.streamRevisions].sort(),
      nodeList: v.nodeList().map((n) => n.metadata.name),
      timelines: v.rolloutTimelines.toSnapshot(),
      fooPods: v.allDaemonSets().map((d) => v.podsForController(d.metadata.namespace!, d.metadata.uid!).map((p) => p.metadata.name)),
      podsByNode: v.nodeList().map((n) => [...v.podsOnNode(n.metadata.name!)].map((p) => p.metadata.name).sort()),
      unbound: v.unboundPods().map((p) => p.metadata.name).sort(),
    }),
  );

const logOf = async (nodes: number, updates: number) => {
  const store = new MemoryEventStore();
  await writeSyntheticLog(store, { nodes, updates });
  return store;
};

describe('snapshot codec', () => {
  it('round-trips a whole view through the store, slice by slice, to an equal view', async () => {
    const store = await logOf(30, 2);
    const view = await clusterViewAt(store, await store.headPosition());
    const snapshots = new MemorySnapshotStore();
    const ref = await writeSnapshot(snapshots, captureView(view), { sliceEntries: 7 });
    expect(ref.position).toBe(view.position);
    expect(ref.codeVersion).toBe(PROJECTION_CODE_VERSION);
    expect(ref.parts.filter((p) => p.name.startsWith('pods.')).length).toBeGreaterThan(1);
    const restored = restoreView(await readSnapshot(snapshots, ref));
    expect(everything(restored)).toEqual(everything(view));
  });

  it('restores only the parts a kind needs: a pod read decodes no node', async () => {
    const store = await logOf(10, 1);
    const view = await clusterViewAt(store, await store.headPosition());
    const snapshots = new MemorySnapshotStore();
    const ref = await writeSnapshot(snapshots, captureView(view));
    const pods = restoreView(await readSnapshot(snapshots, ref, partsFor(new Set(['pod', 'controllerrevision']))));
    expect(pods.allPods()).toEqual(JSON.parse(JSON.stringify(view.allPods())));
    expect(pods.nodes.size).toBe(0);
    expect(pods.events.list()).toEqual([]);
  });

  it('a capture is unaffected by the fold moving on (objects are never mutated, maps are copied)', async () => {
    const store = await logOf(5, 1);
    const at = 40;
    const view = await clusterViewAt(store, at);
    const captured = captureView(view);
    const expected = everything(view);
    for (const e of await store.readAll({ fromPosition: at })) view.apply(e);
    expect(everything(restoreView(captured))).toEqual(expected);
  });

  it('serialises a rollout that did not change since the last capture once: its text is reused, and a change makes a new one', async () => {
    const store = await logOf(6, 3);
    const events = await store.readAll({});
    const view = new ClusterView();
    const texts = () => new Map(view.rolloutTimelines.snapshotEntries().slice(1).map(([, name, v]) => [name, v.text]));
    let previous = new Map<string, string>();
    let reused = 0;
    let remade = 0;
    for (const [i, e] of events.entries()) {
      view.apply(e);
      if (i % 25 !== 0 && i !== events.length - 1) continue;
      const now = texts();
      for (const [name, text] of now) {
        if (previous.get(name) === text) reused++;
        else if (previous.has(name)) remade++;
        // Whatever was reused or remade, it is what the record holds now.
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(view.rolloutTimelines.get('default', name.slice('rollout-default.'.length))!.toSnapshot())));
      }
      previous = now;
    }
    expect(reused).toBeGreaterThan(0);
    expect(remade).toBeGreaterThan(0);
    expect(everything(restoreView(captureView(view)))).toEqual(everything(view));
  });
});

describe('History: past reads from snapshots equal replay from zero', () => {
  let store: MemoryEventStore;
  let snapshots: MemorySnapshotStore;
  let head: number;
  beforeAll(async () => {
    store = await logOf(20, 3);
    head = await store.headPosition();
    snapshots = new MemorySnapshotStore();
    const live = new ClusterView();
    for (const e of await store.readAll()) {
      live.apply(e);
      if (e.position % 97 === 0) await writeSnapshot(snapshots, captureView(live));
    }
  });

  const positions = () => [1, 50, 96, 97, 98, 200, 333, 401, 402, head - 1, head];

  it('whole views, at positions before, on and after snapshots', async () => {
    const history = new History(store, { snapshots });
    for (const p of positions()) expect(everything(await history.viewAt(p))).toEqual(everything(await clusterViewAt(store, p)));
  });

  it('pod lists and single objects', async () => {
    const history = new History(store, { snapshots });
    for (const p of positions()) {
      const replay = await clusterViewAt(store, p);
      expect(JSON.parse(JSON.stringify((await history.viewAt(p, 'pod')).allPods()))).toEqual(JSON.parse(JSON.stringify(replay.allPods())));
      for (const pod of replay.allPods().slice(0, 3)) {
        expect((await history.objectAt(p, 'pod', 'default', pod.metadata.name!)).pod('default', pod.metadata.name!)).toEqual(pod);
      }
      // A list of one kind reads only that kind's events of the tail, and ends at the position asked.
      const dsView = await history.viewAt(p, 'daemonset');
      expect({ p, ds: dsView.allDaemonSets(), at: dsView.position }).toEqual({ p, ds: replay.allDaemonSets(), at: p });
      expect({ p, nodes: [...(await history.viewAt(p, 'node')).nodes.values()] }).toEqual({ p, nodes: [...replay.nodes.values()] });
      for (const ds of replay.allDaemonSets()) {
        expect((await history.objectAt(p, 'daemonset', ds.metadata.namespace!, ds.metadata.name!)).daemonSet(ds.metadata.namespace!, ds.metadata.name!)).toEqual(ds);
      }
      expect((await history.objectAt(p, 'daemonset', 'default', 'no-such-ds')).daemonSet('default', 'no-such-ds')).toBeUndefined();
      const node = replay.nodes.get('node-1');
      expect((await history.objectAt(p, 'node', '', 'node-1')).nodes.get('node-1')).toEqual(node);
    }
  });

  it('ignores a snapshot whose bytes were altered, and one made by other code', async () => {
    const [newest, second] = await snapshots.list();
    const damaged = new MemorySnapshotStore();
    // A copy of the two newest: one with a flipped byte, one relabelled as another code version.
    for (const [ref, version] of [[newest, PROJECTION_CODE_VERSION], [second, 'fold-0.other']] as const) {
      const w = await damaged.begin(ref.position, version);
      for (const part of ref.parts) await w.writePart(part.name, await snapshots.readPart(ref, part.name));
      await w.commit();
    }
    const flipped = (await damaged.list())[0];
    damaged.rawPart(flipped, flipped.parts[flipped.parts.length - 1].name)![3] ^= 0xff;
    const bad: number[] = [];
    const history = new History(store, { snapshots: damaged, onBadSnapshot: (r) => bad.push(r.position) });
    expect(everything(await history.viewAt(head))).toEqual(everything(await clusterViewAt(store, head)));
    expect(bad).toEqual([newest.position]);
    expect(await history.snapshotAtOrBefore(head)).toBeUndefined();
  });

  it('restoreLatest puts the newest usable snapshot into an empty view', async () => {
    const view = new ClusterView();
    const ref = await new History(store, { snapshots }).restoreLatest(view, head);
    expect(ref?.position).toBe(Math.floor(head / 97) * 97);
    expect(everything(view)).toEqual(everything(await clusterViewAt(store, ref!.position)));
  });
});
