import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describeSnapshotStoreContract } from '../contract/snapshot-store.contract';
import { SqliteEventStore } from './sqlite-event-store';
import { SqliteSnapshotStore } from './sqlite-snapshot-store';

const dir = mkdtempSync(join(tmpdir(), 'daemonledger-snapshots-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const freshLog = async () => {
  const file = join(dir, `${randomUUID()}.db`);
  await new SqliteEventStore({ file }).close();
  return file;
};

describeSnapshotStoreContract('sqlite (real file, beside the log)', async () => {
  const file = await freshLog();
  const store = new SqliteSnapshotStore({ file });
  return {
    store,
    corrupt: (ref, part) => {
      const db = new Database(file);
      db.prepare(`UPDATE daemonledger_snapshots SET data = CAST(? AS BLOB) WHERE position = ? AND code_version = ? AND part = ?`).run(Buffer.from('y'.repeat(100)), ref.position, ref.codeVersion, part);
      db.close();
    },
    reopen: async () => new SqliteSnapshotStore({ file }),
  };
});

describe('SqliteSnapshotStore', () => {
  it('lives in the log file beside the events, which the event store still opens and appends to', async () => {
    const file = await freshLog();
    const snapshots = new SqliteSnapshotStore({ file });
    const w = await snapshots.begin(0, 'v1');
    await w.writePart('a.0', Buffer.from('a'));
    await w.commit();
    const log = new SqliteEventStore({ file });
    await log.append('node-n1', [{ id: randomUUID(), type: 'NodeJoined', data: {} }]);
    expect(await log.headPosition()).toBe(1);
    await log.close();
    expect((await snapshots.list()).length).toBe(1);
    await snapshots.close();
  });

  it('refuses a file that is not an event log, rather than creating one', async () => {
    expect(() => new SqliteSnapshotStore({ file: join(dir, 'missing.db') })).toThrow(/does not exist/);
    const foreign = join(dir, 'foreign.db');
    new Database(foreign).exec('CREATE TABLE t (x)');
    expect(() => new SqliteSnapshotStore({ file: foreign })).toThrow(/not a DaemonLedger event store/);
  });
});
