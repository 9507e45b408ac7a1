import { DomainError } from '@daemonledger/domain/errors';

/**
 * Durable read positions of the log's relays (the events outbox, the
 * pod-command relay): name → the log position up to which everything was
 * handed over. A checkpoint is derived data, like a snapshot: it lives beside
 * the log (a table of its own in the SQLite file, a stream of its own in
 * EventStoreDB), never in the event log itself, and losing it only makes a
 * relay send again what consumers already have (they dedupe by id).
 *
 * Adapters: memory (unit tests), SQLite, EventStoreDB.
 */
export interface CheckpointStore {
  /** The saved position, or 0 (from the first event) when none was saved. */
  load(name: string): Promise<number>;
  /** Durable when it resolves. */
  save(name: string, position: number): Promise<void>;
  close(): Promise<void>;
}

/** A checkpoint name is printable and short (it is part of a table key or a stream name). */
export const assertCheckpointName = (name: string): void => {
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(name)) throw new DomainError('BadRequest', `invalid checkpoint name ${JSON.stringify(name)}`);
};

export const assertCheckpointPosition = (position: number): void => {
  if (!Number.isSafeInteger(position) || position < 0) throw new DomainError('BadRequest', `invalid checkpoint position ${position}`);
};
