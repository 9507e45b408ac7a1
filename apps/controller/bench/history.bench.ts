import 'reflect-metadata';
import { fork, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { decodeManifest } from '@daemonledger/domain';
import type { DaemonSet } from '@daemonledger/domain/api/types';
import { DAEMONSETS_API, LocalApi } from '../src/api/local-api';
import { loadConfig } from '../src/config/config';
import { startEmbedded, type Embedded } from '../src/embedded';
import { startServerProcess, type ServerProcess } from './server-process';
import { projectRoot } from '../src/infrastructure/paths';
import { SqliteEventStore } from '@daemonledger/event-store/sqlite/sqlite-event-store';
import { SqliteSnapshotStore } from '@daemonledger/event-store/sqlite/sqlite-snapshot-store';
import { History, Unparsed } from '@daemonledger/projections';
import { clusterUpcasters } from '../src/infrastructure/upcasters';
import { foldWithSnapshots } from '../../../libs/projections/bench/snapshot.bench';
import { wireJsonList, wireJsonListChunks } from '../src/api/http/wire-json';

/**
 * `npm run bench:history`: how looking into the past scales with the log.
 *
 * Builds a log with the controller workload (BENCH_HISTORY_NODES simulated
 * nodes, default 10,000, one DaemonSet, rolling updates at maxUnavailable
 * 10% with an undo every fifth) on the real SQLite file until it holds about
 * each size of BENCH_HISTORY_SIZES (default 1,000,000 and 3,000,000 events;
 * the same log grows from one size to the next). At each size, with the
 * builder stopped, it starts the built server (`npm start`'s main) on the log
 * and measures: restart to serving, a DaemonSet list, the list of every pod
 * and one pod (fieldSelector metadata.name) at BENCH_HISTORY_READS random
 * past positions (default 200) through the API, then the same reads in this
 * process on the stopped log (wall and CPU time); one rollout's audit; then,
 * offline, `npm run verify`'s check against raw better-sqlite3 reading every
 * row of the same file (the machine's ceiling for a full scan), and bytes
 * per event (the events' own pages, and the whole file with its snapshots).
 *
 * BENCH_HISTORY_DIR keeps the log there (grown or only measured, not
 * deleted); BENCH_HISTORY_SKIP_VERIFY=1 leaves verify out. BENCH_TASK=
 * resnapshot / inprocess with BENCH_DIR: rewrite a kept log's snapshots
 * with this code, or only run the in-process reads (to profile them).
 */
const NODES = Number(process.env.BENCH_HISTORY_NODES ?? 10_000);
const SIZES = (process.env.BENCH_HISTORY_SIZES ?? '1000000,3000000').split(',').map(Number);
const READS = Number(process.env.BENCH_HISTORY_READS ?? 200);
const root = projectRoot();

// ── Building the log (in a child process, like bench:controller) ─────────────

const waitFor = async (e: Embedded, done: () => boolean) => {
  const deadline = Date.now() + 600_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('history build timed out');
    await e.settle();
    if (!done()) await new Promise((r) => setTimeout(r, 5));
  }
};

interface BuildResult {
  head: number;
  rollouts: number;
  seconds: number;
}

