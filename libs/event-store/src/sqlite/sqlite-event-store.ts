import type Database from 'better-sqlite3';
import { DomainError } from '@daemonledger/domain/errors';
import type {
  AppendOptions,
  AppendRequest,
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../event-store.port';
import { UpcasterRegistry } from '../upcaster-registry';
import { closedError, revisionMatches, versionConflict } from '../internal/errors';
import { classifyBatch, type StoredRef } from '../internal/idempotency';
import { ChangeSignal, PullSubscription } from '../internal/pull-subscription';
import { toRecorded } from '../internal/records';
import {
  assertStreamId,
  checkReadAll,
  checkReadStream,
  DEFAULT_MAX_EVENT_BYTES,
  type EventStoreOptions,
  normaliseExpected,
  type PreparedEvent,
  prepareBatch,
} from '../internal/validation';
import { openDatabase } from './sqlite-schema';

export interface SqliteEventStoreOptions extends EventStoreOptions {
  file: string;
  /** FULL (default) survives power loss; NORMAL (WAL) may lose the last commits on power loss, never on a process crash. */
  synchronous?: 'FULL' | 'NORMAL';
  /** How often an idle subscription looks for appends made by another process (ms, default 250). */
  pollIntervalMs?: number;
  /** PRAGMA quick_check when opening an existing file (default true). */
  verifyOnOpen?: boolean;
}

type Row = [number, string, number, string, string, number, string, string, string];
const COLUMNS = 'position, stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at';
const NO_LIMIT = -1;
const MAX_CACHED_STREAMS = 100_000;

interface PreparedRequest {
  streamId: string;
  expected: ExpectedRevision;
  batch: PreparedEvent[];
}

/** Marks an append that was an idempotent retry so the caller skips cache update and notification. */
interface WriteOutcome {
  result: AppendResult;
  written: boolean;
}

/**
 * The embedded default: one SQLite file in WAL mode, one transaction per
 * append call, positions allocated by SQLite inside that transaction.
 *
 * Single writer process. The stream-revision cache is an optimisation that is
 * never trusted for correctness: a stale entry (another process appended)
 * makes the (stream_id, revision) unique index reject the insert, and a
 * VersionConflict is only reported after re-reading the stream's revision
 * inside the write transaction. Readers in other processes see new events
 * through the subscription poll.
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
  /** stream → revision of its last event (-1: known empty). */
  private readonly revisions = new Map<string, number>();
  private closed = false;

  private readonly insert: Database.Statement;
  private readonly lastRevision: Database.Statement;
  private readonly findId: Database.Statement;
  private readonly streamForwards: Database.Statement;
  private readonly streamBackwards: Database.Statement;
  private readonly allForwards: Database.Statement;
  private readonly allBackwards: Database.Statement;
  private readonly head: Database.Statement;
  private readonly write: Database.Transaction<(s: string, e: ExpectedRevision, b: PreparedEvent[], at: string) => WriteOutcome>;
  private readonly writeMany: Database.Transaction<(requests: PreparedRequest[], at: string) => WriteOutcome[]>;

  constructor(private readonly options: SqliteEventStoreOptions) {
    this.upcasters = options.upcasters ?? new UpcasterRegistry();
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.db = openDatabase({ file: options.file, synchronous: options.synchronous ?? 'FULL', verify: options.verifyOnOpen ?? true });
    const db = this.db;
    this.insert = db.prepare(
      'INSERT INTO events (stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.lastRevision = db.prepare('SELECT max(revision) FROM events WHERE stream_id = ?').pluck();
    this.findId = db.prepare('SELECT stream_id AS streamId, revision, position FROM events WHERE event_id = ?');
    this.streamForwards = db
      .prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`)
      .raw();
    this.streamBackwards = db
      .prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`)
      .raw();
    this.allForwards = db.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw();
    this.allBackwards = db.prepare(`SELECT ${COLUMNS} FROM events WHERE position < ? ORDER BY position DESC LIMIT ?`).raw();
    this.head = db.prepare('SELECT max(position) FROM events').pluck();
    this.write = db.transaction((streamId, expected, batch, recordedAt) => this.writeBatch(streamId, expected, batch, recordedAt));
    this.writeMany = db.transaction((requests: PreparedRequest[], recordedAt: string) =>
      requests.map((r) => this.writeBatch(r.streamId, r.expected, r.batch, recordedAt)),
    );
  }

  async appendMany(requests: AppendRequest[]): Promise<AppendResult[]> {
    this.assertOpen();
    if (requests.length === 1) {
      const [r] = requests;
      return [await this.append(r.streamId, r.events, { expectedRevision: r.expectedRevision })];
    }
    const prepared: PreparedRequest[] = requests.map((r) => {
      assertStreamId(r.streamId);
      return {
        streamId: r.streamId,
        expected: normaliseExpected({ expectedRevision: r.expectedRevision }),
        batch: prepareBatch(r.streamId, r.events, this.upcasters, this.maxEventBytes),
      };
    });
    const recordedAt = new Date().toISOString();
    let outcomes: WriteOutcome[];
    try {
      outcomes = this.writeMany.immediate(prepared, recordedAt);
    } catch (cause) {
      if (!isUniqueViolation(cause)) throw this.storageFailure('append', cause);
      // As in `append`: stored ids (a retry of the whole call) or a stale revision cache.
      const retries = prepared.map((r) => classifyBatch(r.streamId, r.batch, this.lookupIds(r.batch)));
      if (retries.every((r) => r !== undefined)) return retries as AppendResult[];
      prepared.forEach((r) => this.revisions.delete(r.streamId));
      try {
        outcomes = this.writeMany.immediate(prepared, recordedAt);
      } catch (again) {
        throw this.storageFailure('append', again);
      }
    }
    let wrote = false;
    outcomes.forEach((o, i) => {
      if (!o.written) return;
      wrote = true;
      if (this.revisions.size >= MAX_CACHED_STREAMS) this.revisions.clear();
      this.revisions.set(prepared[i].streamId, o.result.nextExpectedRevision);
    });
    if (wrote) this.signal.notify();
    return outcomes.map((o) => o.result);
  }

  async append(streamId: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    this.assertOpen();
    assertStreamId(streamId);
    const expected = normaliseExpected(options);
    const batch = prepareBatch(streamId, events, this.upcasters, this.maxEventBytes);
    const recordedAt = new Date().toISOString();
    let outcome: WriteOutcome;
    try {
      outcome = this.write.immediate(streamId, expected, batch, recordedAt);
    } catch (cause) {
      if (!isUniqueViolation(cause)) throw this.storageFailure('append', cause);
      // Either some ids are stored already (retry or mixed batch), or the revision
      // cache was stale because another process appended to this stream.
      const retry = classifyBatch(streamId, batch, this.lookupIds(batch));
      if (retry) return retry;
      this.revisions.delete(streamId);
      try {
        outcome = this.write.immediate(streamId, expected, batch, recordedAt);
      } catch (again) {
        throw this.storageFailure('append', again);
      }
    }
    if (outcome.written) {
      if (this.revisions.size >= MAX_CACHED_STREAMS) this.revisions.clear();
      this.revisions.set(streamId, outcome.result.nextExpectedRevision);
      this.signal.notify();
    }
    return outcome.result;
  }

  /** Runs inside BEGIN IMMEDIATE: the revision read here cannot change before COMMIT. */
  private writeBatch(streamId: string, expected: ExpectedRevision, batch: PreparedEvent[], recordedAt: string): WriteOutcome {
    let current = this.revisions.get(streamId);
    if (current === undefined || !revisionMatches(expected, current)) {
      current = (this.lastRevision.get(streamId) as number | null) ?? -1;
      this.revisions.set(streamId, current);
      if (!revisionMatches(expected, current)) {
        const retry = classifyBatch(streamId, batch, this.lookupIds(batch));
        if (retry) return { result: retry, written: false };
        throw versionConflict(streamId, expected, current);
      }
    }
    const insert = this.insert;
    let revision = current;
    let position = 0;
    for (let i = 0; i < batch.length; i++) {
      const e = batch[i];
      position = insert.run(streamId, ++revision, e.id, e.type, e.schemaVersion, e.data, e.metadata, recordedAt).lastInsertRowid as number;
    }
    return { result: { nextExpectedRevision: revision, position }, written: true };
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
      const rows =
        direction === 'forwards'
          ? (this.streamForwards.all(streamId, fromRevision ?? 0, limit) as Row[])
          : (this.streamBackwards.all(streamId, fromRevision ?? Number.MAX_SAFE_INTEGER, limit) as Row[]);
      return this.toEvents(rows);
    } catch (cause) {
      throw this.storageFailure('readStream', cause);
    }
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    const { direction, fromPosition, maxCount } = checkReadAll(options);
    const limit = maxCount === Number.MAX_SAFE_INTEGER ? NO_LIMIT : maxCount;
    try {
      const rows =
        direction === 'forwards'
          ? (this.allForwards.all(fromPosition ?? 0, limit) as Row[])
          : (this.allBackwards.all(fromPosition ?? Number.MAX_SAFE_INTEGER, limit) as Row[]);
      return this.toEvents(rows);
    } catch (cause) {
      throw this.storageFailure('readAll', cause);
    }
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

  private toEvents(rows: Row[]): RecordedEvent[] {
    const out = new Array<RecordedEvent>(rows.length);
    const up = this.upcasters;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      out[i] = toRecorded(up, r[1], r[2], r[0], r[3], r[4], r[5], r[6], r[7], r[8]);
    }
    return out;
  }

  private storageFailure(operation: string, cause: unknown): DomainError {
    if (cause instanceof DomainError) return cause;
    const code = (cause as { code?: string }).code ?? '';
    const reason = (cause as Error).message ?? String(cause);
    const hint =
      code === 'SQLITE_BUSY'
        ? ' (another process holds the write lock; DaemonLedger expects a single writer per file)'
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

const isUniqueViolation = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && (e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
