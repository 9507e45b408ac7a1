/**
 * Event store throughput, side by side in one run (issue #8 §8): the SQLite
 * adapter (hash chain on, and off to show what the chain costs) and a peer,
 * evtstore 12 (knex + better-sqlite3), against a raw better-sqlite3 ceiling,
 * all with the same durability (WAL, synchronous=FULL). Not a test.
 * `npm run bench:store`; BENCH_EVENTS=20000 shrinks the run.
 *
 * The ceiling is the least a stream store can do with better-sqlite3: the
 * minimal table (position INTEGER PRIMARY KEY, stream, revision, type, data;
 * one unique index on (stream, revision)), one prepared INSERT per event in
 * one transaction per call, JSON.stringify on write, JSON.parse into a plain
 * event on read, revisions tracked in a Map. No ids, no metadata, no times,
 * no checks: every cost of the adapter's design shows in its ratio.
 *
 * The workload: events of ~300 bytes of data over 1,000 streams, written in
 * a stream-interleaved order. Every append call is one command: its events
 * share one metadata object, and their ids are made at append time in append
 * order with UUIDv7 (what the controller does). "1 event/call" is bound by
 * one fsync per commit, so it runs on the first 10,000 events only.
 * bytes/event: the file's size after the 100-events/call phase, closed.
 * The subjects take turns every few calls (see `interleaved`), so load from
 * other work on the machine weighs on all of them alike.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { EventStore, NewEvent } from '../src/event-store.port';
import { timeOrderedUuid } from '../src/internal/uuid';
import { SqliteEventStore } from '../src/sqlite/sqlite-event-store';
import { evtstorePeer } from './evtstore-peer';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const SINGLE = Math.min(EVENTS, 10_000);
const BATCH = 100;
/** 1,000 streams of 100 events; a smaller run keeps batches of 100 with fewer streams. */
const STREAMS = Math.max(1, Math.min(1000, Math.floor(EVENTS / BATCH)));
const PAGE = 1000;
const REPEATS = 3;

type Scenario = 'append x1' | 'append x100' | 'read streams' | 'read all' | 'bytes/event';
const SCENARIOS: Scenario[] = ['append x1', 'append x100', 'read streams', 'read all', 'bytes/event'];

/** What a subject appends: the stream, and the plain event without an id (made at append time). */
export interface BenchEvent {
  type: string;
  data: Record<string, unknown>;
}

export interface Subject {
  name: string;
  /** Fresh, empty store in `file`. */
  open(file: string): Promise<void>;
  append(streamId: string, events: NewEvent[]): Promise<void>;
  /** Number of events read back from the stream. */
  readStream(streamId: string): Promise<number>;
  /** One page of the global order after `from`: how many events, and the last one's position. */
  readPage(from: number, max: number): Promise<{ n: number; last: number }>;
  close(): Promise<void>;
}

const streamName = (i: number) => `pod-bench.daemon-${String(i % STREAMS).padStart(4, '0')}`;

const makeEvents = (): { streamId: string; event: BenchEvent }[] =>
  Array.from({ length: EVENTS }, (_, i) => ({
    streamId: streamName(i),
    event: {
      type: 'PodPhaseChanged',
      data: {
        pod: { namespace: 'kube-system', name: `fluentd-${i.toString(36).padStart(6, '0')}` },
        node: `worker-${i % 250}`,
        phase: i % 3 === 0 ? 'Running' : 'Pending',
        reason: 'ContainersReady',
        message: 'containers with unready status: [fluentd] — waiting for the image pull to complete on node',
        templateHash: '6b9c7f5d84',
        generation: 3,
        observedAt: '2024-05-01T12:00:00.000Z',
      },
    },
  }));

const aCommand = () => ({ correlationId: randomUUID(), causationId: randomUUID(), actor: 'node-agent:worker-1', wallTime: '2024-05-01T12:00:00.000Z' });

/** The calls of one phase, ids assigned in append order (outside the timing, the same for every subject). */
const calls = (groups: [string, BenchEvent[]][]): [string, NewEvent[]][] =>
  groups.map(([s, es]) => {
    const metadata = aCommand();
    return [s, es.map((e) => ({ id: timeOrderedUuid(), type: e.type, data: e.data, metadata }))];
  });

