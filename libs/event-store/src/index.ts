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
