/**
 * Event store throughput: SQLite and memory adapters against a raw
 * better-sqlite3 ceiling with the same durability (WAL, synchronous=FULL).
 * Not a test. `npm run bench:store`; BENCH_EVENTS=20000 shrinks the run.
 *
 * The ceiling is the least any correct store must do with better-sqlite3:
 * the same one-table layout (rowid position, unique (stream_id, revision),
 * unique event_id — what reading a stream and idempotency need), one
 * transaction per append call, JSON.stringify of data and metadata on write,
 * JSON.parse into a plain event object on read, prepared statements, and
 * stream revisions tracked in a Map. No validation, no idempotency or
 * expected-revision checks, no upcasting.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { EventStore, NewEvent } from '../src/event-store.port';
import { MemoryEventStore } from '../src/memory/memory-event-store';
import { SqliteEventStore } from '../src/sqlite/sqlite-event-store';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const STREAMS = 1000;
const BATCH = 100;
const PAGE = 1000;
const REPEATS = 3;

type Scenario = 'append x1' | `append x${typeof BATCH}` | 'read streams' | 'read all';
const SCENARIOS: Scenario[] = ['append x1', `append x${BATCH}`, 'read streams', 'read all'];
const TARGETS: Record<Scenario, number> = { 'append x1': 0.8, [`append x${BATCH}`]: 0.75, 'read streams': 0.8, 'read all': 0.8 } as Record<Scenario, number>;

interface Subject {
  name: string;
  /** Fresh, empty store. */
  open(file: string): Promise<void>;
  appendOne(streamId: string, e: NewEvent): Promise<void>;
  appendBatch(streamId: string, es: NewEvent[]): Promise<void>;
  readStream(streamId: string): Promise<number>;
  /** Pages through the whole log; returns the number of events read. */
  readAll(): Promise<number>;
  close(): Promise<void>;
}

const streamName = (i: number) => `pod-bench.daemon-${String(i % STREAMS).padStart(4, '0')}`;

const makeEvents = (): { streamId: string; event: NewEvent }[] =>
  Array.from({ length: EVENTS }, (_, i) => ({
    streamId: streamName(i),
    event: {
      id: randomUUID(),
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
      metadata: { correlationId: randomUUID(), causationId: randomUUID(), actor: 'node-agent:worker-1', wallTime: '2024-05-01T12:00:00.000Z' },
    },
  }));

