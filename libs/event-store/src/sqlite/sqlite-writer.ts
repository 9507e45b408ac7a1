import type Database from 'better-sqlite3';
import type { AppendResult } from '../event-store.port';
import { revisionMatches, versionConflict } from '../internal/errors';
import { ChainHasher, ZERO_HASH_HEX } from '../internal/hash-chain';
import { classifyBatch, type StoredRef } from '../internal/idempotency';
import type { PreparedEvent } from '../internal/validation';
import type { PreparedRequest } from './sqlite-event-store';
import type { RowCodec } from './sqlite-rows';

/** An append's result, and whether it wrote (false: an idempotent retry). */
export interface WriteOutcome {
  result: AppendResult;
  written: boolean;
}

interface Head {
  position: number;
  /** hex of the head's hash; zeros when it has none (an empty log, or v1 rows before the chain). */
  hex: string;
  recordedAtMs: number;
}

const COLUMNS = 10;
/** Rows per INSERT statement: powers of two up to this (10 variables a row, far below SQLite's 32,766). */
const MAX_ROWS = 128;
const MAX_CACHED_STREAMS = 100_000;

/**
 * Writes one append call inside its BEGIN IMMEDIATE transaction: checks the
 * cached head against the file, allocates positions, checks revisions, interns
 * new streams and types, hashes each event onto the chain and stores the rows
 * with a few multi-row INSERTs. Nothing it caches changes until `committed()`:
 * a rolled-back transaction leaves the caches as they were.
 */
export class SqliteWriter {
  private head: Head;
  /** stream → revision of its last event (-1: known empty). */
  private readonly revisions = new Map<string, number>();
  private pending: { head: Head; revisions: Map<string, number>; streams: Map<string, number>; types: Map<string, number> } | undefined;

