import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { DomainError } from '@daemonledger/domain/errors';
import { assertCheckpointName, assertCheckpointPosition, type CheckpointStore } from '../checkpoint-store.port';
import { APPLICATION_ID } from './sqlite-schema';

/** One table of its own beside the events (as the snapshots'), created on first use: one row per relay. */
const TABLE = `
CREATE TABLE IF NOT EXISTS daemonledger_checkpoints (
  name       TEXT    NOT NULL PRIMARY KEY,
  position   INTEGER NOT NULL,
  saved_at   TEXT    NOT NULL
)`;

export interface SqliteCheckpointStoreOptions {
  /** The event log's file: it must exist and be a DaemonLedger event store (open the event store first). */
  file: string;
}

/**
 * Checkpoints in the log's SQLite file, on a connection of their own.
 * synchronous=FULL: a saved checkpoint survives a power cut, so a restart
 * re-sends at most the batch in flight, not everything since an older save.
 * One small row write per relayed batch (hundreds of messages), so the fsync
 * costs little.
 */
export class SqliteCheckpointStore implements CheckpointStore {
  private readonly db: Database.Database;
  private readonly upsert: Database.Statement;
  private readonly readOne: Database.Statement;

  constructor(options: SqliteCheckpointStoreOptions) {
    const { file } = options;
    if (file !== ':memory:' && !existsSync(file)) throw new DomainError('StorageError', `Cannot open checkpoints in "${file}": the event log does not exist yet`);
    this.db = new Database(file, { timeout: 5000 });
    try {
      const appId = this.db.pragma('application_id', { simple: true }) as number;
      if (appId !== APPLICATION_ID) throw new DomainError('StorageError', `Cannot open checkpoints in "${file}": not a DaemonLedger event store (application_id ${appId})`);
      this.db.pragma('synchronous = FULL');
      this.db.exec(TABLE);
    } catch (e) {
      this.db.close();
      throw e;
    }
    this.upsert = this.db.prepare(
      'INSERT INTO daemonledger_checkpoints (name, position, saved_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET position = excluded.position, saved_at = excluded.saved_at',
    );
    this.readOne = this.db.prepare('SELECT position FROM daemonledger_checkpoints WHERE name = ?').pluck();
  }

  async load(name: string): Promise<number> {
    assertCheckpointName(name);
    return (this.readOne.get(name) as number | undefined) ?? 0;
  }

  async save(name: string, position: number): Promise<void> {
    assertCheckpointName(name);
    assertCheckpointPosition(position);
    try {
      this.upsert.run(name, position, new Date().toISOString());
    } catch (cause) {
      throw new DomainError('StorageError', `Cannot save checkpoint "${name}": ${(cause as Error).message}`);
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
