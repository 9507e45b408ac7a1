import type { CheckpointStore } from './checkpoint-store.port';
import type { EventStoreConfig } from './open-event-store';
import { MemoryCheckpointStore } from './memory/memory-checkpoint-store';
import { SqliteCheckpointStore } from './sqlite/sqlite-checkpoint-store';

/**
 * The checkpoint store beside a configured event log: the same SQLite file (a
 * table of its own; open the event store first, it creates the file), the
 * same EventStoreDB (streams of their own, loaded only when chosen), or memory.
 */
export const openCheckpointStore = async (config: EventStoreConfig): Promise<CheckpointStore> => {
  switch (config.kind) {
    case 'sqlite':
      return new SqliteCheckpointStore({ file: config.file });
    case 'memory':
      return new MemoryCheckpointStore();
    case 'eventstoredb': {
      const { EventStoreDbCheckpointStore } = await import('./eventstoredb/eventstoredb-checkpoint-store');
      return new EventStoreDbCheckpointStore({ connectionString: config.connectionString });
    }
  }
};
