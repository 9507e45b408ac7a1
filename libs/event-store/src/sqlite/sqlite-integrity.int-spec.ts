import { randomUUID } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { IntegrityReport, NewEvent } from '../event-store.port';
import { timeOrderedUuid } from '../internal/uuid';
import { SqliteEventStore } from './sqlite-event-store';

const dir = mkdtempSync(join(tmpdir(), 'daemonledger-integrity-'));
// These logs are short: `parallelVerify: true` makes them take the path long logs take (the chain on a worker thread).
// The calling thread's path (short logs by default, `:memory:`) is covered below and by apps/controller/test/verify.int-spec.ts.
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const command = (n: number) => ({ correlationId: `rollout-${n}`, actor: 'daemonset-controller', wallTime: '2024-05-01T12:00:00.000Z' });
const pod = (n: number, metadata = command(n)): NewEvent => ({
  id: timeOrderedUuid(),
  type: n % 3 === 0 ? 'PodCreated' : 'PodPhaseChanged',
  data: { pod: `fluentd-${n}`, node: `node-${n % 7}`, phase: 'Running' },
  metadata,
});

/**
 * 20 events: positions 1–12 as four commands of three events each (one
 * metadata object per command, stored once), then 8 single appends on four
 * streams. Returns the closed file.
 */
const aLog = async (): Promise<string> => {
  const file = join(dir, `${randomUUID()}.db`);
  const store = new SqliteEventStore({ file, parallelVerify: true });
  for (let c = 0; c < 4; c++) {
    const meta = command(c);
    await store.append(`pod-default.ds-${c}`, [pod(c * 3, meta), pod(c * 3 + 1, meta), pod(c * 3 + 2, meta)]);
  }
  for (let i = 12; i < 20; i++) await store.append(`node-node-${i % 4}`, [pod(i)]);
  await store.close();
  return file;
};

const tamper = (file: string, sql: string, ...params: unknown[]) => {
  const db = new Database(file);
  db.prepare(sql).run(...params);
  db.close();
};
/** Moves every row at or after `from` by `by` positions (through negatives, so the primary key never collides). */
const shift = (file: string, from: number, by: number) => {
  const db = new Database(file);
  db.prepare('UPDATE events SET position = -position WHERE position >= ?').run(from);
  db.prepare('UPDATE events SET position = -position + ? WHERE position < 0').run(by);
  db.close();
};

const verify = async (file: string): Promise<IntegrityReport> => {
  const store = new SqliteEventStore({ file, parallelVerify: true });
  try {
    return await store.verifyIntegrity();
  } finally {
    await store.close();
  }
};

