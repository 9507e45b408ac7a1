/** Schema version this build writes and reads (PRAGMA user_version and the meta table). v1 files are upgraded at open. */
export const SCHEMA_VERSION = 2;

/**
 * v2. `position` is the rowid, allocated by the adapter inside the write
 * transaction as head + 1 (the head is checked there), so positions stay
 * 1..N without holes. What repeats is stored once:
 * - stream names and event types are interned (`streams`, `event_types`), so
 *   a row and its (stream, revision) index entry carry small integers;
 * - `event_id` is the uuid's 16 bytes; its unique index grows at its end when
 *   ids are time-ordered (UUIDv7, what the controller makes);
 * - `metadata` is the JSON text, or, for consecutive events of one append
 *   call that share it (one command's), the INTEGER id of its one copy in
 *   `shared_metadata` (an id, not a position: what a row means must not
 *   depend on where it sits, or a moved row could not be recognised);
 * - `recorded_at` is milliseconds since the epoch, never decreasing;
 * - `hash` is the 32-byte chain hash (internal/hash-chain.ts), NULL before
 *   `chain_from` in the meta table (events written by a v1 build).
 * Exactly two secondary indexes on events: readStream and the expected-
 * revision check need (stream, revision); idempotency needs event_id.
 */
export const EVENTS_V2 = `
CREATE TABLE events (
  position       INTEGER PRIMARY KEY,
  stream         INTEGER NOT NULL,
  revision       INTEGER NOT NULL,
  event_id       BLOB    NOT NULL,
  type           INTEGER NOT NULL,
  schema_version INTEGER NOT NULL,
  data           TEXT    NOT NULL,
  metadata               NOT NULL,
  recorded_at    INTEGER NOT NULL,
  hash           BLOB
);
CREATE TABLE streams (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE event_types (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE shared_metadata (id INTEGER PRIMARY KEY, json TEXT NOT NULL);
`;
export const EVENT_INDEXES_V2 = `
CREATE UNIQUE INDEX events_stream_revision ON events (stream, revision);
CREATE UNIQUE INDEX events_event_id ON events (event_id);
`;
