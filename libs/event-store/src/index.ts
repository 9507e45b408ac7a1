export type {
  AppendOptions,
  AppendResult,
  Direction,
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
} from './event-store.port';
export { UpcasterRegistry, type Upcaster, type UpcastContext } from './upcaster-registry';
export { DEFAULT_MAX_EVENT_BYTES, EVENT_ID, EVENT_TYPE, STREAM_NAME, type EventStoreOptions } from './internal/validation';
export { timeOrderedUuid } from './internal/uuid';
export { MemoryEventStore } from './memory/memory-event-store';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store';
export { EventStoreDbEventStore, type EventStoreDbEventStoreOptions } from './eventstoredb/eventstoredb-event-store';
export { eventStoreConfigSchema, openEventStore, type EventStoreConfig } from './open-event-store';
export type { SnapshotPartRef, SnapshotRef, SnapshotStore, SnapshotWriter } from './snapshot-store.port';
export { SnapshotCorruptError } from './snapshot-store.port';
export { MemorySnapshotStore } from './memory/memory-snapshot-store';
export { SqliteSnapshotStore, type SqliteSnapshotStoreOptions } from './sqlite/sqlite-snapshot-store';
export { EventStoreDbSnapshotStore, type EventStoreDbSnapshotStoreOptions } from './eventstoredb/eventstoredb-snapshot-store';
export { openSnapshotStore } from './open-snapshot-store';
export { type CheckpointStore } from './checkpoint-store.port';
export { MemoryCheckpointStore } from './memory/memory-checkpoint-store';
export { SqliteCheckpointStore, type SqliteCheckpointStoreOptions } from './sqlite/sqlite-checkpoint-store';
export { openCheckpointStore } from './open-checkpoint-store';
