import { openEventStore, openSnapshotStore } from '@daemonledger/event-store';
import type { EventStore } from '@daemonledger/event-store/event-store.port';
import type { SnapshotStore } from '@daemonledger/event-store/snapshot-store.port';
import type { AppConfig } from '../config/config';
import { clusterUpcasters } from './upcasters';

/**
 * The log and its snapshots for one controller process: the given ones, or
 * opened from `config.eventStore` (snapshots beside it unless a store was
 * given or SNAPSHOT_EVERY_EVENTS=0). `close()` closes only what it opened.
 */
export const openLog = async (o: { config: AppConfig; store?: EventStore; snapshots?: SnapshotStore }) => {
  const store = o.store ?? (await openEventStore(o.config.eventStore, clusterUpcasters()));
  const ownSnapshots = !o.snapshots && !o.store && (o.config.snapshots?.everyEvents ?? 1) > 0;
  const snapshots = o.snapshots ?? (ownSnapshots ? openSnapshotStore(o.config.eventStore) : undefined);
  return {
    store,
    snapshots,
    close: async () => {
      if (ownSnapshots) await snapshots?.close();
      if (!o.store) await store.close();
    },
  };
};
