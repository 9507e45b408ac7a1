import { fork, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openEventStore } from '@daemonledger/event-store/open-event-store';
import { projectRoot } from '../src/infrastructure/paths';
import { verifyLog } from '../src/history/verify-log';

/**
 * `npm run bench:verify`: `npm run verify`'s throughput as a ratio to raw
 * better-sqlite3 reading every row of the same file, in the same run (issue
 * #8 §7's verify target, without bench:history's 25 minutes).
 *
 * Builds a log with the controller workload (bench:history's builder, run as
 * its `build` task in a child: BENCH_VERIFY_NODES simulated nodes, default
 * 2,000, rolling updates with an undo every fifth) until it holds at least
 * BENCH_VERIFY_EVENTS events (default 500,000), or reuses the log in
 * BENCH_VERIFY_DIR when it is big enough (a log it builds there is kept).
 * Then, three times, taking turns: the raw read-all (SELECT * stepped row by
 * row, nothing decoded: the machine's ceiling for a full scan); `npm run
 * verify` as a process, timed from spawn to exit (start-up included, as a
 * user sees it); and the same check in this process (`verifyLog`, start-up
 * excluded). Prints the medians.
 */
const EVENTS = Number(process.env.BENCH_VERIFY_EVENTS ?? 500_000);
const NODES = Number(process.env.BENCH_VERIFY_NODES ?? 2_000);
const REPEATS = 3;
const root = projectRoot();

const build = (dir: string) =>
  new Promise<{ head: number; seconds: number }>((resolve, reject) => {
    const child = fork(join(root, 'dist/apps/controller/bench/history.bench.js'), [], {
      env: { ...process.env, BENCH_TASK: 'build', BENCH_DIR: dir, BENCH_ARG: String(EVENTS), BENCH_HISTORY_NODES: String(NODES) },
    });
    child.on('message', (m) => resolve(m as { head: number; seconds: number }));
    child.on('error', reject);
    child.on('exit', (code) => code !== 0 && reject(new Error(`building the log exited with ${code}`)));
  });

const headOf = (file: string): number => {
  if (!existsSync(file)) return 0;
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT max(position) FROM events').pluck().get() as number | null) ?? 0;
  } finally {
    db.close();
  }
};

const rawReadAll = (file: string) => {
  const db = new Database(file, { readonly: true });
  const t = performance.now();
  let rows = 0;
  for (const row of db.prepare('SELECT * FROM events ORDER BY position').raw().iterate()) if (row) rows++;
  const ms = performance.now() - t;
  db.close();
  return { ms, rows };
};

const verifyProcess = (dir: string) =>
  new Promise<{ ms: number; ok: boolean }>((resolve, reject) => {
    const t = performance.now();
    const child = spawn(process.execPath, [join(root, 'dist/apps/controller/src/verify.js')], { env: { ...process.env, DATA_DIR: dir }, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ ms: performance.now() - t, ok: code === 0 }));
  });

const verifyInProcess = async (file: string) => {
  const store = await openEventStore({ kind: 'sqlite', file });
  try {
    const t = performance.now();
    const report = await verifyLog(store, { densePositions: true });
    return { ms: performance.now() - t, ok: report.ok, events: report.events };
  } finally {
    await store.close();
  }
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rate = (events: number, ms: number) => Math.round(events / (ms / 1000)).toLocaleString('en-US');

const main = async () => {
  const keep = process.env.BENCH_VERIFY_DIR;
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'daemonledger-verify-'));
  const file = join(dir, 'events.sqlite');
  try {
    if (headOf(file) < EVENTS) {
      const built = await build(dir);
      console.log(`built ${built.head.toLocaleString('en-US')} events (${NODES} nodes) in ${built.seconds.toFixed(0)} s`);
    }
    const head = headOf(file);
    const raw: number[] = [];
    const proc: number[] = [];
    const inProc: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const a = rawReadAll(file);
      if (a.rows !== head) throw new Error(`raw read-all saw ${a.rows} rows, the head is ${head}`);
      const b = await verifyProcess(dir);
      if (!b.ok) throw new Error('npm run verify found a violation in the benchmark log');
      const c = await verifyInProcess(file);
      if (!c.ok || c.events !== head) throw new Error(`verify in process: ok ${c.ok}, ${c.events} of ${head} events`);
      raw.push(a.ms);
      proc.push(b.ms);
      inProc.push(c.ms);
      process.stderr.write(`  run ${r + 1}/${REPEATS}: raw ${a.ms.toFixed(0)} ms, npm run verify ${b.ms.toFixed(0)} ms, in process ${c.ms.toFixed(0)} ms\n`);
    }
    const [rawMs, procMs, inMs] = [median(raw), median(proc), median(inProc)];
    console.log(`\nverify benchmark — ${head.toLocaleString('en-US')} events, median of ${REPEATS}, ${cpus().length} cores, ${cpus()[0]?.model ?? '?'}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`);
    console.log('| | ms | events/s | ratio to raw read-all |');
    console.log('|---|---:|---:|---:|');
    console.log(`| raw better-sqlite3 read-all (ceiling) | ${rawMs.toFixed(0)} | ${rate(head, rawMs)} | 1.00 |`);
    console.log(`| \`npm run verify\` (process, start-up included) | ${procMs.toFixed(0)} | ${rate(head, procMs)} | ${(rawMs / procMs).toFixed(2)} |`);
    console.log(`| the same check in process | ${inMs.toFixed(0)} | ${rate(head, inMs)} | ${(rawMs / inMs).toFixed(2)} |`);
    console.log(`\ntarget: npm run verify ≥ 0.6 of raw read-all.`);
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
};

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
