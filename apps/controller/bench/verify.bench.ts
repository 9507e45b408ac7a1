import { fork, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '@daemonledger/event-store/sqlite/sqlite-event-store';
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
 * user sees it); the same check in this process (`verifyLog`, start-up
 * excluded); and that again with the chain checked on the same thread (what
 * the second core buys). Prints the medians and each run's ratios.
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

/** `npm run verify`'s check in this process; `parallel: false` keeps the chain check on this thread (the design before the worker). */
const verifyInProcess = async (file: string, parallel: boolean) => {
  const store = new SqliteEventStore({ file, verifyOnOpen: false, parallelVerify: parallel });
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
    const subjects = ['raw better-sqlite3 read-all (ceiling)', '`npm run verify` (process, start-up included)', 'the same check in process', '  the same, chain check on one thread'];
    const times: number[][] = subjects.map(() => []);
    for (let r = 0; r < REPEATS; r++) {
      const a = rawReadAll(file);
      if (a.rows !== head) throw new Error(`raw read-all saw ${a.rows} rows, the head is ${head}`);
      const b = await verifyProcess(dir);
      if (!b.ok) throw new Error('npm run verify found a violation in the benchmark log');
      const checks = [await verifyInProcess(file, true), await verifyInProcess(file, false)];
      for (const c of checks) if (!c.ok || c.events !== head) throw new Error(`verify in process: ok ${c.ok}, ${c.events} of ${head} events`);
      [a.ms, b.ms, checks[0].ms, checks[1].ms].forEach((ms, k) => times[k].push(ms));
      process.stderr.write(`  run ${r + 1}/${REPEATS}: ${subjects.map((s, k) => `${s.trim()} ${times[k][r].toFixed(0)} ms`).join(', ')}\n`);
    }
    console.log(`\nverify benchmark — ${head.toLocaleString('en-US')} events, median of ${REPEATS}, ${cpus().length} cores, ${cpus()[0]?.model ?? '?'}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`);
    console.log('| | ms | events/s | ratio to raw read-all | ratio run by run |');
    console.log('|---|---:|---:|---:|---:|');
    const rawMs = median(times[0]);
    subjects.forEach((s, k) => {
      const ms = median(times[k]);
      // Each run's own ratio: the ceiling and the check ran back to back, so load that changes between runs weighs less.
      const perRun = times[k].map((t, r) => times[0][r] / t);
      console.log(`| ${s.trim()} | ${ms.toFixed(0)} | ${rate(head, ms)} | ${(rawMs / ms).toFixed(2)} | ${perRun.map((x) => x.toFixed(2)).join(', ')} |`);
    });
    console.log(`\ntarget: npm run verify ≥ 0.6 of raw read-all.`);
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
};

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
