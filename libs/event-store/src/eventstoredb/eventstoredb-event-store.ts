import {
  ANY,
  BACKWARDS,
  END,
  ErrorType,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  excludeSystemEvents,
  isCommandError,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type AllStreamSubscription,
  type Position,
  type ReadPosition,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { DomainError } from '@daemonledger/domain/errors';
import type {
  AppendOptions,
  AppendRequest,
  AppendResult,
  EventMetadata,
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
import { badRequest, closedError, revisionMatches, versionConflict } from '../internal/errors';
import { buildRecorded } from '../internal/records';
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

export interface EventStoreDbEventStoreOptions extends EventStoreOptions {
  /** e.g. `esdb://localhost:2113?tls=false` */
  connectionString: string;
}

/**
 * What we put in EventStoreDB's metadata: the caller's metadata kept whole,
 * our schema version beside it, and the `$correlationId`/`$causationId` the
 * server's own by-correlation projections understand.
 */
interface StoredMetadata {
  schemaVersion: number;
  metadata: EventMetadata;
  $correlationId?: string;
  $causationId?: string;
}

type EsdbRecorded = NonNullable<ResolvedEvent['event']>;

/**
 * EventStoreDB through @eventstore/db-client (gRPC).
 *
 * Positions: our numeric position is the event's commit position in $all (a
 * byte offset: increasing, not dense, exact as a JS number below 2^53 bytes).
 * Reads from an exclusive position start the server read at {commit: p,
 * prepare: p} and drop anything at or before p. System streams and events
 * (`$…`) are filtered out: the port only ever shows DaemonLedger's own streams.
 *
 * Idempotency is the server's own (by event id, relative to the expected
 * revision; best effort with 'any'). A batch mixing stored and new ids is
 * reported by the server as a wrong expected version, so it surfaces here as
 * VersionConflict rather than Conflict.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly upcasters: UpcasterRegistry;
  private readonly maxEventBytes: number;
  private readonly subscriptions = new Set<EsdbSubscription>();
  private closed = false;

  constructor(options: EventStoreDbEventStoreOptions) {
    this.upcasters = options.upcasters ?? new UpcasterRegistry();
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    try {
      this.client = EventStoreDBClient.connectionString(options.connectionString);
    } catch (cause) {
      throw new DomainError('Invalid', `Invalid EventStoreDB connection string: ${(cause as Error).message}`, {
        causes: [{ reason: 'FieldValueInvalid', message: (cause as Error).message, field: 'connectionString' }],
      });
    }
  }

  async append(streamId: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    this.assertOpen();
    assertStreamId(streamId);
    const expected = normaliseExpected(options);
    const batch = prepareBatch(streamId, events, this.upcasters, this.maxEventBytes);
    const payload = batch.map((e, i) => {
      const metadata = (events[i].metadata ?? {}) as EventMetadata;
      const stored: StoredMetadata = { schemaVersion: e.schemaVersion, metadata };
      if (typeof metadata.correlationId === 'string') stored.$correlationId = metadata.correlationId;
      if (typeof metadata.causationId === 'string') stored.$causationId = metadata.causationId;
      return jsonEvent({ id: e.id, type: e.type, data: events[i].data as Record<string, unknown>, metadata: stored });
    });
    try {
      const result = await this.client.appendToStream(streamId, payload, { expectedRevision: toEsdbExpected(expected) });
      const nextExpectedRevision = Number(result.nextExpectedRevision);
      const position = result.position
        ? toNumber(result.position.commit)
        : await this.positionOf(streamId, nextExpectedRevision); // idempotent writes may not report one
      return { nextExpectedRevision, position };
    } catch (cause) {
      throw mapError(cause, 'append', streamId, expected);
    }
  }

  /**
   * EventStoreDB has no multi-stream transaction: requests go in order, each
   * atomic, stopping at the first failure. Conditions (`events: []`, see the
   * port) are read-then-write: every condition is checked by reading its
   * stream's last revision before the first write, so a fence stops a deposed
   * leader's batch unless the lease changes hands between that read and the
   * writes (a window of one round trip the server cannot close).
   */
  async appendMany(requests: AppendRequest[]): Promise<AppendResult[]> {
    this.assertOpen();
    const prepared = requests.map((r) => prepareRequest(r, this.upcasters, this.maxEventBytes));
    const checked = new Map<number, AppendResult>();
    for (const [i, p] of prepared.entries()) {
      if (p.batch.length) continue;
      const [last] = await this.readStream(p.streamId, { direction: 'backwards', maxCount: 1 });
      const current = last?.revision ?? -1;
      if (!revisionMatches(p.expected, current)) throw versionConflict(p.streamId, p.expected, current);
      checked.set(i, { nextExpectedRevision: current, position: last?.position ?? 0 });
    }
    const results: AppendResult[] = [];
    for (const [i, r] of requests.entries()) {
      results.push(checked.get(i) ?? (await this.append(r.streamId, r.events, { expectedRevision: r.expectedRevision })));
    }
    return results;
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    assertStreamId(streamId);
    const { direction, fromRevision, maxCount } = checkReadStream(options);
    if (maxCount === 0) return [];
    const out: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamId, {
        direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
        fromRevision: fromRevision === undefined ? (direction === 'forwards' ? START : END) : BigInt(fromRevision),
        maxCount,
      });
      for await (const resolved of read) {
        if (resolved.event) out.push(this.toEvent(resolved.event, resolved.commitPosition));
      }
      return out;
    } catch (cause) {
      if (isCommandError(cause as Error) && (cause as { type?: string }).type === ErrorType.STREAM_NOT_FOUND) return [];
      throw mapError(cause, 'readStream', streamId);
    }
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    const { direction, fromPosition, maxCount, toPosition: upTo, streamPrefixes } = checkReadAll(options);
    if (maxCount === 0) return [];
    const forwards = direction === 'forwards';
    const from: ReadPosition =
      fromPosition === undefined || (forwards && fromPosition === 0) ? (forwards ? START : END) : toPosition(fromPosition);
    const out: RecordedEvent[] = [];
    try {
      // System events are skipped client-side, so read until maxCount of ours, then cancel.
      // The client's readAll takes no stream filter: other streams are skipped here too (correct, not cheaper).
      const read = this.client.readAll({ direction: forwards ? FORWARDS : BACKWARDS, fromPosition: from });
      for await (const resolved of read) {
        const event = this.fromAll(resolved);
        if (!event) continue;
        if (fromPosition !== undefined && (forwards ? event.position <= fromPosition : event.position >= fromPosition)) continue;
        if (upTo !== undefined && event.position > upTo) break;
        if (!streamWanted(event.streamId, streamPrefixes)) continue;
        out.push(event);
        if (out.length >= maxCount) break;
      }
      return out;
    } catch (cause) {
      throw mapError(cause, 'readAll');
    }
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    this.assertOpen();
    const from = options.fromPosition ?? 0;
    if (typeof options.onEvent !== 'function') throw badRequest('subscribeToAll needs an onEvent function', 'onEvent');
    if (!Number.isSafeInteger(from) || from < 0) throw badRequest(`fromPosition must be an integer ≥ 0, got ${from}`, 'fromPosition');
    const esdb = this.client.subscribeToAll({
      fromPosition: from === 0 ? START : toPosition(from),
      filter: excludeSystemEvents(),
    });
    const sub = new EsdbSubscription(esdb, from, options, (r) => this.fromAll(r), () => this.subscriptions.delete(sub));
    this.subscriptions.add(sub);
    return sub;
  }

  async headPosition(): Promise<number> {
    const [newest] = await this.readAll({ direction: 'backwards', maxCount: 1 });
    return newest?.position ?? 0;
  }

  /**
   * Global order only (`chainedFrom: null`): every event's commit position
   * is above the one before it. No hash chain is kept here: with several
   * writers and no multi-stream transaction there is no single place to
   * compute "the previous event's hash" atomically with the append; the
   * server keeps its own chunk checksums.
   */
  async verifyIntegrity(onProgress?: (position: number) => void): Promise<IntegrityReport> {
    let events = 0;
    let last = 0;
    for (;;) {
      const page = await this.readAll({ fromPosition: last, maxCount: 1000 });
      for (const e of page) {
        if (e.position <= last) return { ok: false, events, position: e.position, problem: `rows reordered: position ${e.position} after ${last}` };
        last = e.position;
        events++;
      }
      if (page.length > 0) onProgress?.(last);
      if (page.length < 1000) return { ok: true, events, head: last, chainedFrom: null };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    try {
      await this.client.dispose();
    } catch (cause) {
      throw mapError(cause, 'close');
    }
  }

  private async positionOf(streamId: string, revision: number): Promise<number> {
    const [event] = await this.readStream(streamId, { fromRevision: revision, maxCount: 1 });
    return event?.position ?? 0;
  }

  private fromAll(resolved: AllStreamResolvedEvent): RecordedEvent | undefined {
    const e = resolved.event;
    if (!e || e.streamId.startsWith('$') || e.type.startsWith('$')) return undefined;
    return this.toEvent(e, e.position?.commit ?? resolved.commitPosition);
  }

  private toEvent(e: EsdbRecorded, commit: bigint | undefined): RecordedEvent {
    if (!e.isJson) {
      throw new DomainError('StorageError', `Event ${e.id} in stream "${e.streamId}" is not JSON; DaemonLedger only writes JSON events`);
    }
    const stored = (e.metadata ?? {}) as Partial<StoredMetadata>;
    const wrapped = typeof stored.schemaVersion === 'number' && typeof stored.metadata === 'object' && stored.metadata !== null;
    const schemaVersion = wrapped ? stored.schemaVersion! : 1;
    const metadata = wrapped ? stored.metadata! : (stored as EventMetadata);
    const position = toNumber(e.position?.commit ?? commit ?? 0n);
    return buildRecorded(
      this.upcasters,
      e.streamId,
      Number(e.revision),
      position,
      e.id,
      e.type,
      schemaVersion,
      e.data,
      metadata,
      e.created.toISOString(),
    );
  }

  private assertOpen(): void {
    if (this.closed) throw closedError('EventStoreDB');
  }
}

