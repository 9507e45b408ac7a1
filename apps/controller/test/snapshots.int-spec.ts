import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openEventStore, SqliteSnapshotStore } from '@daemonledger/event-store';
import type { EventStore } from '@daemonledger/event-store/event-store.port';
import { type ClusterView, clusterViewAt, History, PROJECTION_CODE_VERSION } from '@daemonledger/projections';
import { MERGE_PATCH, NODES_API } from '../src/api/local-api';
import { manifest, startHarness, type Harness } from './harness';

/**
 * Snapshots are derived data: every answer read through them equals the
 * replay of the log from zero, whatever happened to them. A real run on a
 * real SQLite file, snapshotted every few dozen events.
 */
const EVERY = 15;
const plain = (v: ClusterView) => JSON.parse(JSON.stringify({ ...v.snapshot(), events: v.events.list(), templateChanges: [...v.templateChanges], streamRevisions: [...v.streamRevisions].sort(), timelines: v.rolloutTimelines.toSnapshot() }));
const objects = (v: ClusterView) => JSON.parse(JSON.stringify(v.snapshot()));

const run = async (h: Harness) => {
  await h.apply(manifest('nginx-ds.yaml'));
  await h.until(() => h.ds('nginx-ds')?.status?.numberAvailable === 5);
  await h.writes.setImage('default', 'nginx-ds', { '*': 'nginx:1.9.1' }, { user: 'test' });
  await h.until(() => h.ds('nginx-ds')?.status?.updatedNumberScheduled === 5 && h.ds('nginx-ds')?.status?.numberAvailable === 5);
  await h.writes.patch(NODES_API, '', 'node-2', { spec: { unschedulable: true } }, { ...MERGE_PATCH, user: 'test' });
  await h.writes.setImage('default', 'nginx-ds', { '*': 'nginx:1.10.0' }, { user: 'test' });
  await h.until(() => h.ds('nginx-ds')?.status?.updatedNumberScheduled === 5 && h.ds('nginx-ds')?.status?.numberAvailable === 5);
};

/** Every 7th position, and each snapshot's position and its neighbours. */
const positionsOf = (head: number, snapshotAt: number[]) =>
  [...new Set([1, ...Array.from({ length: Math.floor(head / 7) }, (_, i) => (i + 1) * 7), ...snapshotAt.flatMap((p) => [p - 1, p, p + 1]), head])].filter((p) => p >= 1 && p <= head).sort((a, b) => a - b);

