import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describeCheckpointStoreContract } from '../contract/checkpoint-store.contract';
import { SqliteCheckpointStore } from './sqlite-checkpoint-store';
import { SqliteEventStore } from './sqlite-event-store';
import { SqliteSnapshotStore } from './sqlite-snapshot-store';

const dir = mkdtempSync(join(tmpdir(), 'daemonledger-checkpoints-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const freshLog = async () => {
  const file = join(dir, `${randomUUID()}.db`);
  await new SqliteEventStore({ file }).close();
  return file;
};

describeCheckpointStoreContract('sqlite (real file, beside the log)', { durable: true }, async () => {
  const file = await freshLog();
  return { store: new SqliteCheckpointStore({ file }), reopen: async () => new SqliteCheckpointStore({ file }) };
});

describe('SqliteCheckpointStore', () => {
  it('lives in the log file beside the events and snapshots, never in the event log', async () => {
    const file = await freshLog();
    const checkpoints = new SqliteCheckpointStore({ file });
    const snapshots = new SqliteSnapshotStore({ file });
    const log = new SqliteEventStore({ file });
    await log.append('node-n1', [{ id: randomUUID(), type: 'NodeJoined', data: {} }]);
    await checkpoints.save('outbox.events', 1);
    await log.append('node-n1', [{ id: randomUUID(), type: 'NodeLeft', data: {} }]);
    expect((await log.readAll()).map((e) => e.type)).toEqual(['NodeJoined', 'NodeLeft']);
    expect(await log.headPosition()).toBe(2);
    expect(await checkpoints.load('outbox.events')).toBe(1);
    await Promise.all([log.close(), snapshots.close(), checkpoints.close()]);
  });

  it('refuses a file that is not an event log, rather than creating one', async () => {
    expect(() => new SqliteCheckpointStore({ file: join(dir, 'missing.db') })).toThrow(/does not exist/);
    const foreign = join(dir, 'foreign.db');
    new Database(foreign).exec('CREATE TABLE t (x)');
    expect(() => new SqliteCheckpointStore({ file: foreign })).toThrow(/not a DaemonLedger event store/);
  });
});
