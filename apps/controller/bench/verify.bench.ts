import { fork, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
 * Then, BENCH_VERIFY_REPEATS times (default 3), taking turns: the raw read-all (SELECT * stepped row by
 * row, nothing decoded: the machine's ceiling for a full scan); `npm run
 * verify` as a process, timed from spawn to exit (start-up included, as a
 * user sees it); the same check in this process (`verifyLog`, start-up
 * excluded); and that again with the chain checked on the same thread (what
 * the second core buys). Prints the medians and each run's ratios, and,
 * on Linux, the CPU time of the busiest thread of each in-process subject:
 * what it would take on a bare machine with a core per thread, which a
 * machine shared with other work does not show in wall time.
 */
const EVENTS = Number(process.env.BENCH_VERIFY_EVENTS ?? 500_000);
const NODES = Number(process.env.BENCH_VERIFY_NODES ?? 2_000);
const REPEATS = Number(process.env.BENCH_VERIFY_REPEATS ?? 3);
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

/** CPU ms of each thread of this process so far (Linux /proc; empty elsewhere). */
const threadCpu = (): Map<string, number> => {
  const out = new Map<string, number>();
  if (!existsSync('/proc/self/task')) return out;
  const tick = 10; // USER_HZ is 100 on Linux
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
      out.set(tid, (Number(fields[11]) + Number(fields[12])) * tick);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
};

/**
 * Runs `f` and returns the CPU time of its busiest thread: on a machine
 * shared with other work, wall time says how much of a core a thread got,
 * this what it needed — about the wall time on the bare machine, when each
 * thread has a core. Threads that end during `f` (the chain worker) are
 * sampled every 20 ms.
 */
const busiestThread = async <T>(f: () => Promise<T> | T): Promise<{ value: T; cpuMs: number }> => {
  const before = threadCpu();
  let seen = new Map(before);
  const sample = setInterval(() => (seen = new Map([...seen, ...threadCpu()])), 20);
  try {
    const value = await f();
    const after = new Map([...seen, ...threadCpu()]);
    return { value, cpuMs: Math.max(0, ...[...after].map(([tid, ms]) => ms - (before.get(tid) ?? 0))) };
  } finally {
    clearInterval(sample);
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
    /** Busiest thread's CPU ms of the raw read and the two in-process checks (undefined for the child process). */
    const cpu: (number | undefined)[][] = subjects.map(() => []);
    for (let r = 0; r < REPEATS; r++) {
      const a = await busiestThread(() => rawReadAll(file));
      if (a.value.rows !== head) throw new Error(`raw read-all saw ${a.value.rows} rows, the head is ${head}`);
      const b = await verifyProcess(dir);
      if (!b.ok) throw new Error('npm run verify found a violation in the benchmark log');
      const checks = [await busiestThread(() => verifyInProcess(file, true)), await busiestThread(() => verifyInProcess(file, false))];
      for (const c of checks) if (!c.value.ok || c.value.events !== head) throw new Error(`verify in process: ok ${c.value.ok}, ${c.value.events} of ${head} events`);
      [a.value.ms, b.ms, checks[0].value.ms, checks[1].value.ms].forEach((ms, k) => times[k].push(ms));
      [a.cpuMs, undefined, checks[0].cpuMs, checks[1].cpuMs].forEach((ms, k) => cpu[k].push(ms));
      process.stderr.write(`  run ${r + 1}/${REPEATS}: ${subjects.map((s, k) => `${s.trim()} ${times[k][r].toFixed(0)} ms`).join(', ')}\n`);
    }
    console.log(`\nverify benchmark — ${head.toLocaleString('en-US')} events, median of ${REPEATS}, ${cpus().length} cores, ${cpus()[0]?.model ?? '?'}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`);
    console.log('| | ms | events/s | ratio to raw read-all | ratio run by run | busiest thread, CPU ms (ratio) |');
    console.log('|---|---:|---:|---:|---:|---:|');
    const rawMs = median(times[0]);
    const rawCpu = median(cpu[0].map(Number));
    subjects.forEach((s, k) => {
      const ms = median(times[k]);
      // Each run's own ratio: the ceiling and the check ran back to back, so load that changes between runs weighs less.
      const perRun = times[k].map((t, r) => times[0][r] / t);
      const busy = cpu[k][0] === undefined || !rawCpu ? '–' : `${median(cpu[k].map(Number)).toFixed(0)} (${(rawCpu / median(cpu[k].map(Number))).toFixed(2)})`;
      console.log(`| ${s.trim()} | ${ms.toFixed(0)} | ${rate(head, ms)} | ${(rawMs / ms).toFixed(2)} | ${perRun.map((x) => x.toFixed(2)).join(', ')} | ${busy} |`);
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