describe('snapshots of the read models (real SQLite file)', () => {
  let dir: string;
  let h: Harness | undefined;
  let store: EventStore;
  let snapshots: SqliteSnapshotStore;
  let head: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'daemonledger-snapshots-'));
    h = await startHarness({ nodes: 5, dir, env: { SNAPSHOT_EVERY_EVENTS: String(EVERY) } });
    await run(h);
    await h.close();
    h = undefined;
    store = await openEventStore({ kind: 'sqlite', file: join(dir, 'events.sqlite') });
    snapshots = new SqliteSnapshotStore({ file: join(dir, 'events.sqlite') });
    head = await store.headPosition();
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await snapshots?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('were written beside the log as the fold went, tagged with position and code version', async () => {
    const refs = await snapshots.list();
    expect(head).toBeGreaterThan(4 * EVERY);
    expect(refs.length).toBeGreaterThanOrEqual(2);
    for (const r of refs) {
      expect(r.codeVersion).toBe(PROJECTION_CODE_VERSION);
      expect(r.position).toBeLessThanOrEqual(head);
      expect(r.parts.some((p) => p.name.startsWith('pods.'))).toBe(true);
    }
  });

  it('(a) a view restored from a snapshot plus the tail equals the replay from zero, at many positions', async () => {
    const history = new History(store, { snapshots });
    const podHistory = new History(store, { snapshots }); // its own: a whole view kept by the other would answer pod reads too
    const kindHistory = new History(store, { snapshots });
    const at = positionsOf(head, (await snapshots.list()).map((r) => r.position));
    expect(at.length).toBeGreaterThan(20);
    for (const p of at) {
      const replay = await clusterViewAt(store, p);
      expect({ p, view: plain(await history.viewAt(p)) }).toEqual({ p, view: plain(replay) });
      expect({ p, pods: objects(await podHistory.viewAt(p, 'pod')).pods }).toEqual({ p, pods: objects(replay).pods });
      // Lists of one kind fold only that kind's events (a filtered read of the tail) and still equal the replay.
      const lean = await kindHistory.viewAt(p, 'daemonset');
      expect({ p, daemonSets: objects(lean).daemonSets, position: lean.position }).toEqual({ p, daemonSets: objects(replay).daemonSets, position: p });
      expect({ p, nodes: objects(await kindHistory.viewAt(p, 'node')).nodes }).toEqual({ p, nodes: objects(replay).nodes });
      expect({ p, revisions: objects(await kindHistory.viewAt(p, 'controllerrevision')).revisions }).toEqual({ p, revisions: objects(replay).revisions });
      const pod = replay.allPods()[0];
      if (pod) expect((await podHistory.objectAt(p, 'pod', 'default', pod.metadata.name!)).pod('default', pod.metadata.name!)).toEqual(pod);
      // Every pod once somewhere (each names the DaemonSet version it was built from), and the DaemonSet itself (its events after the snapshot, found by revision).
      const some = replay.allPods()[p % Math.max(1, replay.allPods().length)];
      if (some) expect({ p, pod: (await kindHistory.objectAt(p, 'pod', 'default', some.metadata.name!)).pod('default', some.metadata.name!) }).toEqual({ p, pod: some });
      expect({ p, ds: (await kindHistory.objectAt(p, 'daemonset', 'default', 'nginx-ds')).daemonSet('default', 'nginx-ds') }).toEqual({ p, ds: replay.daemonSet('default', 'nginx-ds') });
    }
  }, 60_000);

  it('(c) a snapshot with flipped bytes, and one labelled with another code version, are ignored: same answers', async () => {
    const [newest, second] = await snapshots.list();
    const db = new Database(join(dir, 'events.sqlite'));
    const part = newest.parts.find((x) => x.name.startsWith('pods.'))!.name;
    const row = db.prepare(`SELECT data FROM daemonledger_snapshots WHERE position = ? AND part = ?`).get(newest.position, part) as { data: Buffer };
    row.data[10] ^= 0xff; // one byte flipped, as a damaged disk would
    db.prepare(`UPDATE daemonledger_snapshots SET data = ? WHERE position = ? AND part = ?`).run(row.data, newest.position, part);
    db.prepare(`UPDATE daemonledger_snapshots SET code_version = 'fold-0.someone-else' WHERE position = ?`).run(second.position);
    db.close();
    const fresh = new SqliteSnapshotStore({ file: join(dir, 'events.sqlite') });
    const skipped: number[] = [];
    const history = new History(store, { snapshots: fresh, onBadSnapshot: (r) => skipped.push(r.position) });
    expect(plain(await history.viewAt(head))).toEqual(plain(await clusterViewAt(store, head)));
    expect(plain(await history.viewAt(second.position))).toEqual(plain(await clusterViewAt(store, second.position)));
    expect(skipped).toEqual([newest.position]);
    await fresh.close();
  });

  it('(b) with every snapshot deleted the answers are the same (from position 0)', async () => {
    await snapshots.close();
    snapshots = new SqliteSnapshotStore({ file: join(dir, 'events.sqlite') }); // the rows were changed behind the first handle's back
    for (const r of await snapshots.list()) await snapshots.delete(r);
    expect(await snapshots.list()).toEqual([]);
    const history = new History(store, { snapshots });
    for (const p of positionsOf(head, []).filter((_, i) => i % 5 === 0)) expect(plain(await history.viewAt(p))).toEqual(plain(await clusterViewAt(store, p)));
  });
});

describe('restart from a snapshot', () => {
  it('(d) folds only the tail, then goes on live; the view equals the replay of the whole log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'daemonledger-snapshots-'));
    const env = { SNAPSHOT_EVERY_EVENTS: String(EVERY) };
    try {
      let h = await startHarness({ nodes: 5, dir, env });
      await run(h);
      await h.state.snapshotNow();
      const snapshotAt = h.state.view.position;
      await h.close();

      h = await startHarness({ nodes: 5, dir, env });
      expect(h.state.restoredFrom).toBe(snapshotAt);
      expect(plain(h.state.view)).toEqual(plain(await clusterViewAt(h.store, h.state.view.position)));
      await h.writes.setImage('default', 'nginx-ds', { '*': 'nginx:1.10.3' }, { user: 'test' });
      await h.until(() => h.ds('nginx-ds')?.status?.updatedNumberScheduled === 5 && h.ds('nginx-ds')?.status?.numberAvailable === 5);
      expect(h.pods().map((p) => p.spec.containers[0].image)).toEqual(Array(5).fill('nginx:1.10.3'));
      expect(plain(h.state.view)).toEqual(plain(await clusterViewAt(h.store, await h.store.headPosition())));
      await h.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
