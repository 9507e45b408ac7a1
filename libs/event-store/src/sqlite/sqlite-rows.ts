import type Database from 'better-sqlite3';
import type { EventMetadata, RecordedEvent } from '../event-store.port';
import type { ChainRow } from '../internal/integrity';
import { buildRecorded, toRecorded } from '../internal/records';
import type { UpcasterRegistry } from '../upcaster-registry';
import { hexToUuid } from '../internal/uuid';

/**
 * position, stream key, revision, id as 32 lower-case hex digits, type key,
 * schema version, data, metadata (text, or a shared_metadata id), recorded_at ms.
 */
export type EventRow = [number, number, number, string, number, number, string, string | number, number];
/**
 * A full scan's row (the verifier's): the same with the stream's name joined
 * in by SQLite, which costs a scan less than resolving names in JavaScript
 * (a missing name, only in a damaged file, reads as one no hash matches).
 */
export type ScanRow = [number, string, number, string, number, number, string, string | number, number];
/** A scan row plus the stored hash. */
export type ChainedRow = [...ScanRow, Buffer | null];

const SCAN_COLUMNS = `e.position, coalesce(s.name, '#missing-stream-' || e.stream), e.revision, lower(hex(e.event_id)), e.type, e.schema_version, e.data, e.metadata, e.recorded_at`;
const SCAN_FROM = 'FROM events e LEFT JOIN streams s ON s.id = e.stream WHERE e.position > ? ORDER BY e.position LIMIT ?';
/** ScanRows after a position, ascending (ids as hex text: cheaper to turn into a uuid than a Buffer is). */
export const SCAN_ROWS = `SELECT ${SCAN_COLUMNS} ${SCAN_FROM}`;
/** ChainedRows after a position, ascending. */
export const CHAIN_ROWS = `SELECT ${SCAN_COLUMNS}, e.hash ${SCAN_FROM}`;

const MAX_CACHED_STREAMS = 100_000;
const MAX_CACHED_METADATA = 10_000;
const STREAM_RUN = 256;

/**
 * The v2 row format's dictionaries and decoding: interned stream names and
 * event types, shared metadata, ids as bytes, times as milliseconds. Caches
 * are filled only from committed rows (the writer hands its new entries over
 * after COMMIT), so a rolled-back append never leaves a phantom id behind.
 */
export class RowCodec {
  private readonly streamIds = new Map<string, number>();
  private readonly streamNames = new Map<number, string>();
  private typeNames: string[] = [];
  private readonly typeIds = new Map<string, number>();
  private readonly metadata = new Map<number, string>();
  private lastMs = -1;
  private lastIso = '';
  private lastMetadataText: string | undefined;
  private lastMetadata: EventMetadata = {};

  private readonly findStream: Database.Statement;
  private readonly streamNamesFrom: Database.Statement;
  private readonly findType: Database.Statement;
  private readonly allTypes: Database.Statement;
  private readonly metadataAt: Database.Statement;

  /** Without upcasters the codec decodes rows for the chain check only (the chain worker), never events. */
  constructor(db: Database.Database, private readonly upcasters?: UpcasterRegistry) {
    this.findStream = db.prepare('SELECT id FROM streams WHERE name = ?').pluck();
    this.streamNamesFrom = db.prepare('SELECT id, name FROM streams WHERE id >= ? ORDER BY id LIMIT ?').raw();
    this.findType = db.prepare('SELECT id FROM event_types WHERE name = ?').pluck();
    this.allTypes = db.prepare('SELECT id, name FROM event_types').raw();
    this.metadataAt = db.prepare('SELECT json FROM shared_metadata WHERE id = ?').pluck();
  }

  /** Stored key of a stream name, or undefined when no event of it was ever committed. */
  streamKey(name: string): number | undefined {
    let id = this.streamIds.get(name);
    if (id === undefined) {
      id = this.findStream.get(name) as number | undefined;
      if (id !== undefined) this.rememberStream(name, id);
    }
    return id;
  }

  typeKey(name: string): number | undefined {
    let id = this.typeIds.get(name);
    if (id === undefined) {
      id = this.findType.get(name) as number | undefined;
      if (id !== undefined) this.rememberType(name, id);
    }
    return id;
  }

  rememberStream(name: string, id: number): void {
    if (this.streamIds.size >= MAX_CACHED_STREAMS) {
      this.streamIds.clear();
      this.streamNames.clear();
    }
    this.streamIds.set(name, id);
    this.streamNames.set(id, name);
  }