const adapter = (name: string, create: (file: string) => EventStore): Subject => {
  let store: EventStore;
  return {
    name,
    open: async (file) => void (store = create(file)),
    append: async (streamId, es) => void (await store.append(streamId, es)),
    readStream: async (streamId) => (await store.readStream(streamId)).length,
    readPage: async (from, max) => {
      const events = await store.readAll({ fromPosition: from, maxCount: max });
      return { n: events.length, last: events.at(-1)?.position ?? from };
    },
    close: () => store.close(),
  };
};

const raw = (): Subject => {
  let db: Database.Database;
  let insert: Database.Statement;
  let byStream: Database.Statement;
  let all: Database.Statement;
  let revisions: Map<string, number>;
  let tx: (s: string, es: NewEvent[]) => void;
  type Row = [number, string, number, string, string];
  const toEvent = (r: Row) => ({ position: r[0], streamId: r[1], revision: r[2], type: r[3], data: JSON.parse(r[4]) });
  return {
    name: 'raw better-sqlite3, minimal table',
    open: async (file) => {
      db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY, stream TEXT NOT NULL, revision INTEGER NOT NULL,
        type TEXT NOT NULL, data TEXT NOT NULL);
        CREATE UNIQUE INDEX events_stream_revision ON events (stream, revision);`);
      insert = db.prepare('INSERT INTO events (stream, revision, type, data) VALUES (?, ?, ?, ?)');
      byStream = db.prepare('SELECT position, stream, revision, type, data FROM events WHERE stream = ? ORDER BY revision').raw();
      all = db.prepare('SELECT position, stream, revision, type, data FROM events WHERE position > ? ORDER BY position LIMIT ?').raw();
      revisions = new Map();
      tx = db.transaction((streamId: string, es: NewEvent[]) => {
        let rev = revisions.get(streamId) ?? -1;
        for (const e of es) insert.run(streamId, ++rev, e.type, JSON.stringify(e.data));
        revisions.set(streamId, rev);
      });
    },
    append: async (s, es) => tx(s, es),
    readStream: async (s) => (byStream.all(s) as Row[]).map(toEvent).length,
    readPage: async (from, max) => {
      const events = (all.all(from, max) as Row[]).map(toEvent);
      return { n: events.length, last: events.at(-1)?.position ?? from };
    },
    close: async () => void db.close(),
  };
};

const fileBytes = (file: string) => [file, `${file}-wal`].reduce((n, f) => n + (existsSync(f) ? statSync(f).size : 0), 0);

/**
 * Runs `steps` for every subject in slices of `slice` steps, the subjects
 * taking turns slice by slice (in a rotating order), and returns each
 * subject's summed time. On a shared machine load comes and goes within
 * seconds: taking turns every few milliseconds makes every subject see the
 * same machine, where running one after the other would not.
 */
const interleaved = async (subjects: Subject[], steps: number, slice: number, step: (s: Subject, i: number) => Promise<void>): Promise<number[]> => {
  const times = subjects.map(() => 0);
  for (let from = 0, turn = 0; from < steps; from += slice, turn++) {
    for (let k = 0; k < subjects.length; k++) {
      const index = (k + turn) % subjects.length;
      const t = process.hrtime.bigint();
      for (let i = from; i < Math.min(steps, from + slice); i++) await step(subjects[index], i);
      times[index] += Number(process.hrtime.bigint() - t) / 1e9;
    }
  }
  return times;
};

/** One repetition of every scenario, for all subjects side by side, on fresh files. */
const runOnce = async (subjects: Subject[], events: ReturnType<typeof makeEvents>, dir: string): Promise<Record<Scenario, number>[]> => {
  const rates = subjects.map(() => ({}) as Record<Scenario, number>);
  const singles = calls(events.slice(0, SINGLE).map(({ streamId, event }) => [streamId, [event]]));
  for (const s of subjects) await s.open(join(dir, `${randomUUID()}.db`));
  (await interleaved(subjects, singles.length, 50, (s, i) => s.append(...singles[i]))).forEach((t, k) => (rates[k]['append x1'] = SINGLE / t));
  for (const s of subjects) await s.close();

  // Batches of 100 from one stream at a time, streams interleaved through the file.
  const byStream = new Map<string, BenchEvent[]>();
  for (const { streamId, event } of events) (byStream.get(streamId) ?? byStream.set(streamId, []).get(streamId)!).push(event);
  const groups: [string, BenchEvent[]][] = [];
  const lists = [...byStream.entries()];
  for (let offset = 0; groups.length * BATCH < EVENTS; offset += BATCH) {
    for (const [s, list] of lists) if (offset < list.length) groups.push([s, list.slice(offset, offset + BATCH)]);
  }
  const batches = calls(groups);
  const files = subjects.map(() => join(dir, `${randomUUID()}.db`));
  for (const [k, s] of subjects.entries()) await s.open(files[k]);
  (await interleaved(subjects, batches.length, 10, (s, i) => s.append(...batches[i]))).forEach((t, k) => (rates[k]['append x100'] = EVENTS / t));

  const streams = [...byStream.keys()];
  const read = subjects.map(() => 0);
  const streamTimes = await interleaved(subjects, streams.length, 20, async (s, i) => {
    read[subjects.indexOf(s)] += await s.readStream(streams[i]);
  });
  streamTimes.forEach((t, k) => (rates[k]['read streams'] = read[k] / t));
  for (const [k, s] of subjects.entries()) if (read[k] !== EVENTS) throw new Error(`${s.name} read ${read[k]} of ${EVENTS} events from streams`);

  const cursor = subjects.map(() => ({ from: 0, n: 0 }));
  const pages = Math.ceil(EVENTS / PAGE) + 1;
  const allTimes = await interleaved(subjects, pages, 5, async (s) => {
    const c = cursor[subjects.indexOf(s)];
    const page = await s.readPage(c.from, PAGE);
    c.n += page.n;
    c.from = page.last;
  });
  allTimes.forEach((t, k) => (rates[k]['read all'] = cursor[k].n / t));
  for (const [k, s] of subjects.entries()) if (cursor[k].n !== EVENTS) throw new Error(`${s.name} read ${cursor[k].n} of ${EVENTS} events in global order`);
  for (const s of subjects) await s.close();
  files.forEach((f, k) => (rates[k]['bytes/event'] = fileBytes(f) / EVENTS));
  return rates;
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const main = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'daemonledger-bench-'));
  try {
    const events = makeEvents();
    const subjects = [
      raw(),
      adapter('DaemonLedger SQLite adapter', (file) => new SqliteEventStore({ file })),
      adapter('  the same, hash chain off', (file) => new SqliteEventStore({ file, hashChain: false })),
      evtstorePeer(),
    ];
    const results = new Map<string, Record<Scenario, number>[]>(subjects.map((s) => [s.name, []]));
    for (let r = 0; r < REPEATS; r++) {
      const rates = await runOnce(subjects, events, dir);
      subjects.forEach((s, k) => {
        results.get(s.name)!.push(rates[k]);
        process.stderr.write(`  run ${r + 1}/${REPEATS} ${s.name.trim()}: ${SCENARIOS.map((sc) => `${sc} ${fmt(rates[k][sc])}`).join(', ')}\n`);
      });
    }
    const med = (name: string, sc: Scenario) => median(results.get(name)!.map((x) => x[sc]));
    const ceiling = subjects[0].name;
    console.log(`\nevent store benchmark — ${EVENTS.toLocaleString('en-US')} events (~300-byte data), ${STREAMS} streams interleaved,`);
    console.log(`WAL + synchronous=FULL, median of ${REPEATS}, events/s (ratio to the ceiling); 1 event/call on the first ${SINGLE.toLocaleString('en-US')};`);
    console.log(`${cpus().length} cores, ${cpus()[0]?.model ?? '?'}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`);
    console.log('| | 1 event/call | 100 events/call | read streams | read all | bytes/event |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const s of subjects) {
      const cells = SCENARIOS.map((sc) => {
        const value = med(s.name, sc);
        if (sc === 'bytes/event' || s.name === ceiling) return fmt(value);
        return `${fmt(value)} (${(value / med(ceiling, sc)).toFixed(2)})`;
      });
      console.log(`| ${s.name.trim()} | ${cells.join(' | ')} |`);
    }
    const on = med(subjects[1].name, 'append x100');
    const off = med(subjects[2].name, 'append x100');
    console.log(`\nhash chain: 100 events/call ${fmt(on)} with, ${fmt(off)} without (${((1 - on / off) * 100).toFixed(0)}% of the throughput);`);
    // Each run's own ratio too: its subjects took turns on the same machine, so load that changes between runs cancels out.
    const perRun = results.get(subjects[1].name)!.map((x, r) => x['append x100'] / results.get(ceiling)![r]['append x100']);
    console.log(`batched appends at ${(on / med(ceiling, 'append x100')).toFixed(2)} of the ceiling (target ≥ 0.75); run by run ${perRun.map((x) => x.toFixed(2)).join(', ')}, median ${median(perRun).toFixed(2)}.`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
