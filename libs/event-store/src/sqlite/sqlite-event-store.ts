import type Database from 'better-sqlite3';
import { DomainError } from '@daemonledger/domain/errors';
import type {
  AppendOptions,
  AppendRequest,
  AppendResult,
  EventStore,
  ExpectedRevision,
  IntegrityReport,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../event-store.port';
import { UpcasterRegistry } from '../upcaster-registry';
import { closedError } from '../internal/errors';
import { classifyBatch, type StoredRef } from '../internal/idempotency';
import { verifyChain } from '../internal/integrity';
import { ChangeSignal, PullSubscription } from '../internal/pull-subscription';
import {
  assertStreamId,
  checkReadAll,
  streamWanted,
  checkReadStream,
  DEFAULT_MAX_EVENT_BYTES,
  type EventStoreOptions,
  normaliseExpected,
  type PreparedEvent,
  prepareBatch,
  prepareRequest,
} from '../internal/validation';
import { CHAIN_ROWS, type ChainedRow, type EventRow, RowCodec, SCAN_ROWS, type ScanRow } from './sqlite-rows';
import { openDatabase, readChainFrom } from './sqlite-schema';
import { verifyInParallel } from './sqlite-verify';
import { SqliteWriter, type WriteOutcome } from './sqlite-writer';

export interface SqliteEventStoreOptions extends EventStoreOptions {
  file: string;
  /** FULL (default) survives power loss; NORMAL (WAL) may lose the last commits on power loss, never on a process crash. */
  synchronous?: 'FULL' | 'NORMAL';
  /** How often an idle subscription looks for appends made by another process (ms, default 250). */
  pollIntervalMs?: number;
  /** PRAGMA quick_check when opening an existing file (default true). */
  verifyOnOpen?: boolean;
  /**
   * Benchmark only (`bench:store` measures what the chain costs): false stores
   * events without a hash, which `verifyIntegrity` then reports as a broken chain.
   */
  hashChain?: boolean;
  /**
   * Where `verifyIntegrity` checks the chain: true on a worker thread, false
   * on the calling thread; by default a worker from PARALLEL_VERIFY_FROM
   * events on (below, starting it costs more than it saves).
   */
  parallelVerify?: boolean;
}

/** Ids come back as hex text: cheaper to turn into a uuid than a Buffer is. Stream names come from RowCodec's cache. */
const SELECT = 'e.position, e.stream, e.revision, lower(hex(e.event_id)), e.type, e.schema_version, e.data, e.metadata, e.recorded_at';
const NO_LIMIT = -1;
/** Log length from which `verifyIntegrity` checks the chain on a second core by default. */
export const PARALLEL_VERIFY_FROM = 50_000;
/** Rows whose position and stream a filtered read scans at a time. */
const SCAN_CHUNK = 4_096;
/** Up to this many streams named by a filtered read, SQLite filters by their keys; beyond, the keys are scanned here. */
const FEW_STREAMS = 1_000;

/** One prepared request of an append call. */
export interface PreparedRequest {
  streamId: string;
  expected: ExpectedRevision;
  batch: PreparedEvent[];
}

/**
 * The embedded default: one SQLite file in WAL mode (schema v2, see
 * sqlite-ddl.ts), one transaction per append call, positions allocated inside
 * it, every event chained to the previous one by a SHA-256 (hash-chain.ts).
 *
 * Several processes may share the file (controllers on one log, each its own
 * connection; writes serialise on SQLite's write lock, waited for up to 5 s).
 * Caches (stream revisions, the chain's head, the dictionaries) are never
 * trusted for correctness: each write transaction
 * compares the cached head with max(position), and when another process
 * appended, re-reads the head and forgets the revisions; a stale stream
 * revision makes the (stream, revision) unique index reject the insert, and a
 * VersionConflict is only reported after re-reading inside the transaction.
 *
 * better-sqlite3 is synchronous, so each method does its work at once and
 * returns a settled promise; nothing interleaves inside an append.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly upcasters: UpcasterRegistry;
  private readonly maxEventBytes: number;
  private readonly pollIntervalMs: number;
  private readonly signal = new ChangeSignal();
  private readonly subscriptions = new Set<PullSubscription>();
  private readonly codec: RowCodec;
  private readonly writer: SqliteWriter;
  private closed = false;

  private readonly findId: Database.Statement;
  private readonly streamForwards: Database.Statement;
  private readonly streamBackwards: Database.Statement;
  private readonly allForwards: Database.Statement;
  private readonly allBackwards: Database.Statement;
  private readonly allBetween: Database.Statement;
  private readonly keysBetween: Database.Statement;
  private readonly rowAt: Database.Statement;
  private readonly streamsNamed: Database.Statement;
  private readonly rowsOfFew: Database.Statement;
  private readonly chainRows: Database.Statement;
  private readonly scanRows: Database.Statement;
  private readonly head: Database.Statement;
  private readonly write: Database.Transaction<(requests: PreparedRequest[], skip: (AppendResult | undefined)[] | undefined) => WriteOutcome[]>;

  constructor(private readonly options: SqliteEventStoreOptions) {
    this.upcasters = options.upcasters ?? new UpcasterRegistry();
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.db = openDatabase({ file: options.file, synchronous: options.synchronous ?? 'FULL', verify: options.verifyOnOpen ?? true });
    const db = this.db;
    this.codec = new RowCodec(db, this.upcasters);
    this.writer = new SqliteWriter(db, this.codec, options.hashChain ?? true, (batch) => this.lookupIds(batch));
    this.findId = db.prepare(
      "SELECT s.name AS streamId, e.revision, e.position FROM events e JOIN streams s ON s.id = e.stream WHERE e.event_id = unhex(?, '-')",
    );
    this.streamForwards = db.prepare(`SELECT ${SELECT} FROM events e WHERE e.stream = ? AND e.revision >= ? ORDER BY e.revision LIMIT ?`).raw();
    this.streamBackwards = db.prepare(`SELECT ${SELECT} FROM events e WHERE e.stream = ? AND e.revision <= ? ORDER BY e.revision DESC LIMIT ?`).raw();
    this.allForwards = db.prepare(`SELECT ${SELECT} FROM events e WHERE e.position > ? ORDER BY e.position LIMIT ?`).raw();
    this.allBackwards = db.prepare(`SELECT ${SELECT} FROM events e WHERE e.position < ? ORDER BY e.position DESC LIMIT ?`).raw();
    this.allBetween = db.prepare(`SELECT ${SELECT} FROM events e WHERE e.position > ? AND e.position <= ? ORDER BY e.position`).raw();
    this.keysBetween = db.prepare('SELECT position, stream FROM events WHERE position > ? AND position <= ? ORDER BY position LIMIT ?').raw();
    this.rowAt = db.prepare(`SELECT ${SELECT} FROM events e WHERE e.position = ?`).raw();
    this.streamsNamed = db.prepare('SELECT id FROM streams WHERE name >= ? AND name < ? LIMIT ?').pluck();
    // `+e.stream`: the range of positions is scanned, never a stream's whole (stream, revision) index.
    this.rowsOfFew = db
      .prepare(`SELECT ${SELECT} FROM events e WHERE e.position > ? AND e.position <= ? AND +e.stream IN (SELECT value FROM json_each(?)) ORDER BY e.position LIMIT ?`)
      .raw();
    this.chainRows = db.prepare(CHAIN_ROWS).raw();
    this.scanRows = db.prepare(SCAN_ROWS).raw();
    this.head = db.prepare('SELECT max(position) FROM events').pluck();
    this.write = db.transaction((requests: PreparedRequest[], skip: (AppendResult | undefined)[] | undefined) =>
      this.writer.write(requests, skip),
    );
  }

  async append(streamId: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    this.assertOpen();
    assertStreamId(streamId);
    const expected = normaliseExpected(options);
    const batch = prepareBatch(streamId, events, this.upcasters, this.maxEventBytes);
    return this.appendPrepared([{ streamId, expected, batch }])[0];
  }

  async appendMany(requests: AppendRequest[]): Promise<AppendResult[]> {
    this.assertOpen();
    return this.appendPrepared(requests.map((r) => prepareRequest(r, this.upcasters, this.maxEventBytes)));
  }

  private appendPrepared(prepared: PreparedRequest[]): AppendResult[] {
    let outcomes: WriteOutcome[];
    try {
      outcomes = this.write.immediate(prepared, undefined);
    } catch (cause) {
      if (!isUniqueViolation(cause)) throw this.storageFailure('append', cause);
      // Some ids are stored already (a retry, or a mixed batch: Conflict), or a
      // revision cache entry was stale (another process appended to the stream).
      const retries = prepared.map((r) => (r.batch.length ? classifyBatch(r.streamId, r.batch, this.lookupIds(r.batch)) : undefined));
      if (retries.every((r) => r !== undefined)) return retries as AppendResult[];
      this.writer.forgetRevisions(prepared.map((r) => r.streamId));
      try {
        outcomes = this.write.immediate(prepared, retries);
      } catch (again) {
        throw this.storageFailure('append', again);
      }
    }
    this.writer.committed();
    if (outcomes.some((o) => o.written)) this.signal.notify();
    return outcomes.map((o) => o.result);
  }

  private lookupIds(batch: PreparedEvent[]): (StoredRef | undefined)[] {
    return batch.map((e) => this.findId.get(e.id) as StoredRef | undefined);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    assertStreamId(streamId);
    const { direction, fromRevision, maxCount } = checkReadStream(options);
    const limit = maxCount === Number.MAX_SAFE_INTEGER ? NO_LIMIT : maxCount;
    try {
      const key = this.codec.streamKey(streamId);
      if (key === undefined) return [];
      const rows =
        direction === 'forwards'
          ? (this.streamForwards.all(key, fromRevision ?? 0, limit) as EventRow[])
          : (this.streamBackwards.all(key, fromRevision ?? Number.MAX_SAFE_INTEGER, limit) as EventRow[]);
      return this.codec.toEvents(rows);
    } catch (cause) {
      throw this.storageFailure('readStream', cause);
    }
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    const { direction, fromPosition, maxCount, toPosition, streamPrefixes } = checkReadAll(options);
    const limit = maxCount === Number.MAX_SAFE_INTEGER ? NO_LIMIT : maxCount;
    try {
      if (streamPrefixes !== undefined) return this.codec.toEvents(this.rowsOfStreams(fromPosition ?? 0, toPosition ?? Number.MAX_SAFE_INTEGER, streamPrefixes, maxCount));
      if (toPosition !== undefined) {
        const to = Math.min(toPosition, (fromPosition ?? 0) + maxCount);
        return this.codec.toEvents(to <= (fromPosition ?? 0) ? [] : (this.allBetween.all(fromPosition ?? 0, to) as EventRow[]));
      }
      const rows =
        direction === 'forwards'
          ? (this.allForwards.all(fromPosition ?? 0, limit) as EventRow[])
          : (this.allBackwards.all(fromPosition ?? Number.MAX_SAFE_INTEGER, limit) as EventRow[]);
      return this.codec.toEvents(rows);
    } catch (cause) {
      throw this.storageFailure('readAll', cause);
    }
  }

  /**
   * The rows after `from`, up to `to`, of the streams named by `prefixes`, at
   * most `max`. Positions and stream keys are scanned first (two integers a
   * row, from the table's own B-tree); the rows that match are then read
   * whole, one by one when they are few, else as a range whose other rows are
   * dropped undecoded. Positions are dense (1..head), so `to - from` bounds
   * the scan.
   */
  private rowsOfStreams(from: number, to: number, prefixes: readonly string[], max: number): EventRow[] {
    // Few streams named (the DaemonSets): their keys are looked up by name, and SQLite filters the range itself.
    const few = this.streamKeysOf(prefixes);
    if (few) return this.rowsOfFew.all(from, to, JSON.stringify(few), max === Number.MAX_SAFE_INTEGER ? NO_LIMIT : max) as EventRow[];
    const out: EventRow[] = [];
    const wanted = new Map<number, boolean>();
    const isWanted = (key: number) => {
      let w = wanted.get(key);
      if (w === undefined) wanted.set(key, (w = streamWanted(this.codec.streamName(key), prefixes)));
      return w;
    };
    for (let after = from; out.length < max && after < to; ) {
      const keys = this.keysBetween.all(after, to, SCAN_CHUNK) as [number, number][];
      if (keys.length === 0) break;
      const last = keys[keys.length - 1][0];
      const hits = keys.filter(([, stream]) => isWanted(stream));
      if (hits.length * 4 < keys.length) {
        for (const [position] of hits) {
          if (out.length >= max) break;
          out.push(this.rowAt.get(position) as EventRow);
        }
      } else {
        for (const row of this.allBetween.all(after, last) as EventRow[]) {
          if (out.length >= max) break;
          if (isWanted(row[1])) out.push(row);
        }
      }
      if (keys.length < SCAN_CHUNK) break;
      after = last;
    }
    return out;
  }

  /** The keys of the streams whose names start with one of `prefixes`, when at most FEW_STREAMS (undefined: more). */
  private streamKeysOf(prefixes: readonly string[]): number[] | undefined {
    const keys: number[] = [];
    for (const prefix of prefixes) {
      // Every name that starts with the prefix sorts between it and the prefix with its last character's successor.
      const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
      keys.push(...(this.streamsNamed.all(prefix, upper, FEW_STREAMS + 1 - keys.length) as number[]));
      if (keys.length > FEW_STREAMS) return undefined;
    }
    return keys;
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    this.assertOpen();
    const sub = new PullSubscription(
      async (after, max) => this.readAll({ fromPosition: after, maxCount: max }),
      this.signal,
      options,
      this.pollIntervalMs,
      (s) => this.subscriptions.delete(s),
    );
    this.subscriptions.add(sub);
    return sub;
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    try {
      return (this.head.get() as number | null) ?? 0;
    } catch (cause) {
      throw this.storageFailure('headPosition', cause);
    }
  }

  /**
   * On a file, the chain is checked on a second core (sqlite-verify.ts) while
   * this thread reads the rows for `visit`; a `:memory:` database, which no
   * other thread can open, is checked here, and so is a short log (see
   * `parallelVerify`).
   */
  async verifyIntegrity(onProgress?: (position: number) => void, visit?: (event: RecordedEvent) => void): Promise<IntegrityReport> {
    this.assertOpen();
    // Dictionaries read afresh: names cached by this process must not hide an edit of the file.
    const codec = new RowCodec(this.db, this.upcasters);
    const chainFrom = readChainFrom(this.db);
    const knownHead = this.writer.knownHead();
    try {
      const parallel = !this.db.memory && (this.options.parallelVerify ?? knownHead >= PARALLEL_VERIFY_FROM);
      if (!parallel) {
        const report = await verifyChain(
          { chainFrom, knownHead, rowsAfter: (after, limit) => codec.toChainRows(this.chainRows.all(after, limit) as ChainedRow[]) },
          onProgress,
          visit && ((row) => visit(codec.toEvent(row))),
        );
        // The b-trees too, as the worker path does (a short log: quick).
        const problems = report.ok ? (this.db.pragma('quick_check(5)') as { quick_check: string }[]) : [{ quick_check: 'ok' }];
        if (problems.length !== 1 || problems[0].quick_check !== 'ok') {
          throw Object.assign(new Error(`the database is corrupted: ${problems.map((p) => p.quick_check).join('; ')}`), { code: 'SQLITE_CORRUPT' });
        }
        return report;
      }
      return await verifyInParallel({
        file: this.db.name,
        chainFrom,
        knownHead,
        rowsAfter: (after, limit) => this.scanRows.all(after, limit) as ScanRow[],
        decode: (row) => codec.visited(row),
        onProgress,
        visit,
      });
    } catch (cause) {
      throw this.storageFailure('verifyIntegrity', cause);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    try {
      this.db.close();
    } catch (cause) {
      throw this.storageFailure('close', cause);
    }
  }

  private storageFailure(operation: string, cause: unknown): DomainError {
    if (cause instanceof DomainError) return cause;
    const code = (cause as { code?: string }).code ?? '';
    const reason = (cause as Error).message ?? String(cause);
    const hint =
      code === 'SQLITE_BUSY'
        ? ' (another process held the write lock for longer than the 5 s busy timeout)'
        : code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB'
          ? ' (the file is corrupted)'
          : code === 'SQLITE_FULL'
            ? ' (the disk is full)'
            : '';
    return new DomainError('StorageError', `Event store "${this.options.file}": ${operation} failed: ${reason}${hint}`);
  }

  private assertOpen(): void {
    if (this.closed) throw closedError(`SQLite ("${this.options.file}")`);
  }
}

const isUniqueViolation = (e: unknown): boolean => {
  const code = (e as { code?: string } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
};
