import type { EventStoreConfig } from './open-event-store';
import { EventStoreDbSnapshotStore } from './eventstoredb/eventstoredb-snapshot-store';
import { MemorySnapshotStore } from './memory/memory-snapshot-store';
import type { SnapshotStore } from './snapshot-store.port';
import { SqliteSnapshotStore } from './sqlite/sqlite-snapshot-store';

/**
 * The snapshot store beside a configured event log: the same SQLite file (a
 * table of its own; open the event store first, it creates the file), the
 * same EventStoreDB (streams of their own), or memory.
 */
export const openSnapshotStore = (config: EventStoreConfig): SnapshotStore => {
  switch (config.kind) {
    case 'sqlite':
      return new SqliteSnapshotStore({ file: config.file });
    case 'memory':
      return new MemorySnapshotStore();
    case 'eventstoredb':
      return new EventStoreDbSnapshotStore({ connectionString: config.connectionString });
  }
};
