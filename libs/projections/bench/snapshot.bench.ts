import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@daemonledger/event-store/sqlite/sqlite-event-store';
import { SqliteSnapshotStore } from '@daemonledger/event-store/sqlite/sqlite-snapshot-store';
import type { EventStore } from '@daemonledger/event-store/event-store.port';
import type { SnapshotStore } from '@daemonledger/event-store/snapshot-store.port';
import { ClusterView } from '../src/cluster-view';
import { History, clusterViewAt } from '../src/point-in-time';
import { captureView, writeSnapshot } from '../src/snapshot-codec';
import { jsonTextOf, Unparsed } from '../src/encoded-map';
import { writeSyntheticLog } from '../src/testing/synthetic-log';

/**
 * Snapshot figures on a real SQLite log: what one snapshot of a large
 * cluster costs to take, store and load, and what past reads cost with
 * them. The functions are the building blocks of `bench:history`; `main`
 * runs them on a synthetic log (`BENCH_NODES` nodes, one pod each,
 * `BENCH_UPDATES` rolling updates).
 */
const ms = (t0: number) => performance.now() - t0;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

/** Folds the whole log from position 0, writing a snapshot every `every` events as the live projection does. */
export const foldWithSnapshots = async (store: EventStore, snapshots: SnapshotStore, every: number) => {
  const view = new ClusterView();
  const writes: { position: number; captureMs: number; writeMs: number; bytes: number }[] = [];
  const t0 = performance.now();
  let since = 0;
  for (let from = 0; ; ) {
    const page = await store.readAll({ fromPosition: from, maxCount: 5_000 });
    for (const e of page) {
      view.apply(e);
      if (++since >= every) {
        since = 0;
        const c0 = performance.now();
        const captured = captureView(view);
        const captureMs = ms(c0);
        const w0 = performance.now();
        const ref = await writeSnapshot(snapshots, captured);
        writes.push({ position: ref.position, captureMs, writeMs: ms(w0), bytes: ref.bytes });
      }
    }
    if (page.length < 5_000) break;
    from = page[page.length - 1].position;
  }
  return { view, foldMs: ms(t0), writes };
};

/** Restart cost: the newest snapshot restored and the tail folded, against a replay from zero. */
export const measureRestart = async (store: EventStore, snapshots: SnapshotStore) => {
  const head = await store.headPosition();
  const t0 = performance.now();
  const view = new ClusterView();
  const ref = await new History(store, { snapshots }).restoreLatest(view, head);
  const loadMs = ms(t0);
  const t1 = performance.now();
  await new History(store).viewAt(head); // no snapshots: the replay from zero
  const replayMs = ms(t1);
  const t2 = performance.now();
  const tail = new History(store, { snapshots });
  await tail.viewAt(head);
  return { head, snapshotAt: ref?.position ?? 0, loadMs, loadAndTailMs: ms(t2), replayMs };
};

/** A pod list's JSON as the API sends it (see wireJsonListChunks): the bytes of pods still as their snapshot stored them, the others serialised. */
const podListChunks = (view: ClusterView): Buffer[] => {
  const chunks: Buffer[] = [];
  let text = `{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"${view.position}"},"items":[`;
  for (const [i, { pod }] of view.podsAsStored().entries()) {
    if (i) text += ',';
    if (pod instanceof Unparsed) {
      chunks.push(Buffer.from(text), pod.bytes);
      text = '';
    } else text += jsonTextOf(pod) ?? JSON.stringify(pod);
  }
  chunks.push(Buffer.from(`${text}]}`));
  return chunks;
};

/** Past reads at `count` random positions: a pod list (decodes pods only, and encoded as JSON bytes) and one pod (its own streams), p50/p99 in ms. */
export const measurePastReads = async (store: EventStore, snapshots: SnapshotStore, count: number, seed = 1) => {
  const head = await store.headPosition();
  let r = seed;
  const random = () => ((r = (r * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const history = new History(store, { snapshots });
  const list: number[] = [];
  const one: number[] = [];
  let pods = 0;
  for (let i = 0; i < count; i++) {
    const p = 1 + Math.floor(random() * head);
    const t0 = performance.now();
    const view = await history.viewAt(p, 'pod');
    podListChunks(view);
    list.push(ms(t0));
    const all = view.podsAsStored();
    pods = Math.max(pods, all.length);
    const name = all.length ? all[Math.floor(random() * all.length)].name : 'none';
    const t1 = performance.now();
    await history.objectAt(p, 'pod', 'default', name);
    one.push(ms(t1));
  }
  return { reads: count, maxPods: pods, list: { p50: pct(list, 50), p99: pct(list, 99) }, one: { p50: pct(one, 50), p99: pct(one, 99) } };
};

const main = async () => {
  const nodes = Number(process.env.BENCH_NODES ?? 10_000);
  const updates = Number(process.env.BENCH_UPDATES ?? 2);
  const every = Number(process.env.SNAPSHOT_EVERY_EVENTS ?? 10_000);
  const reads = Number(process.env.BENCH_READS ?? 50);
  const dir = mkdtempSync(join(tmpdir(), 'daemonledger-snapbench-'));
  const file = join(dir, 'events.sqlite');
  const store = new SqliteEventStore({ file, synchronous: 'NORMAL' });
  const snapshots = new SqliteSnapshotStore({ file });
  try {
    const t0 = performance.now();
    const events = await writeSyntheticLog(store, { nodes, updates });
    console.log(`log: ${events} events (${nodes} nodes, ${updates} rolling updates) written in ${(ms(t0) / 1000).toFixed(1)} s`);
    const { view, foldMs, writes } = await foldWithSnapshots(store, snapshots, every);
    console.log(`fold from 0 with a snapshot every ${every} events: ${(foldMs / 1000).toFixed(2)} s; view holds ${view.nodes.size} nodes, ${view.allPods().length} pods, ${view.events.list().length} Events`);
    for (const w of writes) console.log(`  snapshot at ${w.position}: ${(w.bytes / 1e6).toFixed(2)} MB, capture ${w.captureMs.toFixed(1)} ms, serialise + compress + store ${w.writeMs.toFixed(0)} ms`);
    const restart = await measureRestart(store, snapshots);
    console.log(`restart: load the snapshot at ${restart.snapshotAt} ${restart.loadMs.toFixed(0)} ms; with the tail to ${restart.head} ${restart.loadAndTailMs.toFixed(0)} ms; replay from zero ${restart.replayMs.toFixed(0)} ms`);
    const past = await measurePastReads(store, snapshots, reads);
    console.log(`past reads at ${past.reads} random positions: pod list (≤ ${past.maxPods} pods) p50 ${past.list.p50.toFixed(1)} ms, p99 ${past.list.p99.toFixed(1)} ms; one pod p50 ${past.one.p50.toFixed(2)} ms, p99 ${past.one.p99.toFixed(2)} ms`);
    const same = JSON.stringify((await clusterViewAt(store, restart.head, snapshots)).snapshot()) === JSON.stringify(view.snapshot());
    console.log(`file: ${(statSync(file).size / 1e6).toFixed(0)} MB; restored view equals the replay: ${same}`);
  } finally {
    await snapshots.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
};

if (require.main === module) void main();