  private readonly inserts = new Map<number, Database.Statement>();
  private readonly hasher = new ChainHasher();
  private readonly headRow: Database.Statement;
  private readonly maxPosition: Database.Statement;
  private readonly lastRevision: Database.Statement;
  private readonly addStream: Database.Statement;
  private readonly addType: Database.Statement;
  private readonly addMetadata: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly codec: RowCodec,
    private readonly hashChain: boolean,
    private readonly lookupIds: (batch: PreparedEvent[]) => (StoredRef | undefined)[],
  ) {
    this.headRow = db.prepare('SELECT position, hash, recorded_at FROM events ORDER BY position DESC LIMIT 1').raw();
    this.maxPosition = db.prepare('SELECT max(position) FROM events').pluck();
    this.lastRevision = db.prepare('SELECT max(revision) FROM events WHERE stream = ?').pluck();
    this.addStream = db.prepare('INSERT INTO streams (name) VALUES (?)');
    this.addType = db.prepare('INSERT INTO event_types (name) VALUES (?)');
    this.addMetadata = db.prepare('INSERT INTO shared_metadata (json) VALUES (?)');
    this.head = this.readHead();
  }

  /** The head this process last saw committed. */
  knownHead(): number {
    return this.head.position;
  }

  forgetRevisions(streams: string[]): void {
    for (const s of streams) this.revisions.delete(s);
  }

  /** Runs inside the transaction; `skip[i]` set: request i is a known idempotent retry. */
  write(requests: PreparedRequest[], skip: (AppendResult | undefined)[] | undefined): WriteOutcome[] {
    this.pending = undefined;
    if (((this.maxPosition.get() as number | null) ?? 0) !== this.head.position) {
      // Another connection appended: our head and revisions are stale.
      this.head = this.readHead();
      this.revisions.clear();
    }
    const revisions = new Map<string, number>();
    const streams = new Map<string, number>();
    const types = new Map<string, number>();
    const recordedAtMs = Math.max(Date.now(), this.head.recordedAtMs);
    this.hasher.reuse();
    let total = 0;
    requests.forEach((r, i) => void (skip?.[i] ? 0 : (total += r.batch.length)));
    const params = new Array<unknown>(total * COLUMNS);
    let at = 0;
    let position = this.head.position;
    let previousHex = this.head.hex;
    const metadataOf = sharedMetadata(requests, skip, (json) => Number(this.addMetadata.run(json).lastInsertRowid));
    let index = 0;
    const outcomes = requests.map((request, r): WriteOutcome => {
      const known = skip?.[r];
      if (known) return { result: known, written: false };
      const first = index;
      const { streamId, expected, batch } = request;
      if (batch.length === 0) {
        // A condition (a leader's fence): read from the file, never the cache, since nothing
        // inserted here could trip the unique index the way a stale revision does for events.
        const key = this.codec.streamKey(streamId) ?? streams.get(streamId);
        const onFile = key === undefined ? -1 : ((this.lastRevision.get(key) as number | null) ?? -1);
        const now = revisions.get(streamId) ?? onFile;
        if (!revisionMatches(expected, now)) throw versionConflict(streamId, expected, now);
        return { result: { nextExpectedRevision: now, position }, written: false };
      }
      let current = revisions.get(streamId) ?? this.revisions.get(streamId);
      if (current === undefined || !revisionMatches(expected, current)) {
        if (!revisions.has(streamId)) {
          const key = this.codec.streamKey(streamId);
          current = key === undefined ? -1 : ((this.lastRevision.get(key) as number | null) ?? -1);
          this.revisions.set(streamId, current);
        }
        if (!revisionMatches(expected, current!)) {
          const retry = classifyBatch(streamId, batch, this.lookupIds(batch));
          if (retry) {
            index = first + batch.length;
            return { result: retry, written: false };
          }
          throw versionConflict(streamId, expected, current!);
        }
      }
      let streamKey = streams.get(streamId) ?? this.codec.streamKey(streamId);
      if (streamKey === undefined) {
        streamKey = Number(this.addStream.run(streamId).lastInsertRowid);
        streams.set(streamId, streamKey);
      }
      let revision = current!;
      for (let i = 0; i < batch.length; i++) {
        const e = batch[i];
        position++;
        revision++;
        let typeKey = types.get(e.type) ?? this.codec.typeKey(e.type);
        if (typeKey === undefined) {
          typeKey = Number(this.addType.run(e.type).lastInsertRowid);
          types.set(e.type, typeKey);
        }
        const metadata = metadataOf(index++);
        let hash: string | null = null;
        let data: string | Buffer = e.data;
        if (this.hashChain) {
          hash = previousHex = this.hasher.hex(previousHex, position, streamId, revision, e.id, e.type, e.schemaVersion, recordedAtMs, e.data, e.metadata);
          data = this.hasher.data;
        }
        params[at++] = position;
        params[at++] = streamKey;
        params[at++] = revision;
        params[at++] = e.id;
        params[at++] = typeKey;
        params[at++] = e.schemaVersion;
        params[at++] = data;
        params[at++] = metadata;
        params[at++] = recordedAtMs;
        params[at++] = hash;
      }
      revisions.set(streamId, revision);
      return { result: { nextExpectedRevision: revision, position }, written: true };
    });
    // Requests found to be retries inside the transaction leave the tail unused.
    this.insertRows(at === params.length ? params : params.slice(0, at));
    this.pending = { head: { position, hex: previousHex, recordedAtMs }, revisions, streams, types };
    return outcomes;
  }

  /** After COMMIT: what the transaction wrote becomes what the caches say. */
  committed(): void {
    const p = this.pending;
    this.pending = undefined;
    if (!p) return;
    this.head = p.head;
    for (const [name, key] of p.streams) this.codec.rememberStream(name, key);
    for (const [name, key] of p.types) this.codec.rememberType(name, key);
    if (this.revisions.size + p.revisions.size > MAX_CACHED_STREAMS) this.revisions.clear();
    for (const [stream, revision] of p.revisions) this.revisions.set(stream, revision);
  }

  /** Few statements per call: the largest power-of-two chunks first (100 rows: 64 + 32 + 4). */
  private insertRows(params: unknown[]): void {
    let rows = params.length / COLUMNS;
    let offset = 0;
    while (rows > 0) {
      let n = MAX_ROWS;
      while (n > rows) n >>= 1;
      const values = offset === 0 && n === rows ? params : params.slice(offset * COLUMNS, (offset + n) * COLUMNS);
      this.insert(n).run(values);
      offset += n;
      rows -= n;
    }
  }

  private insert(rows: number): Database.Statement {
    let statement = this.inserts.get(rows);
    if (!statement) {
      // Id and hash go in as text and become bytes in SQLite (unhex skips the uuid's dashes): no Buffer per event.
      // Data may come as the UTF-8 bytes the hash was computed over: CAST stores them as the same TEXT, encoded once.
      const values = Array.from({ length: rows }, () => "(?, ?, ?, unhex(?, '-'), ?, ?, CAST(? AS TEXT), ?, ?, unhex(?))").join(', ');
      statement = this.db.prepare(
        `INSERT INTO events (position, stream, revision, event_id, type, schema_version, data, metadata, recorded_at, hash) VALUES ${values}`,
      );
      this.inserts.set(rows, statement);
    }
    return statement;
  }

  private readHead(): Head {
    const row = this.headRow.get() as [number, Buffer | null, number] | undefined;
    if (!row) return { position: 0, hex: ZERO_HASH_HEX, recordedAtMs: 0 };
    return { position: row[0], hex: row[1] ? row[1].toString('hex') : ZERO_HASH_HEX, recordedAtMs: row[2] };
  }
}

/**
 * Events of one call usually carry one command's metadata: a run of
 * consecutive events with the same JSON stores it once in shared_metadata
 * (inserted when first needed) and refers to it by id; an event whose
 * metadata is its own keeps the text inline. Returns the value to store for
 * the i-th event of the call (requests skipped as known retries excluded).
 */
const sharedMetadata = (
  requests: { batch: PreparedEvent[] }[],
  skip: unknown[] | undefined,
  store: (json: string) => number,
): ((i: number) => string | number) => {
  const texts: string[] = [];
  requests.forEach((r, i) => {
    if (!skip?.[i]) for (const e of r.batch) texts.push(e.metadata);
  });
  let runText: string | undefined;
  let runId = 0;
  return (i) => {
    const text = texts[i];
    if (text !== texts[i - 1] && text !== texts[i + 1]) return text;
    if (text !== runText) {
      runText = text;
      runId = store(text);
    }
    return runId;
  };
};