describe('verifyIntegrity on a real SQLite file', () => {
  it('passes an untouched log and says where the chain starts', async () => {
    expect(await verify(await aLog())).toEqual({ ok: true, events: 20, head: 20, chainedFrom: 1 });
  });

  it.each<[string, string, unknown[], number, RegExp]>([
    ['data edited', `UPDATE events SET data = json_set(data, '$.phase', 'Failed') WHERE position = 7`, [], 7, /^hash mismatch: row edited$/],
    ['shared metadata edited at the event that holds it', `UPDATE events SET metadata = '{"actor":"mallory"}' WHERE position = 4`, [], 4, /row edited/],
    ['a shared-metadata reference replaced by other text', `UPDATE events SET metadata = '{"actor":"mallory"}' WHERE position = 5`, [], 5, /row edited/],
    ['type changed', `UPDATE events SET type = (SELECT id FROM event_types WHERE name = 'PodCreated') WHERE position = 14`, [], 14, /row edited/],
    ['stream changed', `UPDATE events SET stream = (SELECT id FROM streams WHERE name = 'pod-default.ds-0'), revision = 99 WHERE position = 15`, [], 15, /row edited/],
    ['revision changed', `UPDATE events SET revision = 77 WHERE position = 16`, [], 16, /row edited/],
    ['recorded time changed', `UPDATE events SET recorded_at = recorded_at - 60000 WHERE position = 17`, [], 17, /row edited/],
    ['hash overwritten', `UPDATE events SET hash = randomblob(32) WHERE position = 9`, [], 9, /row edited/],
    ['row deleted', `DELETE FROM events WHERE position = 7`, [], 7, /^row deleted: position 7 is missing \(the next row is 8\)$/],
    ['first row deleted', `DELETE FROM events WHERE position = 1`, [], 1, /^row deleted: position 1 is missing/],
    ['row appended without a hash', `INSERT INTO events SELECT 21, stream, 50, randomblob(16), type, schema_version, data, metadata, recorded_at, NULL FROM events WHERE position = 20`, [], 21, /row inserted/],
    ['chain start moved later to hide edits', `UPDATE daemonledger_meta SET value = '6' WHERE key = 'chain_from'`, [], 1, /hash before the chain's recorded start at 6/],
  ])('%s: reported at its exact position', async (_, sql, params, position, problem) => {
    const file = await aLog();
    tamper(file, sql, ...params);
    const report = await verify(file);
    expect(report).toMatchObject({ ok: false, position, events: position - 1 });
    expect(report.ok === false && report.problem).toMatch(problem);
  });

  it('a deleted row whose gap was closed by renumbering the rows after it', async () => {
    const file = await aLog();
    tamper(file, 'DELETE FROM events WHERE position = 8');
    shift(file, 9, -1);
    const report = await verify(file);
    expect(report).toMatchObject({ ok: false, position: 8, events: 7 });
    expect(report.ok === false && report.problem).toMatch(/^row deleted: 1 row\(s\) before this one were removed/);
  });

  it('an inserted row, the rows after it moved up to make room', async () => {
    const file = await aLog();
    shift(file, 10, 1);
    // A forged event copied from another one, with a fresh id and a borrowed hash.
    tamper(
      file,
      `INSERT INTO events SELECT 10, stream, 40, randomblob(16), type, schema_version, data, metadata, recorded_at, hash FROM events WHERE position = 3`,
    );
    const report = await verify(file);
    expect(report).toMatchObject({ ok: false, position: 10, events: 9 });
    expect(report.ok === false && report.problem).toMatch(/^row inserted: 1 row\(s\) at position 10 .* the row that belongs here is at 11$/);
  });

  it.each([
    ['neighbours swapped', 7, 8],
    ['rows far apart swapped', 5, 16],
  ])('rows reordered (%s): reported at the first moved position', async (_, a, b) => {
    const file = await aLog();
    const db = new Database(file);
    db.prepare('UPDATE events SET position = -1 WHERE position = ?').run(a);
    db.prepare('UPDATE events SET position = ? WHERE position = ?').run(a, b);
    db.prepare('UPDATE events SET position = ? WHERE position = -1').run(b);
    db.close();
    const report = await verify(file);
    expect(report).toMatchObject({ ok: false, position: a, events: a - 1 });
    expect(report.ok === false && report.problem).toMatch(new RegExp(`^rows reordered: position ${a} holds a row from later in the log; the row that belongs here is at ${b}$`));
  });

  it('a tail cut while the store is open (the store remembers the head it saw)', async () => {
    const file = await aLog();
    const store = new SqliteEventStore({ file, parallelVerify: true });
    tamper(file, 'DELETE FROM events WHERE position > 18');
    const report = await store.verifyIntegrity();
    await store.close();
    expect(report).toMatchObject({ ok: false, position: 19, events: 18 });
    expect(report.ok === false && report.problem).toMatch(/log ends at 18 but this store has seen it reach 20/);
  });

  describe('on a log of several pages, with batches across page boundaries', () => {
    let file: string;
    beforeAll(async () => {
      file = join(dir, `${randomUUID()}.db`);
      const store = new SqliteEventStore({ file, parallelVerify: true });
      for (let b = 0; b < 50; b++) {
        const meta = command(b);
        await store.appendMany([
          { streamId: `pod-default.p-${b}`, events: Array.from({ length: 60 }, (_, i) => pod(b * 100 + i, meta)) },
          { streamId: `rollout-default.ds-${b % 3}`, events: Array.from({ length: 40 }, (_, i) => pod(b * 100 + 60 + i, meta)) },
        ]);
      }
      await store.close();
    });

    it('streams the whole log page by page and passes it', async () => {
      const store = new SqliteEventStore({ file, parallelVerify: true });
      const progress: number[] = [];
      expect(await store.verifyIntegrity((p) => progress.push(p))).toEqual({ ok: true, events: 5000, head: 5000, chainedFrom: 1 });
      expect(progress.length).toBeGreaterThan(1);
      expect(progress.at(-1)).toBe(5000);
      await store.close();
    });

    it('reports an edit in a later page, behind a metadata owner on the page before', async () => {
      const copy = join(dir, `${randomUUID()}.db`);
      const db = new Database(file);
      await db.backup(copy);
      db.close();
      tamper(copy, `UPDATE events SET data = json_set(data, '$.node', 'node-x') WHERE position = 2050`);
      expect(await verify(copy)).toMatchObject({ ok: false, position: 2050, events: 2049, problem: 'hash mismatch: row edited' });
    });
  });
});

describe('verifyIntegrity visiting the events it checked', () => {
  it('hands the verifier every event as readAll returns it, in order, on a cold cache over many streams', async () => {
    const file = join(dir, `${randomUUID()}.db`);
    const writer = new SqliteEventStore({ file, parallelVerify: true });
    // 700 streams: more than one run of stream names loaded at a time, met out of id order too.
    for (let s = 0; s < 700; s++) await writer.append(`pod-default.many-${s}`, [pod(s)]);
    for (let s = 699; s >= 0; s -= 7) await writer.append(`pod-default.many-${s}`, [pod(s + 1), pod(s + 2)]);
    await writer.close();
    const store = new SqliteEventStore({ file, parallelVerify: true });
    const visited: unknown[] = [];
    const report = await store.verifyIntegrity!(undefined, (e) => visited.push(e));
    expect(report).toMatchObject({ ok: true, events: 900, head: 900 });
    const reader = new SqliteEventStore({ file, parallelVerify: true });
    expect(visited).toEqual(await reader.readAll());
    await Promise.all([store.close(), reader.close()]);
  });

  it('stops visiting before the first broken row', async () => {
    const file = await aLog();
    tamper(file, `UPDATE events SET data = '{"pod":"edited"}' WHERE position = 7`);
    const store = new SqliteEventStore({ file, parallelVerify: true });
    const positions: number[] = [];
    const report = await store.verifyIntegrity!(undefined, (e) => positions.push(e.position));
    expect(report).toMatchObject({ ok: false, position: 7 });
    expect(positions).toEqual([1, 2, 3, 4, 5, 6]);
    await store.close();
  });
});

describe('verifyIntegrity on two threads', () => {
  it.each([
    ['on a thread of its own', true],
    ['on this thread, for a short log', undefined],
  ])('reports a damaged b-tree the scan itself never reads (PRAGMA quick_check, %s)', async (_, parallelVerify) => {
    const file = await aLog();
    const db = new Database(file);
    const page = db.prepare(`SELECT pageno FROM dbstat WHERE name = 'events_stream_revision' ORDER BY pageno LIMIT 1`).pluck().get() as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    // An invalid b-tree page type in the (stream, revision) index's root: the rows read by position are untouched.
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.from([0x7f]), 0, 1, (page - 1) * pageSize);
    closeSync(fd);
    const store = new SqliteEventStore({ file, verifyOnOpen: false, parallelVerify });
    const visited: number[] = [];
    await expect(store.verifyIntegrity(undefined, (e) => visited.push(e.position))).rejects.toThrow(/verifyIntegrity failed: the database is corrupted: [^]*events_stream_revision[^]*\(the file is corrupted\)/);
    expect(visited).toHaveLength(20);
    await store.close();
  });

  it('checks a short log on this thread by default, with the same verdicts', async () => {
    const file = await aLog();
    tamper(file, `UPDATE events SET data = '{"pod":"edited"}' WHERE position = 7`);
    const store = new SqliteEventStore({ file });
    const positions: number[] = [];
    expect(await store.verifyIntegrity(undefined, (e) => positions.push(e.position))).toMatchObject({ ok: false, position: 7, problem: 'hash mismatch: row edited' });
    expect(positions).toEqual([1, 2, 3, 4, 5, 6]);
    await store.close();
  });

  it('checks an in-memory database on this thread (no other thread can open it)', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    for (let i = 0; i < 5; i++) await store.append('pod-default.mem', [pod(i)]);
    const visited: number[] = [];
    expect(await store.verifyIntegrity(undefined, (e) => visited.push(e.position))).toEqual({ ok: true, events: 5, head: 5, chainedFrom: 1 });
    expect(visited).toEqual([1, 2, 3, 4, 5]);
    await store.close();
  });
});
