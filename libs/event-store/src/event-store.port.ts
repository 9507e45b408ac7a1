/**
 * The event log port. Every adapter (sqlite, memory, eventstoredb) implements
 * exactly this and passes the shared contract suite (contract/event-store.contract.ts).
 *
 * Vocabulary
 * - stream revision: 0-based index of an event inside its stream.
 * - position: the event's place in the one global order; strictly increasing
 *   integers, not necessarily dense (EventStoreDB commit positions are byte
 *   offsets). 0 means "before the first event".
 *
 * Semantics every adapter guarantees (the contract suite proves them):
 * - An append is atomic: all events of the call are stored, contiguously in the
 *   stream, or none is. An empty batch is rejected ('BadRequest').
 * - Idempotency by event id: re-appending a batch whose ids are all already
 *   stored, in this stream, in the same order and at consecutive revisions
 *   (i.e. the retry of an acknowledged append, or a contiguous part of it)
 *   succeeds without writing and returns the original result (revision and
 *   position of the batch's last event), whatever the expected revision says.
 *   A batch that mixes stored and new ids, repeats an id, or re-uses an id
 *   stored elsewhere, is rejected ('Conflict', or 'VersionConflict' on
 *   EventStoreDB which decides natively) and nothing is appended.
 * - Wrong expected revision → DomainError 'VersionConflict' whose message names
 *   the stream, the expected and the actual revision. Bad input (stream name,
 *   type, id, schema version, non-object data, oversized event, bad read
 *   options) → 'BadRequest' and nothing appended. Storage failures → 'StorageError'.
 * - Reads return events upcast to the current schema version of their type
 *   (see UpcasterRegistry). `schemaVersion` on a NewEvent defaults to the
 *   registry's current version for its type (1 if nothing is registered), so a
 *   writer that always emits the current shape need not say which one it is.
 */

/** Metadata every stored event carries (DESIGN.md "Streams"). */
export interface EventMetadata {
  /** The command (or API request) whose handling produced the event. */
  commandId?: string;
  /** Id of the message that directly caused this one (a command or an event). */
  causationId?: string;
  /** Ties together everything that followed from one user action (a rollout). */
  correlationId?: string;
  /** Who: `user:admin`, `controller`, `node-agent:<node>`, … */
  actor?: string;
  /** The `kubernetes.io/change-cause` in force when the event was decided. */
  changeCause?: string;
  /** ISO-8601 wall time at which the event was decided (domain time, not storage time). */
  wallTime?: string;
  [key: string]: unknown;
}

export interface NewEvent<T = unknown> {
  /** uuid; appending an id that is already stored is a no-op (idempotent retry). */
  id: string;
  type: string;
  /** Schema version of `data`; defaults to the registry's current version for `type` (1 if none). */
  schemaVersion?: number;
  data: T;
  metadata?: EventMetadata;
}

export interface RecordedEvent<T = unknown> {
  id: string;
  type: string;
  /** After upcasting: the current schema version of this type. */
  schemaVersion: number;
  data: T;
  metadata: EventMetadata;
  streamId: string;
  revision: number;
  position: number;
  /** ISO-8601 time the store accepted the event. */
  recordedAt: string;
}

/**
 * 'any': no check; 'no_stream': the stream must not exist; 'stream_exists': it
 * must have at least one event; n ≥ 0: its last revision must be n. -1 is
 * accepted as a synonym of 'no_stream' (the "last revision" of an empty stream).
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendOptions {
  expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the batch's last event (on an idempotent retry: as originally stored). */
  nextExpectedRevision: number;
  /** Global position of the last event written (or already stored, on an idempotent retry). */
  position: number;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  /** Inclusive; forwards default 0, backwards default the end. */
  fromRevision?: number;
  direction?: Direction;
  maxCount?: number;
}

