import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { DomainError } from '@daemonledger/domain/errors';

/** 'DLES' — marks the file as a DaemonLedger event store (PRAGMA application_id). */
export const APPLICATION_ID = 0x444c4553;
/** Schema version this build writes and reads (PRAGMA user_version and the meta table). */
export const SCHEMA_VERSION = 1;
const FORMAT = 'daemonledger-event-store';
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * One table. `position` is the rowid: SQLite hands out max(rowid)+1 inside the
 * write transaction, so a rolled-back or crashed append leaves no hole and
 * positions stay 1..N. Exactly two secondary indexes: what readStream and the
 * expected-revision check need, and what idempotency needs.
 */
const SCHEMA = `
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
const EVENT_COLUMNS = ['position', 'stream_id', 'revision', 'event_id', 'type', 'schema_version', 'data', 'metadata', 'recorded_at'];

export interface OpenSchemaOptions {
  file: string;
  synchronous: 'FULL' | 'NORMAL';
  /** Run PRAGMA quick_check on open (default true): a damaged file fails at open, not mid-rollout. */
  verify: boolean;
}

const fail = (file: string, message: string): DomainError =>
  new DomainError('StorageError', `Cannot open event store "${file}": ${message}`);

const checkHeader = (file: string): void => {
  if (!existsSync(file) || statSync(file).size === 0) return;
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length);
    const read = readSync(fd, head, 0, head.length, 0);
    if (read < head.length || !head.equals(SQLITE_HEADER)) {
      throw fail(file, 'the file is not a SQLite database (corrupted, or some other file); refusing to touch it');
    }
  } finally {
    closeSync(fd);
  }
};

/**
 * Opens (or creates) the file and proves it is ours before any write: an empty
 * file is initialised; a foreign database, a damaged file or a newer schema is
 * a StorageError and the file is left exactly as it was.
 */
export const openDatabase = (options: OpenSchemaOptions): Database.Database => {
  const { file } = options;
  checkHeader(file);
  let db: Database.Database;
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    db = new Database(file, { timeout: 5000 });
  } catch (cause) {
    throw fail(file, (cause as Error).message);
  }
  try {
    const appId = db.pragma('application_id', { simple: true }) as number;
    const userVersion = db.pragma('user_version', { simple: true }) as number;
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all() as string[]);
    if (appId === 0 && userVersion === 0 && tables.length === 0) {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous}`);
      initialise(db);
    } else {
      if (appId !== APPLICATION_ID) {
        throw fail(
          file,
          `it is a SQLite database but not a DaemonLedger event store (application_id ${appId}, tables: ${tables.join(', ') || 'none'}); refusing to initialise over it`,
        );
      }
      if (userVersion > SCHEMA_VERSION) {
        throw fail(file, `it was written by a newer DaemonLedger (schema v${userVersion}; this build reads up to v${SCHEMA_VERSION}); upgrade before opening it`);
      }
      if (userVersion !== SCHEMA_VERSION) {
        throw fail(file, `unknown DaemonLedger schema version ${userVersion} (expected ${SCHEMA_VERSION})`);
      }
      if (options.verify) {
        const problems = db.pragma('quick_check(5)', { simple: false }) as { quick_check: string }[];
        if (problems.length !== 1 || problems[0].quick_check !== 'ok') {
          throw fail(file, `the database is corrupted: ${problems.map((p) => p.quick_check).join('; ')}`);
        }
      }
      verifyShape(db, file);
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous}`);
    }
    return db;
  } catch (cause) {
    db.close();
    if (cause instanceof DomainError) throw cause;
    const code = (cause as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw fail(file, `the database is corrupted (${(cause as Error).message})`);
    }
    throw fail(file, (cause as Error).message);
  }
};

const initialise = (db: Database.Database): void => {
  db.transaction(() => {
    db.exec(SCHEMA);
    const meta = db.prepare('INSERT INTO daemonledger_meta (key, value) VALUES (?, ?)');
    meta.run('format', FORMAT);
    meta.run('schema_version', String(SCHEMA_VERSION));
    meta.run('created_at', new Date().toISOString());
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
};

const verifyShape = (db: Database.Database, file: string): void => {
  const columns = (db.prepare(`SELECT name FROM pragma_table_info('events') ORDER BY cid`).pluck().all() as string[]);
  if (columns.join(',') !== EVENT_COLUMNS.join(',')) {
    throw fail(file, `the events table has columns [${columns.join(', ')}], expected [${EVENT_COLUMNS.join(', ')}]`);
  }
  const meta = db.prepare(`SELECT value FROM daemonledger_meta WHERE key = ?`).pluck();
  const format = meta.get('format');
  const version = meta.get('schema_version');
  if (format !== FORMAT || version !== String(SCHEMA_VERSION)) {
    throw fail(file, `the meta table says format ${JSON.stringify(format)} v${String(version)}, expected ${FORMAT} v${SCHEMA_VERSION}`);
  }
};