  /**
   * A cache rather than a JOIN on every read: a page holds few streams, and a
   * JOIN costs a B-tree probe a row. A miss loads the next STREAM_RUN names
   * from that id on: streams are numbered as first appended to, so a read in
   * log order meets new ones in that order (a full scan makes one query per
   * run of new streams, not one per stream).
   */
  streamName(id: number): string {
    const name = this.streamNames.get(id);
    if (name !== undefined) return name;
    let found: string | undefined;
    for (const [key, stored] of this.streamNamesFrom.all(id, STREAM_RUN) as [number, string][]) {
      if (key === id) found = stored;
      this.rememberStream(stored, key);
    }
    // Only a damaged file refers to a stream it does not name; the name below matches no hash.
    if (found === undefined) return `#missing-stream-${id}`;
    // A full cache was cleared while the run was loaded: keep the one asked for.
    if (!this.streamNames.has(id)) this.rememberStream(found, id);
    return found;
  }

  rememberType(name: string, id: number): void {
    this.typeIds.set(name, id);
    this.typeNames[id] = name;
  }

  /** The type's name; `#<id>` when the dictionary has none (only a damaged file), which no hash will match. */
  typeName(id: number): string {
    let name = this.typeNames[id];
    if (name === undefined) {
      for (const [key, value] of this.allTypes.all() as [number, string][]) this.rememberType(value, key);
      name = this.typeNames[id] ?? `#${id}`;
    }
    return name;
  }

  isoTime(ms: number): string {
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastIso = new Date(ms).toISOString();
    }
    return this.lastIso;
  }

  /** The metadata text of every row, shared copies looked up by id (cached: a page holds few). */
  metadataTexts(rows: readonly EventRow[] | readonly ScanRow[] | readonly ChainedRow[]): string[] {
    const out = new Array<string>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const m = rows[i][7];
      out[i] = typeof m === 'string' ? m : this.sharedMetadata(m);
    }
    return out;
  }

  /** A missing shared copy only happens to a damaged file; '' never matches a hash. */
  private sharedMetadata(id: number): string {
    let text = this.metadata.get(id);
    if (text === undefined) {
      const stored = this.metadataAt.get(id);
      if (typeof stored !== 'string') return '';
      text = stored;
      if (this.metadata.size >= MAX_CACHED_METADATA) this.metadata.clear();
      this.metadata.set(id, text);
    }
    return text;
  }

  toEvents(rows: EventRow[]): RecordedEvent[] {
    const metadata = this.metadataTexts(rows);
    const out = new Array<RecordedEvent>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      out[i] = toRecorded(this.registry(), this.streamName(r[1]), r[2], r[0], hexToUuid(r[3]), this.typeName(r[4]), r[5], r[6], metadata[i], this.isoTime(r[8]));
    }
    return out;
  }

  /**
   * A row as `readAll` returns it (data parsed and upcast), except that
   * consecutive events with the same metadata text share one parsed object:
   * what `verifyIntegrity` visits is read, not kept or changed.
   */
  visited(r: ScanRow): RecordedEvent {
    const m = r[7];
    const text = typeof m === 'string' ? m : this.sharedMetadata(m);
    if (text !== this.lastMetadataText) {
      this.lastMetadataText = text;
      this.lastMetadata = JSON.parse(text);
    }
    return buildRecorded(this.registry(), r[1], r[2], r[0], hexToUuid(r[3]), this.typeName(r[4]), r[5], JSON.parse(r[6]), this.lastMetadata, this.isoTime(r[8]));
  }

  /** The same from a row the in-thread chain check read (a `:memory:` database, which a worker cannot open). */
  toEvent(r: ChainRow): RecordedEvent {
    if (r.metadata !== this.lastMetadataText) {
      this.lastMetadataText = r.metadata;
      this.lastMetadata = JSON.parse(r.metadata);
    }
    return buildRecorded(this.registry(), r.streamId, r.revision, r.position, r.id, r.type, r.schemaVersion, JSON.parse(r.data), this.lastMetadata, this.isoTime(r.recordedAtMs));
  }

  private registry(): UpcasterRegistry {
    if (!this.upcasters) throw new Error('RowCodec: this codec decodes chain rows only (it was made without upcasters)');
    return this.upcasters;
  }

  toChainRows(rows: ChainedRow[]): ChainRow[] {
    const metadata = this.metadataTexts(rows);
    return rows.map((r, i) => ({
      position: r[0],
      streamId: r[1],
      revision: r[2],
      id: r[3].length === 32 ? hexToUuid(r[3]) : `#bad-id-${r[3]}`,
      type: this.typeName(r[4]),
      schemaVersion: r[5],
      data: r[6],
      metadata: metadata[i],
      recordedAtMs: r[8],
      hash: r[9],
    }));
  }
}
