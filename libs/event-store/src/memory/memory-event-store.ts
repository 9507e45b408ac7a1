import type {
  AppendOptions,
  AppendRequest,
  AppendResult,
  EventStore,
  IntegrityReport,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../event-store.port';
import { UpcasterRegistry } from '../upcaster-registry';
import { closedError, revisionMatches, versionConflict } from '../internal/errors';
import { classifyBatch } from '../internal/idempotency';
import { chainHash, ZERO_HASH_HEX } from '../internal/hash-chain';
import { verifyChain } from '../internal/integrity';
import { ChangeSignal, PullSubscription } from '../internal/pull-subscription';
import { toRecorded } from '../internal/records';
import {
  assertStreamId,
  checkReadAll,
  streamWanted,
  checkReadStream,
  DEFAULT_MAX_EVENT_BYTES,
  type EventStoreOptions,
  normaliseExpected,
  prepareBatch,
  prepareRequest,
} from '../internal/validation';

interface Row {
  position: number;
  streamId: string;
  revision: number;
  id: string;
  type: string;
  schemaVersion: number;
  data: string;
  metadata: string;
  recordedAt: string;
  recordedAtMs: number;
  /** The chain hash, as the SQLite adapter stores it (internal/hash-chain.ts). */
  hash: Buffer;
}

/**
 * The log in a few arrays, for unit tests. It stores the same serialised JSON
 * as the SQLite adapter, so what a test reads back is exactly what a real
 * store would return (no shared object references, same JSON round trip).
 * Positions are dense: position p is rows[p - 1]. Events are hash-chained
 * like SQLite's, so unit tests can exercise `verifyIntegrity`.
 */
export class MemoryEventStore implements EventStore {
  private readonly rows: Row[] = [];
  private readonly streams = new Map<string, Row[]>();
  private readonly ids = new Map<string, Row>();
  private readonly signal = new ChangeSignal();
  private readonly subscriptions = new Set<PullSubscription>();
  private readonly upcasters: UpcasterRegistry;
  private readonly maxEventBytes: number;
  private closed = false;

  constructor(options: EventStoreOptions = {}) {
    this.upcasters = options.upcasters ?? new UpcasterRegistry();
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  }

  async append(streamId: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    this.assertOpen();
    assertStreamId(streamId);
    const expected = normaliseExpected(options);
    const batch = prepareBatch(streamId, events, this.upcasters, this.maxEventBytes);
    const retry = classifyBatch(streamId, batch, batch.map((e) => this.ids.get(e.id)));
    if (retry) return retry;
    let stream = this.streams.get(streamId);
    const current = stream ? stream.length - 1 : -1;
    if (!revisionMatches(expected, current)) throw versionConflict(streamId, expected, current);
    if (!stream) this.streams.set(streamId, (stream = []));
    const recordedAtMs = Math.max(Date.now(), this.rows.at(-1)?.recordedAtMs ?? 0);
    const recordedAt = new Date(recordedAtMs).toISOString();
    let row: Row | undefined;
    for (const e of batch) {
      const fields = { position: this.rows.length + 1, streamId, revision: stream.length, recordedAt, recordedAtMs, ...e };
      const previous = this.rows.at(-1);
      row = { ...fields, hash: chainHash(previous ? previous.hash.toString('hex') : ZERO_HASH_HEX, fields) };
      this.rows.push(row);
      stream.push(row);
      this.ids.set(e.id, row);
    }
    this.signal.notify();
    return { nextExpectedRevision: row!.revision, position: row!.position };
  }

  /** All or nothing: every request (conditions included) is validated and checked before any is stored. */
  async appendMany(requests: AppendRequest[]): Promise<AppendResult[]> {
    this.assertOpen();
    const prepared = requests.map((r) => {
      const { streamId, expected, batch } = prepareRequest(r, this.upcasters, this.maxEventBytes);
      const retry = batch.length ? classifyBatch(streamId, batch, batch.map((e) => this.ids.get(e.id))) : undefined;
      return { r, expected, batch, retry, checkedAt: -1 };
    });
    const pending = new Map<string, number>();
    for (const p of prepared) {
      if (p.retry) continue;
      const current = pending.get(p.r.streamId) ?? (this.streams.get(p.r.streamId)?.length ?? 0) - 1;
      if (!revisionMatches(p.expected, current)) throw versionConflict(p.r.streamId, p.expected, current);
      p.checkedAt = current;
      pending.set(p.r.streamId, current + p.batch.length);
    }
    const results: AppendResult[] = [];
    for (const p of prepared) {
      if (p.retry) results.push(p.retry);
      else if (p.batch.length) results.push(await this.append(p.r.streamId, p.r.events, { expectedRevision: 'any' }));
      // A condition writes nothing: the stream's revision as checked, and the head when its turn came.
      else results.push({ nextExpectedRevision: p.checkedAt, position: this.rows.length });
    }
    return results;
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    assertStreamId(streamId);
    const { direction, fromRevision, maxCount } = checkReadStream(options);
    const stream = this.streams.get(streamId) ?? [];
    const out: RecordedEvent[] = [];
    if (direction === 'forwards') {
      for (let r = fromRevision ?? 0; r < stream.length && out.length < maxCount; r++) out.push(this.toEvent(stream[r]));
    } else {
      for (let r = Math.min(fromRevision ?? stream.length - 1, stream.length - 1); r >= 0 && out.length < maxCount; r--) {
        out.push(this.toEvent(stream[r]));
      }
    }
    return out;
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    const { direction, fromPosition, maxCount, toPosition, streamPrefixes } = checkReadAll(options);
    const out: RecordedEvent[] = [];
    if (direction === 'forwards') {
      const last = Math.min(this.rows.length, toPosition ?? Infinity);
      for (let p = (fromPosition ?? 0) + 1; p <= last && out.length < maxCount; p++) {
        const row = this.rows[p - 1];
        if (streamWanted(row.streamId, streamPrefixes)) out.push(this.toEvent(row));
      }
    } else {
      const start = fromPosition === undefined ? this.rows.length : Math.min(fromPosition - 1, this.rows.length);
      for (let p = start; p >= 1 && out.length < maxCount; p--) out.push(this.toEvent(this.rows[p - 1]));
    }
    return out;
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    this.assertOpen();
    const sub = new PullSubscription(
      (after, max) => this.readAll({ fromPosition: after, maxCount: max }),
      this.signal,
      options,
      undefined,
      (s) => this.subscriptions.delete(s),
    );
    this.subscriptions.add(sub);
    return sub;
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    return this.rows.length;
  }

  async verifyIntegrity(onProgress?: (position: number) => void): Promise<IntegrityReport> {
    this.assertOpen();
    return verifyChain({ chainFrom: 1, rowsAfter: (after, limit) => this.rows.slice(after, after + limit) }, onProgress);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    this.closed = true;
  }

  private toEvent(r: Row): RecordedEvent {
    return toRecorded(this.upcasters, r.streamId, r.revision, r.position, r.id, r.type, r.schemaVersion, r.data, r.metadata, r.recordedAt);
  }

  private assertOpen(): void {
    if (this.closed) throw closedError('memory');
  }
}