/** Grows the log under `dir` to at least `target` events: rolling updates (every fifth an undo) of one DaemonSet. */
const build = async (dir: string, target: number): Promise<BuildResult> => {
  const config = loadConfig({ DATA_DIR: dir, SIM_NODES: String(NODES), SIM_POD_START_MS: '0', SIM_POD_STOP_MS: '0', LOG_LEVEL: 'error' });
  const t0 = performance.now();
  const e = await startEmbedded({ config, podStopMs: 0 });
  const api = e.app.get(LocalApi);
  await waitFor(e, () => e.state.view.nodes.size === NODES);
  const ds = () => e.state.view.daemonSet('default', 'nginx-ds');
  const rolledOut = (image: string) => () => {
    const d = ds();
    const s = d?.status;
    return Boolean(
      d && s && s.observedGeneration === d.metadata.generation && s.updatedNumberScheduled === NODES && s.numberAvailable === NODES &&
        d.spec.template.spec.containers[0].image === image && e.state.view.podsIn('default').length === NODES,
    );
  };
  const meta = { user: 'bench' };
  if (!ds()) {
    const manifest = decodeManifest(readFileSync(join(root, 'infra/manifests/nginx-ds.yaml'), 'utf8'))[0] as DaemonSet;
    manifest.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%', maxSurge: 0 } };
    await api.create(DAEMONSETS_API, 'default', manifest, meta);
    await waitFor(e, rolledOut(manifest.spec.template.spec.containers[0].image!));
  }
  let rollouts = 0;
  while (e.state.view.position < target) {
    const n = e.state.view.rolloutsOf('default', 'nginx-ds').length + 1;
    if (n % 5 === 0) {
      await api.rolloutUndo('default', 'nginx-ds', 0, meta);
      await waitFor(e, () => {
        const d = ds();
        return Boolean(d && e.state.view.rolloutsOf('default', 'nginx-ds').length >= n && rolledOut(d.spec.template.spec.containers[0].image!)());
      });
    } else {
      // A repository the simulated registry does not list pulls any tag (the catalog lists only real nginx tags).
      const image = `registry.bench.local/agent:v${n}`;
      await api.setImage('default', 'nginx-ds', { '*': image }, meta);
      await waitFor(e, rolledOut(image));
    }
    rollouts++;
  }
  const head = e.state.view.position;
  await e.close();
  return { head, rollouts, seconds: (performance.now() - t0) / 1000 };
};

// ── Measuring through the API ────────────────────────────────────────────────

type Server = ServerProcess;
const startServer = (dir: string) => startServerProcess(dir, NODES);

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

const get = (s: Server, path: string, accept = 'application/json') =>
  new Promise<{ status: number; text: string; ms: number }>((resolve, reject) => {
    const t = performance.now();
    const req = request(`${s.url}${path}`, { agent, ca: s.ca, headers: { Authorization: `Bearer ${s.token}`, Accept: accept } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t }));
    });
    req.on('error', reject);
    req.end();
  });

