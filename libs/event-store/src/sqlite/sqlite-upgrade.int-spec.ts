import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from './sqlite-event-store';
import { APPLICATION_ID } from './sqlite-schema';

const dir = mkdtempSync(join(tmpdir(), 'daemonledger-upgrade-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The v1 layout exactly as DaemonLedger up to issue #8 created it (kept here: the code no longer has it). */
const V1_DDL = `
CREATE TABLE events (
  position       INTEGER PRIMARY KEY,
  stream_id      TEXT    NOT NULL,
  revision       INTEGER NOT NULL,
  event_id       TEXT    NOT NULL,
  type           TEXT    NOT NULL,
  schema_version INTEGER NOT NULL,
  data           TEXT    NOT NULL,
  metadata       TEXT    NOT NULL,
  recorded_at    TEXT    NOT NULL
);
CREATE UNIQUE INDEX events_stream_revision ON events (stream_id, revision);
CREATE UNIQUE INDEX events_event_id ON events (event_id);
CREATE TABLE daemonledger_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
`;

const v1Rows = [
  ['daemonset-default.nginx-ds', 0, 'DaemonSetCreated', 2, { name: 'nginx-ds' }, { actor: 'user:admin', correlationId: 'c-1' }, '2024-05-01T12:00:00.000Z'],
  ['pod-default.nginx-ds-abcde', 0, 'PodCreated', 1, { node: 'node-0' }, { actor: 'daemonset-controller', correlationId: 'c-1' }, '2024-05-01T12:00:00.250Z'],
  ['pod-default.nginx-ds-abcde', 1, 'PodPhaseChanged', 1, { phase: 'Running' }, { actor: 'node-agent:node-0' }, '2024-05-01T12:00:01.999Z'],
  ['daemonset-default.nginx-ds', 1, 'DaemonSetSpecChanged', 1, { image: 'nginx:1.9.1' }, {}, '2024-05-01T12:05:00.000Z'],
] as const;

/** A v1 file as a v1 build left it, optionally with the snapshot part's table beside the log. */
const aV1File = (withSnapshots = false): { file: string; ids: string[] } => {
  const file = join(dir, `${randomUUID()}.db`);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(V1_DDL);
  const meta = db.prepare('INSERT INTO daemonledger_meta (key, value) VALUES (?, ?)');
  meta.run('format', 'daemonledger-event-store');
  meta.run('schema_version', '1');
  meta.run('created_at', '2024-05-01T11:59:00.000Z');
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.pragma('user_version = 1');
  const insert = db.prepare(
    'INSERT INTO events (stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const ids = v1Rows.map(([stream, revision, type, version, data, metadata, at]) => {
    const id = randomUUID();
    insert.run(stream, revision, id, type, version, JSON.stringify(data), JSON.stringify(metadata), at);
    return id;
  });
  if (withSnapshots) {
    db.exec('CREATE TABLE daemonledger_snapshots (position INTEGER PRIMARY KEY, body BLOB NOT NULL)');
    db.prepare('INSERT INTO daemonledger_snapshots VALUES (3, ?)').run(Buffer.from('snapshot at 3'));
  }
  db.close();
  return { file, ids };
};

describe('opening a schema v1 file upgrades it in place', () => {
  it('keeps every event as it was, then chains what is appended after the upgrade', async () => {
    const { file, ids } = aV1File();
    const store = new SqliteEventStore({ file });
    const before = await store.readAll();
    expect(before.map((e) => [e.position, e.streamId, e.revision, e.id, e.type, e.schemaVersion, e.data, e.metadata, e.recordedAt])).toEqual(
      v1Rows.map(([stream, revision, type, version, data, metadata, at], i) => [i + 1, stream, revision, ids[i], type, version, data, metadata, at]),
    );
    // Idempotency and expected revisions carry over: the v1 ids are still known.
    const retry = await store.append('pod-default.nginx-ds-abcde', [
      { id: ids[1], type: 'PodCreated', data: { node: 'node-0' } },
      { id: ids[2], type: 'PodPhaseChanged', data: { phase: 'Running' } },
    ]);
    expect(retry).toEqual({ nextExpectedRevision: 1, position: 3 });
    await store.append('daemonset-default.nginx-ds', [{ id: randomUUID(), type: 'DaemonSetSpecChanged', data: { image: 'nginx:1.25' } }], {
      expectedRevision: 1,
    });
    await store.append('pod-default.nginx-ds-fghij', [
      { id: randomUUID(), type: 'PodCreated', data: { node: 'node-1' }, metadata: { actor: 'daemonset-controller' } },
      { id: randomUUID(), type: 'PodBound', data: { node: 'node-1' }, metadata: { actor: 'daemonset-controller' } },
    ]);
    expect(await store.verifyIntegrity()).toEqual({ ok: true, events: 7, head: 7, chainedFrom: 5 });
    await store.close();

    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare('SELECT position FROM events WHERE hash IS NULL ORDER BY position').pluck().all()).toEqual([1, 2, 3, 4]);
    expect(db.prepare(`SELECT value FROM daemonledger_meta WHERE key = 'chain_from'`).pluck().get()).toBe('5');
    db.close();

    // Reopened: still v2, still whole; an edit after the chain start is caught, one before it is not the chain's to see.
    const again = new SqliteEventStore({ file });
    expect((await again.readStream('daemonset-default.nginx-ds')).map((e) => e.revision)).toEqual([0, 1, 2]);
    await again.close();
    const edit = new Database(file);
    edit.prepare(`UPDATE events SET data = '{"image":"evil:latest"}' WHERE position = 5`).run();
    edit.close();
    const edited = new SqliteEventStore({ file });
    expect(await edited.verifyIntegrity()).toMatchObject({ ok: false, position: 5, problem: 'hash mismatch: row edited' });
    await edited.close();
  });

  it('reports a deleted pre-chain row as a hole', async () => {
    const { file } = aV1File();
    await new SqliteEventStore({ file }).close();
    const db = new Database(file);
    db.prepare('DELETE FROM events WHERE position = 2').run();
    db.close();
    const store = new SqliteEventStore({ file });
    expect(await store.verifyIntegrity()).toMatchObject({ ok: false, position: 2, events: 1, problem: expect.stringMatching(/^row deleted/) });
    await store.close();
  });

  it('leaves a neighbour table (the snapshots) alone, and says no event is chained yet', async () => {
    const { file } = aV1File(true);
    const store = new SqliteEventStore({ file });
    expect(await store.verifyIntegrity()).toEqual({ ok: true, events: 4, head: 4, chainedFrom: null });
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT body FROM daemonledger_snapshots WHERE position = 3').pluck().get()).toEqual(Buffer.from('snapshot at 3'));
    db.close();
  });

  it('initialises a new file in which the snapshots table was created first', async () => {
    const file = join(dir, `${randomUUID()}.db`);
    const db = new Database(file);
    db.exec('CREATE TABLE IF NOT EXISTS daemonledger_snapshots (position INTEGER PRIMARY KEY, body BLOB NOT NULL)');
    db.close();
    const store = new SqliteEventStore({ file });
    await store.append('node-node-0', [{ id: randomUUID(), type: 'NodeJoined', data: {} }]);
    expect(await store.verifyIntegrity()).toEqual({ ok: true, events: 1, head: 1, chainedFrom: 1 });
    await store.close();
  });

  it('leaves the v1 file untouched when the upgrade cannot finish', async () => {
    const { file } = aV1File();
    const db = new Database(file);
    // A stored id that is not a uuid cannot become 16 bytes: unhex() gives NULL and NOT NULL stops the copy.
    db.prepare(`UPDATE events SET event_id = 'not-a-uuid' WHERE position = 3`).run();
    db.close();
    expect(() => new SqliteEventStore({ file })).toThrow(/Cannot open event store/);
    const after = new Database(file, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(1);
    expect(after.prepare('SELECT count(*) FROM events').pluck().get()).toBe(4);
    after.close();
  });
});
