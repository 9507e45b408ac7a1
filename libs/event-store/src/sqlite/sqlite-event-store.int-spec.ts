import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { isDomainError } from '@daemonledger/domain/errors';
import { describeEventStoreContract } from '../contract/event-store.contract';
import { SqliteEventStore } from './sqlite-event-store';
import { APPLICATION_ID } from './sqlite-schema';

const dir = mkdtempSync(join(tmpdir(), 'daemonledger-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const freshFile = () => join(dir, `${randomUUID()}.db`);

describeEventStoreContract('sqlite (real file)', async (options) => new SqliteEventStore({ file: freshFile(), ...options }));

const anEvent = (n = 0) => ({ id: randomUUID(), type: 'PodCreated', data: { n } });

const openError = (file: string): Error => {
  try {
    new SqliteEventStore({ file });
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected opening to fail');
};

describe('SqliteEventStore on a real file', () => {
  it('checks a condition against the file when another connection moved its stream (a lease taken over by another process)', async () => {
    const file = freshFile();
    const leader = new SqliteEventStore({ file });
    const other = new SqliteEventStore({ file });
    try {
      await leader.append('lease-x', [anEvent(0)], { expectedRevision: 'no_stream' });
      // The leader's revision cache now says 0; the other process renews past it.
      await other.append('lease-x', [anEvent(1)], { expectedRevision: 0 });
      const error = await leader.appendMany([
        { streamId: 'lease-x', events: [], expectedRevision: 0 },
        { streamId: 'pod-default.p1', events: [anEvent(2)] },
      ]).then(() => undefined, (e: unknown) => e);
      expect(isDomainError(error, 'VersionConflict')).toBe(true);
      expect(await other.readStream('pod-default.p1')).toHaveLength(0);
      const [ok] = await leader.appendMany([
        { streamId: 'lease-x', events: [], expectedRevision: 1 },
        { streamId: 'pod-default.p1', events: [anEvent(3)] },
      ]);
      expect(ok.nextExpectedRevision).toBe(1);
      expect(await other.readStream('pod-default.p1')).toHaveLength(1);
    } finally {
      await leader.close();
      await other.close();
    }
  });

  it('reads one kind of stream over many scan chunks, sparse (row by row) and dense (as a range), as a filter of readAll', async () => {
    const store = new SqliteEventStore({ file: freshFile() });
    // 10,000 events: a DaemonSet event every 97th (sparse), pods and nodes alternating otherwise (dense). 1,500 pod
    // streams are more than SQLite is given by key (the adapter scans keys itself); the DaemonSet and the nodes are few.
    const requests = [];
    for (let i = 0; i < 10_000; i++) {
      const streamId = i % 97 === 0 ? 'daemonset-default.ds' : i % 2 ? `pod-default.p${i % 1500}` : `node-n${i % 50}`;
      requests.push({ streamId, events: [anEvent(i)] });
    }
    for (let i = 0; i < requests.length; i += 1000) await store.appendMany(requests.slice(i, i + 1000));
    const all = await store.readAll();
    for (const [prefixes, from, to] of [
      [['daemonset-'], 0, 10_000],
      [['daemonset-'], 50, 9_000],
      [['pod-'], 4_000, 9_999],
      [['pod-', 'daemonset-'], 0, 10_000],
      [['node-n1'], 1, 5_000],
      [['node-', 'daemonset-'], 0, 10_000],
      [['pod-default.p1'], 10, 9_990],
    ] as [string[], number, number][]) {
      const expected = all.filter((e) => e.position > from && e.position <= to && prefixes.some((p) => e.streamId.startsWith(p)));
      const got = await store.readAll({ fromPosition: from, toPosition: to, streamPrefixes: prefixes });
      expect(got).toEqual(expected);
      // Stopped by maxCount in the middle of a chunk: exactly the first ones.
      expect(await store.readAll({ fromPosition: from, toPosition: to, streamPrefixes: prefixes, maxCount: 7 })).toEqual(expected.slice(0, 7));
    }
    expect(await store.readAll({ fromPosition: 100, toPosition: 4_200 })).toEqual(all.slice(100, 4_200));
    expect(await store.readAll({ fromPosition: 100, toPosition: 4_200, maxCount: 10 })).toEqual(all.slice(100, 110));
    await store.close();
  });

  it('keeps every event across close and reopen, with dense positions 1..N', async () => {
    const file = freshFile();
    const first = new SqliteEventStore({ file });
    await first.append('daemonset-default.nginx-ds', [anEvent(0), anEvent(1)]);
    await first.append('pod-kube-system.fluentd-abc12', [anEvent(2)]);
    await first.close();
    const again = new SqliteEventStore({ file });
    await again.append('daemonset-default.nginx-ds', [anEvent(3)], { expectedRevision: 1 });
    const all = await again.readAll();
    expect(all.map((e) => [e.position, e.streamId, e.revision])).toEqual([
      [1, 'daemonset-default.nginx-ds', 0],
      [2, 'daemonset-default.nginx-ds', 1],
      [3, 'pod-kube-system.fluentd-abc12', 0],
      [4, 'daemonset-default.nginx-ds', 2],
    ]);
    await again.close();
  });

  it('recognises a retry after a restart, when the revision cache is empty', async () => {
    const file = freshFile();
    const batch = [anEvent(0), anEvent(1)];
    const first = new SqliteEventStore({ file });
    const original = await first.append('rollout-default.nginx-ds-3', batch, { expectedRevision: 'no_stream' });
    await first.close();
    const again = new SqliteEventStore({ file });
    expect(await again.append('rollout-default.nginx-ds-3', batch, { expectedRevision: 'no_stream' })).toEqual(original);
    expect(await again.append('rollout-default.nginx-ds-3', batch)).toEqual(original);
    expect(await again.headPosition()).toBe(2);
    await again.close();
  });

  it('uses WAL with synchronous=FULL by default and NORMAL only when asked', async () => {
    const file = freshFile();
    const pragmas = (f: string) => {
      const db = new Database(f, { readonly: true });
      const mode = db.pragma('journal_mode', { simple: true });
      db.close();
      return mode;
    };
    const full = new SqliteEventStore({ file });
    expect((full as unknown as { db: Database.Database }).db.pragma('synchronous', { simple: true })).toBe(2);
    await full.close();
    expect(pragmas(file)).toBe('wal');
    const normal = new SqliteEventStore({ file, synchronous: 'NORMAL' });
    expect((normal as unknown as { db: Database.Database }).db.pragma('synchronous', { simple: true })).toBe(1);
    await normal.close();
  });

  it('sees appends made through another connection to the same file (revision cache is never trusted blindly)', async () => {
    const file = freshFile();
    const a = new SqliteEventStore({ file, pollIntervalMs: 20 });
    const b = new SqliteEventStore({ file });
    await a.append('node-worker-1', [anEvent(0)]);
    const seen: number[] = [];
    const sub = a.subscribeToAll({ onEvent: (e) => void seen.push(e.position) });
    await b.append('node-worker-1', [anEvent(1)], { expectedRevision: 0 });
    // a's cache says revision 0; the store must notice the stream is at 1.
    const conflict = await a.append('node-worker-1', [anEvent(2)], { expectedRevision: 0 }).catch((e) => e);
    expect(isDomainError(conflict, 'VersionConflict')).toBe(true);
    await a.append('node-worker-1', [anEvent(2)], { expectedRevision: 1 });
    await b.append('node-worker-1', [anEvent(3)]);
    await a.append('node-worker-1', [anEvent(4)]);
    expect((await a.readStream('node-worker-1')).map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
    const deadline = Date.now() + 3000;
    while (seen.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    await sub.close();
    await Promise.all([a.close(), b.close()]);
  });

  describe('refuses files it must not touch, with a StorageError and the file unchanged', () => {
    it('a file that is not a database', () => {
      const file = freshFile();
      writeFileSync(file, 'definitely not sqlite\n'.repeat(500));
      const before = readFileSync(file);
      const error = openError(file);
      expect(isDomainError(error, 'StorageError')).toBe(true);
      expect(error.message).toMatch(/not a SQLite database/);
      expect(readFileSync(file).equals(before)).toBe(true);
    });

    it('a DaemonLedger file whose pages were damaged', async () => {
      const file = freshFile();
      const store = new SqliteEventStore({ file });
      for (let i = 0; i < 40; i++) await store.append(`pod-default.p-${i}`, [{ ...anEvent(i), data: { pad: 'x'.repeat(900) } }]);
      await store.close();
      const bytes = readFileSync(file);
      // Keep the 100-byte header and page 1 (schema); scribble over the data pages.
      for (let i = 4096; i < bytes.length; i += 7) bytes[i] = (bytes[i] + 0x5a) & 0xff;
      writeFileSync(file, bytes);
      const error = openError(file);
      expect(isDomainError(error, 'StorageError')).toBe(true);
      expect(error.message).toMatch(/corrupt/);
    });

    it('a foreign SQLite database', () => {
      const file = freshFile();
      const db = new Database(file);
      db.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)');
      db.close();
      const before = readFileSync(file);
      const error = openError(file);
      expect(isDomainError(error, 'StorageError')).toBe(true);
      expect(error.message).toMatch(/not a DaemonLedger event store .*customers/);
      expect(readFileSync(file).equals(before)).toBe(true);
      expect(existsSync(`${file}-wal`)).toBe(false);
    });

    it('a DaemonLedger file with a newer schema version', async () => {
      const file = freshFile();
      await new SqliteEventStore({ file }).close();
      const db = new Database(file);
      db.pragma('user_version = 7');
      db.close();
      const error = openError(file);
      expect(isDomainError(error, 'StorageError')).toBe(true);
      expect(error.message).toMatch(/newer DaemonLedger \(schema v7; this build reads up to v2\)/);
    });

    it('a file claiming to be ours with the wrong tables', () => {
      const file = freshFile();
      const db = new Database(file);
      db.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, body TEXT)');
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma('user_version = 1');
      db.close();
      const error = openError(file);
      expect(isDomainError(error, 'StorageError')).toBe(true);
      expect(error.message).toMatch(/events table has columns/);
    });
  });
});
