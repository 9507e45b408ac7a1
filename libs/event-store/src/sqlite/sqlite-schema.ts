import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { DomainError } from '@daemonledger/domain/errors';
import { EVENT_INDEXES_V2, EVENTS_V2, SCHEMA_VERSION } from './sqlite-ddl';
import { upgradeFromV1 } from './sqlite-upgrade';

export { SCHEMA_VERSION };

/** 'DLES' — marks the file as a DaemonLedger event store (PRAGMA application_id). */
export const APPLICATION_ID = 0x444c4553;
const FORMAT = 'daemonledger-event-store';
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
/** Tables other DaemonLedger parts may keep in the same file (created over their own connection). */
const NEIGHBOUR_TABLES = new Set(['daemonledger_snapshots']);

const META = 'CREATE TABLE daemonledger_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;';
const EVENT_COLUMNS = ['position', 'stream', 'revision', 'event_id', 'type', 'schema_version', 'data', 'metadata', 'recorded_at', 'hash'];

export interface OpenSchemaOptions {
  file: string;
  synchronous: 'FULL' | 'NORMAL';
  /** Run PRAGMA quick_check on open (default true): a damaged file fails at open, not mid-rollout. */
  verify: boolean;
}

/**
 * The log is private to the server's user: a folder made for it is 0700 and
 * a new file 0600 before SQLite opens it (SQLite gives the -wal and -shm
 * files the database file's mode, whatever the umask).
 */
const createPrivate = (file: string): void => {
  if (file === ':memory:') return;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  if (!existsSync(file)) closeSync(openSync(file, 'wx', 0o600));
};

/** A log an older build left 0644 is tightened once it is proven ours (a foreign file is left exactly as it was). */
const tightenModes = (file: string): void => {
  if (file === ':memory:') return;
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
};

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
    createPrivate(file);
    db = new Database(file, { timeout: 5000 });
  } catch (cause) {
    throw fail(file, (cause as Error).message);
  }
  try {
    const appId = db.pragma('application_id', { simple: true }) as number;
    const userVersion = db.pragma('user_version', { simple: true }) as number;
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all() as string[]);
    if (appId === 0 && userVersion === 0 && tables.every((t) => NEIGHBOUR_TABLES.has(t))) {
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
      if (userVersion !== SCHEMA_VERSION && userVersion !== 1) {
        throw fail(file, `unknown DaemonLedger schema version ${userVersion} (expected 1 or ${SCHEMA_VERSION})`);
      }
      if (options.verify) {
        const problems = db.pragma('quick_check(5)', { simple: false }) as { quick_check: string }[];
        if (problems.length !== 1 || problems[0].quick_check !== 'ok') {
          throw fail(file, `the database is corrupted: ${problems.map((p) => p.quick_check).join('; ')}`);
        }
      }
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous}`);
      if (userVersion === 1) upgradeFromV1(db, (message) => fail(file, message));
      verifyShape(db, file);
    }
    tightenModes(file);
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
    db.exec(EVENTS_V2 + EVENT_INDEXES_V2 + META);
    const meta = db.prepare('INSERT INTO daemonledger_meta (key, value) VALUES (?, ?)');
    meta.run('format', FORMAT);
    meta.run('schema_version', String(SCHEMA_VERSION));
    meta.run('created_at', new Date().toISOString());
    meta.run('chain_from', '1');
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
};

export { FORMAT };

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
  const chainFrom = Number(meta.get('chain_from'));
  if (!Number.isSafeInteger(chainFrom) || chainFrom < 1) {
    throw fail(file, `the meta table has no valid chain_from (${JSON.stringify(meta.get('chain_from'))})`);
  }
};

/** First position that carries a hash (meta `chain_from`). */
export const readChainFrom = (db: Database.Database): number =>
  Number(db.prepare(`SELECT value FROM daemonledger_meta WHERE key = 'chain_from'`).pluck().get());