const ok = async (s: Server, path: string) => {
  const r = await get(s, path);
  if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.text.slice(0, 300)}`);
  return r;
};

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const dist = (xs: number[]) => ({ p50: percentile(xs, 50), p99: percentile(xs, 99) });

interface Measured {
  size: number;
  head: number;
  restartMs: number;
  dsList: { p50: number; p99: number };
  podList: { p50: number; p99: number; items: number };
  livePodList: { p50: number; p99: number };
  onePod: { p50: number; p99: number };
  auditMs: number;
  auditEntries: number;
  inProcess: Awaited<ReturnType<typeof measureInProcess>>;
  verify: { ok: boolean; ms: number; events: number };
  rawReadAllMs: number;
  bytesPerEvent: { events: number; file: number };
}

/** Deterministic positions (xorshift), so two runs read the same past. */
const positions = (head: number, n: number) => {
  let x = 0x2545f491;
  return Array.from({ length: n }, () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return 1 + ((x >>> 0) % head);
  });
};

const exact = (p: number) => `resourceVersion=${p}&resourceVersionMatch=Exact`;

const measureApi = async (dir: string) => {
  const t0 = performance.now();
  const s = await startServer(dir);
  const restartMs = performance.now() - t0;
  try {
    const live = JSON.parse((await ok(s, '/apis/apps/v1/namespaces/default/daemonsets')).text);
    const head = Number(live.metadata.resourceVersion);
    // The ceiling for a past list through the API: the live list of the same pods, served from cached bytes.
    const livePods: number[] = [];
    for (let i = 0; i < Math.max(10, READS / 10); i++) livePods.push((await ok(s, '/api/v1/namespaces/default/pods')).ms);
    const ds: number[] = [];
    const pods: number[] = [];
    const one: number[] = [];
    let items = 0;
    for (const p of positions(head, READS)) {
      ds.push((await ok(s, `/apis/apps/v1/namespaces/default/daemonsets?${exact(p)}`)).ms);
      const list = await ok(s, `/api/v1/namespaces/default/pods?${exact(p)}`);
      pods.push(list.ms);
      const names: string[] = (JSON.parse(list.text).items as { metadata: { name: string } }[]).map((i) => i.metadata.name);
      items = Math.max(items, names.length);
      const name = names[p % Math.max(1, names.length)] ?? 'nginx-ds-none';
      one.push((await ok(s, `/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3D${name}&${exact(p)}`)).ms);
    }
    // The newest rollout, by number; a Table (a JSON list would carry every kept per-node timeline).
    const table = JSON.parse((await get(s, '/apis/ledger.daemonledger.io/v1/namespaces/default/rollouts', TABLE)).text) as { rows: { cells: unknown[] }[] };
    const last = table.rows.map((r) => String(r.cells[0])).sort((a, b) => Number(a.split('-').pop()) - Number(b.split('-').pop())).pop();
    const audit = last ? await ok(s, `/apis/ledger.daemonledger.io/v1/namespaces/default/rollouts/${last}/audit`) : undefined;
    return {
      head,
      restartMs,
      dsList: dist(ds),
      podList: { ...dist(pods), items },
      livePodList: dist(livePods),
      onePod: dist(one),
      auditMs: audit?.ms ?? NaN,
      auditEntries: audit ? (JSON.parse(audit.text).entries as unknown[]).length : 0,
    };
  } finally {
    s.child.kill('SIGTERM');
    await new Promise((r) => s.child.once('exit', r));
  }
};

/**
 * The same past reads in this process, on the stopped log, without HTTP:
 * what producing each answer costs (the view at P, then its JSON bytes as
 * the API encodes them), against what the API adds (TLS, the socket, the
 * client). A History like the server's (three views kept).
 */
const measureInProcess = async (file: string, head: number) => {
  const store = new SqliteEventStore({ file, upcasters: clusterUpcasters(), verifyOnOpen: false });
  const snapshots = new SqliteSnapshotStore({ file });
  const history = new History(store, { snapshots });
  // Wall time, and the CPU time the process spent (its threads, zlib's included): on a busy machine the first waits for cores, the second less so.
  const wall = { ds: [] as number[], pods: [] as number[], one: [] as number[] };
  const cpu = { ds: [] as number[], pods: [] as number[], one: [] as number[] };
  const timed = async <T>(into: keyof typeof wall, work: () => Promise<T>): Promise<T> => {
    const c = process.cpuUsage();
    const t = performance.now();
    const out = await work();
    wall[into].push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu[into].push((used.user + used.system) / 1000);
    return out;
  };
  const meta = (p: number) => ({ resourceVersion: String(p) });
  let bytes = 0;
  try {
    for (const p of positions(head, READS)) {
      await timed('ds', async () => Buffer.from(wireJsonList({ kind: 'DaemonSetList', apiVersion: 'apps/v1', metadata: meta(p) }, (await history.viewAt(p, 'daemonset')).allDaemonSets())));
      const all = await timed('pods', async () => {
        const pods = (await history.viewAt(p, 'pod')).podsAsStored('default');
        // Chunks ready for one corked write, as the server sends them.
        const body = wireJsonListChunks({ kind: 'PodList', apiVersion: 'v1', metadata: meta(p) }, pods.map(({ pod }) => (pod instanceof Unparsed ? pod.bytes : pod)));
        bytes = Math.max(bytes, body.reduce((n, b) => n + b.length, 0));
        return pods;
      });
      const name = all[p % Math.max(1, all.length)]?.name ?? 'nginx-ds-none';
      await timed('one', async () => {
        const pod = (await history.objectAt(p, 'pod', 'default', name)).pod('default', name);
        return Buffer.from(wireJsonList({ kind: 'PodList', apiVersion: 'v1', metadata: meta(p) }, pod ? [pod] : []));
      });
    }
  } finally {
    await snapshots.close();
    await store.close();
  }
  return {
    dsList: { ...dist(wall.ds), cpu: dist(cpu.ds) },
    podList: { ...dist(wall.pods), cpu: dist(cpu.pods), bytes },
    onePod: { ...dist(wall.one), cpu: dist(cpu.one) },
  };
};

/** The ceiling of a full scan: raw better-sqlite3 stepping over every row of the events table, every column. */
const rawReadAll = (file: string) => {
  const db = new Database(file, { readonly: true });
  const t = performance.now();
  let n = 0;
  for (const row of db.prepare('SELECT * FROM events ORDER BY position').raw().iterate()) if (row) n++;
  const ms = performance.now() - t;
  db.close();
  return { ms, rows: n };
};

const bytesPerEvent = (file: string, head: number) => {
  const db = new Database(file, { readonly: true });
  const pages = db.prepare(`SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name`).all() as { name: string; bytes: number }[];
  db.close();
  // The log proper: events, their indexes, and what rows refer to (interned streams and types, shared metadata); not the snapshots.
  const log = (name: string) => /^(events|streams|event_types|shared_metadata)(_|$)/.test(name) || /^sqlite_autoindex_(events|streams|event_types|shared_metadata)_/.test(name);
  const events = pages.filter((p) => log(p.name)).reduce((a, p) => a + p.bytes, 0);
  const fileBytes = statSync(file).size + (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);
  return { events: events / head, file: fileBytes / head };
};

/** `npm run verify` on the stopped log, timed from outside. */
const runVerify = (dir: string) =>
  new Promise<{ ok: boolean; ms: number; events: number }>((resolve, reject) => {
    const t = performance.now();
    const child = spawn(process.execPath, [join(root, 'dist/apps/controller/src/verify.js')], { env: { ...process.env, DATA_DIR: dir }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.on('error', reject);
    child.on('exit', (code) => {
      const m = /([\d,]+) events/.exec(out);
      resolve({ ok: code === 0, ms: performance.now() - t, events: m ? Number(m[1].replace(/,/g, '')) : NaN });
    });
  });

const inChild = <T>(task: string, dir: string, arg: number): Promise<T> =>
  new Promise((resolve, reject) => {
    const child = fork(__filename, [], { env: { ...process.env, BENCH_TASK: task, BENCH_DIR: dir, BENCH_ARG: String(arg) } });
    child.on('message', (m) => resolve(m as T));
    child.on('error', reject);
    child.on('exit', (code) => code !== 0 && reject(new Error(`${task} exited with ${code}`)));
  });

const ms = (x: number) => `${x.toFixed(1)} ms`;

const main = async () => {
  if (process.env.BENCH_TASK === 'build') {
    process.send!(await build(process.env.BENCH_DIR!, Number(process.env.BENCH_ARG)));
    return;
  }
  if (process.env.BENCH_TASK === 'resnapshot') {
    // A log kept from a run of other projection code: its snapshots are ignored; fold it once and write this code's, every 10,000 events as the server does.
    const file = join(process.env.BENCH_DIR!, 'events.sqlite');
    const store = new SqliteEventStore({ file, upcasters: clusterUpcasters(), verifyOnOpen: false });
    const snapshots = new SqliteSnapshotStore({ file });
    for (const ref of await snapshots.list()) await snapshots.delete(ref);
    const t = performance.now();
    const { writes } = await foldWithSnapshots(store, snapshots, 10_000);
    console.log(`${writes.length} snapshots written in ${((performance.now() - t) / 1000).toFixed(0)} s`);
    await snapshots.close();
    await store.close();
    return;
  }
  if (process.env.BENCH_TASK === 'inprocess') {
    // Only the in-process past reads, on the log kept in BENCH_DIR (to profile them: node --cpu-prof).
    const file = join(process.env.BENCH_DIR!, 'events.sqlite');
    const db = new Database(file, { readonly: true });
    const head = db.prepare('SELECT max(position) FROM events').pluck().get() as number;
    db.close();
    console.log(JSON.stringify({ head, ...(await measureInProcess(file, head)) }));
    return;
  }
  // BENCH_HISTORY_DIR: grow (or just measure) a log kept there between runs, instead of a fresh one deleted at the end.
  const kept = process.env.BENCH_HISTORY_DIR;
  const dir = kept ?? mkdtempSync(join(tmpdir(), 'daemonledger-history-'));
  const file = join(dir, 'events.sqlite');
  console.log(`bench:history — ${NODES} nodes, one DaemonSet, maxUnavailable 10%, sizes ${SIZES.join(', ')}, ${READS} past reads each, ${new Date().toISOString()}`);
  const results: Measured[] = [];
  try {
    for (const size of SIZES) {
      const built = await inChild<BuildResult>('build', dir, size);
      console.log(`built ${built.head} events (${built.rollouts} more rollouts) in ${built.seconds.toFixed(0)} s`);
      const api = await measureApi(dir);
      const inProcess = await measureInProcess(file, api.head);
      const verify = process.env.BENCH_HISTORY_SKIP_VERIFY ? { ok: true, ms: NaN, events: NaN } : await runVerify(dir);
      const raw = rawReadAll(file);
      const m: Measured = { size, ...api, inProcess, verify, rawReadAllMs: raw.ms, bytesPerEvent: bytesPerEvent(file, api.head) };
      results.push(m);
      console.log(`\n${m.head} events:`);
      console.log(`  restart to serving           ${ms(m.restartMs)}`);
      console.log(`  DaemonSet list at past P     p50 ${ms(m.dsList.p50)}  p99 ${ms(m.dsList.p99)}`);
      console.log(`  every pod (≤${m.podList.items}) at past P  p50 ${ms(m.podList.p50)}  p99 ${ms(m.podList.p99)}`);
      console.log(`  every pod, live (the ceiling) p50 ${ms(m.livePodList.p50)}  p99 ${ms(m.livePodList.p99)}`);
      console.log(`  one pod at past P            p50 ${ms(m.onePod.p50)}  p99 ${ms(m.onePod.p99)}`);
      console.log(`  in process (view at P + JSON bytes, no HTTP):`);
      const cpuOf = (d: { cpu: { p50: number; p99: number } }) => `(CPU p50 ${ms(d.cpu.p50)}  p99 ${ms(d.cpu.p99)})`;
      console.log(`    DaemonSet list at past P   p50 ${ms(m.inProcess.dsList.p50)}  p99 ${ms(m.inProcess.dsList.p99)} ${cpuOf(m.inProcess.dsList)}`);
      console.log(`    every pod at past P        p50 ${ms(m.inProcess.podList.p50)}  p99 ${ms(m.inProcess.podList.p99)} ${cpuOf(m.inProcess.podList)}, ≤ ${(m.inProcess.podList.bytes / 1e6).toFixed(1)} MB`);
      console.log(`    one pod at past P          p50 ${ms(m.inProcess.onePod.p50)}  p99 ${ms(m.inProcess.onePod.p99)} ${cpuOf(m.inProcess.onePod)}`);
      console.log(`  one rollout's audit          ${ms(m.auditMs)} (${m.auditEntries} entries)`);
      console.log(`  verify                       ${m.verify.ok ? 'OK' : 'VIOLATION'} in ${ms(m.verify.ms)} (${(m.head / (m.verify.ms / 1000)).toFixed(0)} ev/s); raw read-all ${ms(m.rawReadAllMs)} (${(raw.rows / (m.rawReadAllMs / 1000)).toFixed(0)} ev/s); ratio ${(m.rawReadAllMs / m.verify.ms).toFixed(2)}`);
      console.log(`  bytes per event              ${m.bytesPerEvent.events.toFixed(0)} B (events table and its indexes), ${m.bytesPerEvent.file.toFixed(0)} B (whole file, snapshots included)`);
    }
    if (results.length > 1) {
      const [a, b] = [results[0], results[results.length - 1]];
      console.log(`\ngrowth ${a.head} → ${b.head} events: restart ×${(b.restartMs / a.restartMs).toFixed(2)}, pod list p99 ×${(b.podList.p99 / a.podList.p99).toFixed(2)}, one pod p99 ×${(b.onePod.p99 / a.onePod.p99).toFixed(2)}, DaemonSet list p99 ×${(b.dsList.p99 / a.dsList.p99).toFixed(2)}`);
      const cpu99 = (m: Measured, k: 'dsList' | 'podList' | 'onePod') => m.inProcess[k].cpu.p99;
      console.log(`  in process, CPU p99: pod list ×${(cpu99(b, 'podList') / cpu99(a, 'podList')).toFixed(2)}, one pod ×${(cpu99(b, 'onePod') / cpu99(a, 'onePod')).toFixed(2)}, DaemonSet list ×${(cpu99(b, 'dsList') / cpu99(a, 'dsList')).toFixed(2)}`);
    }
  } finally {
    if (!kept) rmSync(dir, { recursive: true, force: true });
  }
};

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
