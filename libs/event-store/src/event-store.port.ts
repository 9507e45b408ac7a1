/**
 * The event log port. Every adapter (sqlite, memory, eventstoredb) implements
 * exactly this and passes the shared contract suite (contract/event-store.contract.ts).
 *
 * Vocabulary
 * - stream revision: 0-based index of an event inside its stream.
 * - position: the event's place in the one global order; strictly increasing
 *   integers, not necessarily dense (EventStoreDB commit positions are byte
 *   offsets). 0 means "before the first event".
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
  /** Schema version of `data`; defaults to 1. */
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

/** 'any': no check; 'no_stream': the stream must not exist; n: its last revision must be n. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendOptions {
  expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the last event now in the stream (-1 never happens after an append). */
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
  maxCount?: number;
}

export interface SubscribeOptions {
  /** Deliver every event with position > fromPosition (default 0), catch-up then live. */
  fromPosition?: number;
  /** Called once per event, in global order; the next event waits for the returned promise. */
  onEvent: (event: RecordedEvent) => void | Promise<void>;
  /** Subscription stopped because of an error (including one thrown by onEvent). */
  onError?: (error: Error) => void;
  /** Called each time the subscription has delivered everything up to the head. */
  onCaughtUp?: (position: number) => void;
}

export interface Subscription {
  close(): Promise<void>;
}

export interface EventStore {
  append(streamId: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options: SubscribeOptions): Subscription;
  /** Position of the newest event; 0 for an empty store. */
  headPosition(): Promise<number>;
  close(): Promise<void>;
}
