import { EVENT_SCHEMA_VERSIONS } from '@daemonledger/domain/cluster/events';
import { EVENT_UPCASTERS } from '@daemonledger/domain/cluster/upcasters';
import { UpcasterRegistry } from '@daemonledger/event-store';

/**
 * The registry every store the app opens reads through: the domain's
 * upcasters, and the current version of every event type (so that a reader
 * knows v2 is current even for a type whose old events need no work).
 */
export const clusterUpcasters = (): UpcasterRegistry => {
  const registry = new UpcasterRegistry();
  for (const u of EVENT_UPCASTERS) registry.register(u.type, u.fromVersion, (data) => u.upcast(data));
  for (const [type, version] of Object.entries(EVENT_SCHEMA_VERSIONS)) registry.setCurrentVersion(type, version);
  return registry;
};