/** Pulls with for-await, so the server stream is paused while onEvent runs: strict order, one at a time. */
class EsdbSubscription implements Subscription {
  private closed = false;
  private delivering = false;
  private readonly done: Promise<void>;

  constructor(
    private readonly esdb: AllStreamSubscription,
    private position: number,
    private readonly options: SubscribeOptions,
    private readonly convert: (r: AllStreamResolvedEvent) => RecordedEvent | undefined,
    private readonly onClosed: () => void,
  ) {
    esdb.on('caughtUp', () => {
      if (!this.closed) options.onCaughtUp?.(this.position);
    });
    this.done = this.run();
  }

  private async run(): Promise<void> {
    let handlerError: unknown;
    try {
      for await (const resolved of this.esdb) {
        if (this.closed) break;
        const event = this.convert(resolved);
        if (!event || event.position <= this.position) continue;
        this.delivering = true;
        try {
          await this.options.onEvent(event);
        } catch (e) {
          handlerError = e;
          throw e;
        } finally {
          this.delivering = false;
        }
        this.position = event.position;
      }
    } catch (cause) {
      if (!this.closed) {
        this.closed = true;
        // The subscriber's own error goes back as thrown; anything from the client is translated.
        const error =
          cause === handlerError ? (cause instanceof Error ? cause : new Error(String(cause))) : mapError(cause, 'subscribeToAll');
        if (this.options.onError) this.options.onError(error);
        else console.error(`EventStoreDB subscription stopped at position ${this.position}: ${error.message}`);
      }
    } finally {
      this.closed = true;
      await this.esdb.unsubscribe().catch(() => undefined);
      this.onClosed();
    }
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.esdb.unsubscribe().catch(() => undefined);
    }
    if (!this.delivering) await this.done;
  }
}