const adapter = (name: string, create: (file: string) => EventStore): Subject => {
  let store: EventStore;
  return {
    name,
    open: async (file) => void (store = create(file)),
    appendOne: async (streamId, e) => void (await store.append(streamId, [e])),
    appendBatch: async (streamId, es) => void (await store.append(streamId, es)),
    readStream: async (streamId) => (await store.readStream(streamId)).length,
    readAll: async () => {
      let n = 0;
      let from = 0;
      for (;;) {
        const page = await store.readAll({ fromPosition: from, maxCount: PAGE });
        n += page.length;
        if (page.length < PAGE) return n;
        from = page[page.length - 1].position;
      }
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
  type Row = [number, string, number, string, string, number, string, string, string];
  const toEvent = (r: Row) => ({
    position: r[0], streamId: r[1], revision: r[2], id: r[3], type: r[4], schemaVersion: r[5],
    data: JSON.parse(r[6]), metadata: JSON.parse(r[7]), recordedAt: r[8],
  });
  const write = (streamId: string, es: NewEvent[]) => {
    const at = new Date().toISOString();
    let rev = revisions.get(streamId) ?? -1;
    for (const e of es) insert.run(streamId, ++rev, e.id, e.type, 1, JSON.stringify(e.data), JSON.stringify(e.metadata), at);
    revisions.set(streamId, rev);
  };
  let tx: (s: string, es: NewEvent[]) => void;
  return {
    name: 'raw better-sqlite3',
    open: async (file) => {
      db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, revision INTEGER NOT NULL,
        event_id TEXT NOT NULL, type TEXT NOT NULL, schema_version INTEGER NOT NULL, data TEXT NOT NULL,
        metadata TEXT NOT NULL, recorded_at TEXT NOT NULL);
        CREATE UNIQUE INDEX events_stream_revision ON events (stream_id, revision);
        CREATE UNIQUE INDEX events_event_id ON events (event_id);`);
      insert = db.prepare('INSERT INTO events (stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      const cols = 'position, stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at';
      byStream = db.prepare(`SELECT ${cols} FROM events WHERE stream_id = ? ORDER BY revision`).raw();
      all = db.prepare(`SELECT ${cols} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw();
      revisions = new Map();
      tx = db.transaction(write);
    },
    appendOne: async (s, e) => tx(s, [e]),
    appendBatch: async (s, es) => tx(s, es),
    readStream: async (s) => (byStream.all(s) as Row[]).map(toEvent).length,
    readAll: async () => {
      let n = 0;
      let from = 0;
      for (;;) {
        const page = (all.all(from, PAGE) as Row[]).map(toEvent);
        n += page.length;
        if (page.length < PAGE) return n;
        from = page[page.length - 1].position;
      }
    },
    close: async () => void db.close(),
  };
};

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

/** One repetition of every scenario on a fresh file; returns events/s per scenario. */
const runOnce = async (subject: Subject, events: ReturnType<typeof makeEvents>, dir: string): Promise<Record<Scenario, number>> => {
  const rate = {} as Record<Scenario, number>;
  const oneFile = join(dir, `${randomUUID()}.db`);
  await subject.open(oneFile);
  let t = process.hrtime.bigint();
  for (const { streamId, event } of events) await subject.appendOne(streamId, event);
  rate['append x1'] = EVENTS / seconds(t);
  await subject.close();

  // Batches of 100 from one stream at a time, streams interleaved through the file.
  const byStream = new Map<string, NewEvent[]>();
  for (const { streamId, event } of events) (byStream.get(streamId) ?? byStream.set(streamId, []).get(streamId)!).push(event);
  const batches: [string, NewEvent[]][] = [];
  const lists = [...byStream.entries()];
  for (let offset = 0; batches.length * BATCH < EVENTS; offset += BATCH) {
    for (const [s, list] of lists) if (offset < list.length) batches.push([s, list.slice(offset, offset + BATCH)]);
  }
  await subject.open(join(dir, `${randomUUID()}.db`));
  t = process.hrtime.bigint();
  for (const [s, es] of batches) await subject.appendBatch(s, es);
  rate[`append x${BATCH}`] = EVENTS / seconds(t);

  t = process.hrtime.bigint();
  let n = 0;
  for (const s of byStream.keys()) n += await subject.readStream(s);
  rate['read streams'] = n / seconds(t);
  if (n !== EVENTS) throw new Error(`${subject.name} read ${n} of ${EVENTS} events from streams`);

  t = process.hrtime.bigint();
  n = await subject.readAll();
  rate['read all'] = n / seconds(t);
  if (n !== EVENTS) throw new Error(`${subject.name} read ${n} of ${EVENTS} events in global order`);
  await subject.close();
  return rate;
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const main = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'daemonledger-bench-'));
  try {
    const events = makeEvents();
    const subjects = [
      raw(),
      adapter('sqlite adapter', (file) => new SqliteEventStore({ file })),
      adapter('memory adapter', () => new MemoryEventStore()),
    ];
    const results = new Map<string, Record<Scenario, number>[]>(subjects.map((s) => [s.name, []]));
    for (let r = 0; r < REPEATS; r++) {
      // Alternate the order so drift on a shared machine hits everyone alike.
      for (const s of r % 2 === 0 ? subjects : [...subjects].reverse()) {
        results.get(s.name)!.push(await runOnce(s, events, dir));
        const last = results.get(s.name)!.at(-1)!;
        process.stderr.write(`  run ${r + 1}/${REPEATS} ${s.name}: ${SCENARIOS.map((sc) => `${sc} ${fmt(last[sc])}`).join(", ")}\n`);
      }
    }
    const med = (name: string, sc: Scenario) => median(results.get(name)!.map((x) => x[sc]));
    console.log(`\nevent store benchmark — ${EVENTS.toLocaleString('en-US')} events (~300-byte data), ${STREAMS} streams interleaved,`);
    console.log(`median of ${REPEATS}, events/s; ${cpus().length} cores, ${cpus()[0]?.model ?? '?'}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`);
    console.log('| scenario | raw better-sqlite3 (ceiling) | sqlite adapter | ratio | target | memory adapter |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const sc of SCENARIOS) {
      const ceiling = med('raw better-sqlite3', sc);
      const sqlite = med('sqlite adapter', sc);
      const ratio = sqlite / ceiling;
      const ok = ratio >= TARGETS[sc] ? '' : ' ✗';
      console.log(`| ${sc} | ${fmt(ceiling)} | ${fmt(sqlite)} | ${ratio.toFixed(2)}${ok} | ≥ ${TARGETS[sc]} | ${fmt(med('memory adapter', sc))} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
