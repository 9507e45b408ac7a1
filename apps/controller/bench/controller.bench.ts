import 'reflect-metadata';
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { decodeManifest } from '@daemonledger/domain';
import type { DaemonSet } from '@daemonledger/domain/api/types';
import { DAEMONSETS_API, LocalApi } from '../src/api/local-api';
import { loadConfig } from '../src/config/config';
import { startEmbedded, type Embedded } from '../src/embedded';
import { projectRoot } from '../src/infrastructure/paths';
import { ControllerMetrics } from '../src/metrics/controller-metrics';

/**
 * `npm run bench:controller`: one DaemonSet over N simulated nodes with
 * instant pods, on the real SQLite log (synchronous=FULL): time and events
 * to create every pod, a full rolling update (maxUnavailable 10%), an undo,
 * and the peak RSS. Each size runs in a fresh child process so that its
 * peak RSS is its own. Sizes: BENCH_NODES (default 1000,5000,10000).
 */
interface Phase {
  ms: number;
  events: number;
  /** Append calls (one SQLite transaction, one fsync, each). */
  commits: number;
}
interface Result {
  nodes: number;
  join: Phase;
  create: Phase;
  rollout: Phase;
  undo: Phase;
  peakRssMiB: number;
  /** Live heap after a full GC, per node: with the nodes joined, with every pod created, after the rollout. */
  heapPerNode: { joined: number; created: number; rolled: number };
  bytes: LogBytes;
}

/** What the log costs: the file's used pages per event, and the payload (data + metadata JSON) per event, by type. */
interface LogBytes {
  events: number;
  fileBytes: number;
  payloadBytes: number;
  /** Bytes of data plus each distinct metadata value once: the payload when a store keeps identical metadata once. */
  dedupedPayloadBytes: number;
  byType: { type: string; count: number; data: number; metadata: number }[];
}

const logBytes = (file: string): LogBytes => {
  const db = new Database(file, { readonly: true });
  try {
    const byType = db
      .prepare(
        'SELECT coalesce(t.name, e.type) AS type, count(*) AS count, sum(length(e.data)) AS data, sum(length(e.metadata)) AS metadata FROM events e LEFT JOIN event_types t ON t.id = e.type GROUP BY e.type ORDER BY sum(length(e.data) + length(e.metadata)) DESC',
      )
      .all() as LogBytes['byType'];
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    // Page accounting: pages in use (all pages less the free list), as a VACUUM would leave the file.
    const used = (db.pragma('page_count', { simple: true }) as number) - (db.pragma('freelist_count', { simple: true }) as number);
    const events = byType.reduce((n, t) => n + t.count, 0);
    const distinctMetadata = db.prepare('SELECT sum(length(metadata)) FROM (SELECT DISTINCT metadata FROM events)').pluck().get() as number;
    const data = byType.reduce((n, t) => n + t.data, 0);
    return { events, fileBytes: used * pageSize, payloadBytes: byType.reduce((n, t) => n + t.data + t.metadata, 0), dedupedPayloadBytes: data + distinctMetadata, byType };
  } finally {
    db.close();
  }
};

const waitFor = async (e: Embedded, done: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('benchmark phase timed out');
    await e.settle();
    if (!done()) await new Promise((r) => setTimeout(r, 5));
  }
};

const runSize = async (nodes: number): Promise<Result> => {
  const dir = mkdtempSync(join(tmpdir(), 'daemonledger-bench-'));
  const config = loadConfig({ DATA_DIR: dir, SIM_NODES: String(nodes), SIM_POD_START_MS: '0', LOG_LEVEL: 'error' });
  (globalThis as { gc?: () => void }).gc?.();
  const emptyHeap = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const e = await startEmbedded({ config, podStopMs: 0 });
  const api = e.app.get(LocalApi);
  const metrics = e.app.get(ControllerMetrics);
  const commits = () => metrics.appendCalls;
  await waitFor(e, () => e.state.view.nodes.size === nodes, 600_000);
  const join_ = { ms: performance.now() - t0, events: e.state.view.position, commits: commits() };
  // Live heap after a full GC (the child runs with --expose-gc), less the heap before the server started.
  const heapPerNode = async () => {
    await e.settle();
    (globalThis as { gc?: () => void }).gc?.();
    return Math.max(process.memoryUsage().heapUsed - emptyHeap, 0) / nodes;
  };
  const joined = await heapPerNode();

  const phase = async (act: () => Promise<unknown>, done: () => boolean): Promise<Phase> => {
    const p0 = e.state.view.position;
    const c0 = commits();
    const s = performance.now();
    await act();
    await waitFor(e, done, 600_000);
    return { ms: performance.now() - s, events: e.state.view.position - p0, commits: commits() - c0 };
  };
  const ds = () => e.state.view.daemonSet('default', 'nginx-ds');
  const rolledOut = (image: string) => () => {
    const d = ds();
    const s = d?.status;
    return Boolean(
      d && s && s.observedGeneration === d.metadata.generation && s.desiredNumberScheduled === nodes && s.updatedNumberScheduled === nodes &&
        s.numberAvailable === nodes && d.spec.template.spec.containers[0].image === image && e.state.view.podsIn('default').length === nodes,
    );
  };

  const manifest = decodeManifest(readFileSync(join(projectRoot(), 'infra/manifests/nginx-ds.yaml'), 'utf8'))[0] as DaemonSet;
  manifest.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%', maxSurge: 0 } };
  const image0 = manifest.spec.template.spec.containers[0].image!;
  // The path users take: kubectl create, set image, rollout undo, as the API admits them.
  const meta = { user: 'bench' };
  const create = await phase(() => api.create(DAEMONSETS_API, 'default', manifest, meta), rolledOut(image0));
  const created = await heapPerNode();
  const rollout = await phase(() => api.setImage('default', 'nginx-ds', { '*': 'nginx:1.9.1' }, meta), rolledOut('nginx:1.9.1'));
  const rolled = await heapPerNode();
  const undo = await phase(() => api.rolloutUndo('default', 'nginx-ds', 0, meta), rolledOut(image0));
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  await e.close();
  const bytes = logBytes(join(dir, 'events.sqlite'));
  rmSync(dir, { recursive: true, force: true });
  return { nodes, join: join_, create, rollout, undo, peakRssMiB, heapPerNode: { joined, created, rolled }, bytes };
};