export interface ReadAllOptions {
  /**
   * Exclusive bound: forwards returns events with position > fromPosition
   * (default 0 = from the start); backwards returns position < fromPosition
   * (default = from the end).
   */
  fromPosition?: number;
  direction?: Direction;
  /** Counts the events returned (with `streamPrefixes`: those that match). */
  maxCount?: number;
  /**
   * Forwards only: no event after this position (inclusive bound). A read
   * that stops there costs the range, not the rest of the log.
   */
  toPosition?: number;
  /**
   * Forwards only: only events of streams whose id starts with one of these
   * (e.g. `daemonset-`), the others skipped without being decoded. A past
   * read of one kind of object folds only its kind's events. Paging works
   * as without it: read on from the last position returned; fewer than
   * `maxCount` events means none is left up to `toPosition` (or the head).
   */
  streamPrefixes?: readonly string[];
}

export interface SubscribeOptions {
  /** Deliver every event with position > fromPosition (default 0), catch-up then live. */
  fromPosition?: number;
  /**
   * Called once per event, in global order; the next event waits for the
   * returned promise. A throw (or rejection) stops the subscription and goes to onError.
   */
  onEvent: (event: RecordedEvent) => void | Promise<void>;
  /** Subscription stopped because of an error (including one thrown by onEvent). */
  onError?: (error: Error) => void;
  /** Called each time the subscription has delivered everything up to the head. */
  onCaughtUp?: (position: number) => void;
}

export interface Subscription {
  /** Stops delivery; resolves once no onEvent call is running (immediately if called from inside one). */
  close(): Promise<void>;
}

/**
 * One stream's part of a multi-stream append. `events: []` with a numeric
 * `expectedRevision` is a condition: nothing is written to that stream, but
 * the call succeeds only if the stream is at that revision when the rest is
 * stored (its result: that revision, and the head position when it was
 * checked). That is how a controller fences its writes with the revision of
 * its own last write to its leader lease: once another process has taken the
 * lease, the deposed leader's batch is rejected whole (VersionConflict naming
 * the lease stream). Any other empty batch is BadRequest, here as in `append`.
 */
export interface AppendRequest {
  streamId: string;
  events: NewEvent[];
  expectedRevision?: ExpectedRevision;
}

/**
 * What `verifyIntegrity` found. `chainedFrom`: the first position carrying a
 * hash (events before it were stored before the chain was turned on, by an
 * older DaemonLedger); null when no event carries one.
 */
export type IntegrityReport =
  | { ok: true; events: number; head: number; chainedFrom: number | null }
  | { ok: false; events: number; position: number; problem: string };

export interface EventStore {
  append(streamId: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /**
   * Several streams in one call, in the given order (positions follow it).
   * SQLite and memory: one transaction — every request is checked and stored,
   * or none is (a conflict in any request rejects them all). EventStoreDB has
   * no multi-stream transactions: there each request is atomic on its own and
   * they are written in order, stopping at the first failure; conditions are
   * read-then-write there (each checked by a read before the first write),
   * which leaves a one-round-trip window a multi-stream transaction closes.
   * Returns one result per request. A request repeated as a whole (all its ids
   * stored already) is an idempotent retry, as for `append`.
   */
  appendMany(requests: AppendRequest[]): Promise<AppendResult[]>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options: SubscribeOptions): Subscription;
  /** Position of the newest event; 0 for an empty store. */
  headPosition(): Promise<number>;
  /**
   * Reads the whole log once, in pages (bounded memory, yielding between
   * pages), and checks it: positions without holes, and the hash chain
   * (SQLite, memory; see internal/hash-chain.ts) that shows an edited,
   * deleted, inserted or reordered row at its exact position. `events` counts
   * the events checked before the problem. `onProgress` gets the last
   * position checked after each page. EventStoreDB checks global order only
   * (`chainedFrom` null): a chain needs the single writer it does not have.
   * `visit`, when given and supported (SQLite), gets every event the check
   * read and found intact, in log order, as `readAll` would return it: a
   * caller that folds the whole log too (the verifier) reads it once, not
   * twice. An adapter may ignore it: callers read on from the last event
   * visited.
   */
  verifyIntegrity?(onProgress?: (position: number) => void, visit?: (event: RecordedEvent) => void): Promise<IntegrityReport>;
  close(): Promise<void>;
}