const toEsdbExpected = (expected: ExpectedRevision): AppendExpectedRevision => {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
};

const fromEsdbExpected = (expected: AppendExpectedRevision): ExpectedRevision =>
  typeof expected === 'bigint' ? Number(expected) : expected;

const toPosition = (position: number): Position => ({ commit: BigInt(position), prepare: BigInt(position) });

const toNumber = (n: bigint): number => {
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DomainError('StorageError', `EventStoreDB position ${n} is beyond what this adapter can represent exactly`);
  }
  return Number(n);
};

/** Vendor errors in, DomainError out. Nothing from the client escapes this file. */
const mapError = (cause: unknown, operation: string, streamId?: string, expected?: ExpectedRevision): DomainError => {
  if (cause instanceof DomainError) return cause;
  const error = cause as Error & { type?: string };
  const where = streamId ? ` on stream "${streamId}"` : '';
  if (!(error instanceof Error) || !isCommandError(error)) {
    return new DomainError('StorageError', `EventStoreDB ${operation}${where} failed: ${error?.message ?? String(cause)}`);
  }
  switch (error.type) {
    case ErrorType.WRONG_EXPECTED_VERSION: {
      const e = error as Error & { streamName?: string; expectedVersion: AppendExpectedRevision; actualVersion: bigint | 'no_stream' };
      const actual = typeof e.actualVersion === 'bigint' ? Number(e.actualVersion) : -1;
      return versionConflict(e.streamName || streamId || '?', expected ?? fromEsdbExpected(e.expectedVersion), actual);
    }
    case ErrorType.STREAM_DELETED:
      return new DomainError('Gone', `Stream "${streamId}" was deleted in EventStoreDB`, { name: streamId });
    case ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED:
      return new DomainError('BadRequest', `EventStoreDB rejected the append${where}: ${error.message}`);
    case ErrorType.INVALID_ARGUMENT:
      return new DomainError('BadRequest', `EventStoreDB rejected the ${operation}${where}: ${error.message}`);
    case ErrorType.ACCESS_DENIED:
      return new DomainError('StorageError', `EventStoreDB denied ${operation}${where}: check the connection string's credentials`);
    case ErrorType.UNAVAILABLE:
    case ErrorType.DEADLINE_EXCEEDED:
    case ErrorType.TIMEOUT:
    case ErrorType.NOT_LEADER:
      return new DomainError('StorageError', `EventStoreDB is unavailable for ${operation}${where}: ${error.message}`, { retryAfterSeconds: 1 });
    default:
      return new DomainError('StorageError', `EventStoreDB ${operation}${where} failed (${error.type}): ${error.message}`);
  }
};