const fmt = (p: Phase) => `${(p.ms / 1000).toFixed(2).padStart(7)} s ${String(p.events).padStart(8)} ev ${String(p.commits).padStart(7)} tx`;

const main = async () => {
  if (process.env.BENCH_CHILD) {
    const result = await runSize(Number(process.env.BENCH_CHILD));
    // Run by hand (a profile of one size): no parent to send to, so print it.
    if (process.send) process.send(result);
    else console.log(JSON.stringify({ ...result, bytes: undefined }));
    return;
  }
  const sizes = (process.env.BENCH_NODES ?? '1000,5000,10000').split(',').map(Number);
  console.log(`bench:controller — one DaemonSet, instant pods, SQLite log (synchronous=FULL), maxUnavailable 10%, ${new Date().toISOString()}`);
  console.log('nodes  | join nodes                     | create all pods                | rolling update                 | per node | undo                           | peak RSS | live heap per node: joined, pods created, rolled');
  const results: Result[] = [];
  for (const n of sizes) {
    const result = await new Promise<Result>((resolve, reject) => {
      const child = fork(__filename, [], { env: { ...process.env, BENCH_CHILD: String(n) }, execArgv: [...process.execArgv, '--expose-gc'] });
      child.on('message', (m) => resolve(m as Result));
      child.on('error', reject);
      child.on('exit', (code) => code !== 0 && reject(new Error(`size ${n} exited with ${code}`)));
    });
    results.push(result);
    const h = result.heapPerNode;
    const kb = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
    console.log(
      `${String(n).padStart(6)} | ${fmt(result.join)} | ${fmt(result.create)} | ${fmt(result.rollout)} | ${(result.rollout.ms / n).toFixed(3).padStart(5)} ms | ${fmt(result.undo)} | ${result.peakRssMiB.toFixed(0).padStart(4)} MiB | ${kb(h.joined)}, ${kb(h.created)}, ${kb(h.rolled)}`,
    );
  }
  for (const { nodes, bytes: b } of results) {
    const perEvent = (n: number) => (n / b.events).toFixed(0);
    console.log(`\n${nodes} nodes: ${b.events} events, ${perEvent(b.fileBytes)} B/event in the SQLite file (pages in use), ${perEvent(b.payloadBytes)} B/event of payload (data + metadata), ${perEvent(b.dedupedPayloadBytes)} B/event with each distinct metadata once`);
    console.log('  type                           events   data/ev   meta/ev   share');
    for (const t of b.byType) {
      const share = ((100 * (t.data + t.metadata)) / b.payloadBytes).toFixed(1);
      console.log(`  ${String(t.type).padEnd(30)} ${String(t.count).padStart(7)} ${(t.data / t.count).toFixed(0).padStart(9)} ${(t.metadata / t.count).toFixed(0).padStart(9)} ${share.padStart(6)}%`);
    }
  }
  if (results.length > 1) {
    const base = results[0];
    console.log('\nrolling update cost per node (ms):', results.map((r) => `${r.nodes}: ${(r.rollout.ms / r.nodes).toFixed(3)}`).join(', '));
    console.log('growth vs smallest (time ratio / node ratio):', results.map((r) => `${r.nodes}: ${(r.rollout.ms / base.rollout.ms / (r.nodes / base.nodes)).toFixed(2)}`).join(', '));
  }
};

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
