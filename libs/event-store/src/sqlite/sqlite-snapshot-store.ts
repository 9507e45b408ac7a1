import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { DomainError } from '@daemonledger/domain/errors';
import { assertPartName, checkedPart, sha256Hex, type SnapshotPartRef, type SnapshotRef, type SnapshotStore, type SnapshotWriter } from '../snapshot-store.port';
import { APPLICATION_ID } from './sqlite-schema';

/**
 * One table of its own, beside the events, created on first use. A part is
 * one row; the manifest is the row with the empty part name, written last, so
 * a snapshot interrupted by a crash has no manifest and is never listed (its
 * rows are dropped at the next open). Every row keeps the SHA-256 of its
 * bytes; the manifest's list of them is what reads are checked against.
 */
const TABLE = `
CREATE TABLE IF NOT EXISTS daemonledger_snapshots (
  position     INTEGER NOT NULL,
  code_version TEXT    NOT NULL,
  part         TEXT    NOT NULL,
  data         BLOB    NOT NULL,
  sha256       TEXT    NOT NULL,
  PRIMARY KEY (position, code_version, part)
)`;
const MANIFEST = '';

interface Manifest {
  parts: SnapshotPartRef[];
  bytes: number;
  writtenAt: string;
}

export interface SqliteSnapshotStoreOptions {
  /** The event log's file: it must exist and be a DaemonLedger event store (open the event store first). */
  file: string;
}

/**
 * Snapshots in the log's SQLite file, on a connection of their own so their
 * small writes never share a transaction with appends. synchronous=NORMAL:
 * a snapshot lost to a power cut is only rebuilt from the log, never wrong
 * (the manifest row commits after the parts, and every part is checksummed).
 * Single writer process, as for the log: the listing is cached here.
 */
export class SqliteSnapshotStore implements SnapshotStore {
  private readonly db: Database.Database;
  private listed?: SnapshotRef[];
  private listedAt = -1;
  private readonly hasManifest: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly readOne: Database.Statement;
  private readonly drop: Database.Statement;

  constructor(options: SqliteSnapshotStoreOptions) {
    const { file } = options;
    if (file !== ':memory:' && !existsSync(file)) throw new DomainError('StorageError', `Cannot open snapshots in "${file}": the event log does not exist yet`);
    this.db = new Database(file, { timeout: 5000 });
    try {
      const appId = this.db.pragma('application_id', { simple: true }) as number;
      if (appId !== APPLICATION_ID) throw new DomainError('StorageError', `Cannot open snapshots in "${file}": not a DaemonLedger event store (application_id ${appId})`);
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(TABLE);
      // What a crash left half-written: parts without a manifest.
      this.db.exec(`DELETE FROM daemonledger_snapshots WHERE (position, code_version) NOT IN (SELECT position, code_version FROM daemonledger_snapshots WHERE part = '')`);
    } catch (e) {
      this.db.close();
      throw e;
    }
    // OR IGNORE: another process sharing the file may be writing (or have written) the snapshot at the same position.
    this.insert = this.db.prepare('INSERT OR IGNORE INTO daemonledger_snapshots (position, code_version, part, data, sha256) VALUES (?, ?, ?, ?, ?)');
    this.hasManifest = this.db.prepare(`SELECT 1 FROM daemonledger_snapshots WHERE position = ? AND code_version = ? AND part = ''`).pluck();
    this.readOne = this.db.prepare('SELECT data FROM daemonledger_snapshots WHERE position = ? AND code_version = ? AND part = ?').pluck();
    this.drop = this.db.prepare('DELETE FROM daemonledger_snapshots WHERE position = ? AND code_version = ?');
  }

  async list(): Promise<SnapshotRef[]> {
    // data_version moves when another connection (another controller on the file) commits: its snapshots show then.
    const version = this.db.pragma('data_version', { simple: true }) as number;
    if (this.listed && version === this.listedAt) return this.listed;
    this.listedAt = version;
    const rows = this.db
      .prepare(`SELECT position, code_version AS codeVersion, data, sha256 FROM daemonledger_snapshots WHERE part = '' ORDER BY position DESC`)
      .all() as { position: number; codeVersion: string; data: Buffer; sha256: string }[];
    const refs: SnapshotRef[] = [];
    for (const r of rows) {
      if (sha256Hex(r.data) !== r.sha256) continue; // a damaged manifest: the snapshot is as good as absent
      try {
        const m = JSON.parse(r.data.toString('utf8')) as Manifest;
        refs.push({ position: r.position, codeVersion: r.codeVersion, parts: m.parts, bytes: m.bytes, writtenAt: m.writtenAt });
      } catch {
        continue;
      }
    }
    return (this.listed = refs);
  }

  async begin(position: number, codeVersion: string): Promise<SnapshotWriter> {
    this.listed = undefined;
    if (this.hasManifest.get(position, codeVersion)) {
      // Another process sharing the file stored this one already: the same fold at the same position, kept as it is.
      const existing = (await this.list()).find((r) => r.position === position && r.codeVersion === codeVersion);
      if (existing) return { writePart: async () => undefined, commit: async () => existing, abort: async () => undefined };
    }
    // No drop of parts already there: they may be another process's write in progress (the same bytes, the
    // same fold at the same position); what a crash left is cleaned at open.
    const parts: SnapshotPartRef[] = [];
    return {
      writePart: async (name, data) => {
        assertPartName(name);
        const sha256 = sha256Hex(data);
        this.insert.run(position, codeVersion, name, Buffer.from(data.buffer, data.byteOffset, data.length), sha256);
        parts.push({ name, bytes: data.length, sha256 });
      },
      commit: async () => {
        const manifest: Manifest = { parts, bytes: parts.reduce((n, p) => n + p.bytes, 0), writtenAt: new Date().toISOString() };
        const data = Buffer.from(JSON.stringify(manifest));
        this.insert.run(position, codeVersion, MANIFEST, data, sha256Hex(data));
        this.listed = undefined;
        return { position, codeVersion, ...manifest };
      },
      abort: async () => {
        // Not once a manifest is there: that is a whole snapshot (another process's, at the same position).
        if (!this.hasManifest.get(position, codeVersion)) this.drop.run(position, codeVersion);
      },
    };
  }

  async readPart(ref: SnapshotRef, name: string): Promise<Buffer> {
    return checkedPart(ref, name, this.readOne.get(ref.position, ref.codeVersion, name) as Buffer | undefined);
  }

  async delete(ref: SnapshotRef): Promise<void> {
    this.drop.run(ref.position, ref.codeVersion);
    this.listed = undefined;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
