import type { EventMetadata, RecordedEvent } from '../event-store.port';
import type { UpcasterRegistry } from '../upcaster-registry';

/**
 * Builds the public event from already-parsed data, upcasting on the way
 * (the fast path skips the registry for types that never changed shape).
 */
export const buildRecorded = (
  upcasters: UpcasterRegistry,
  streamId: string,
  revision: number,
  position: number,
  id: string,
  type: string,
  schemaVersion: number,
  data: unknown,
  metadata: EventMetadata,
  recordedAt: string,
): RecordedEvent => {
  if (upcasters.hasUpcasters(type)) {
    const up = upcasters.upcast(type, schemaVersion, data, metadata);
    data = up.data;
    schemaVersion = up.version;
  }
  return { id, type, schemaVersion, data, metadata, streamId, revision, position, recordedAt };
};

/** Same, from stored JSON: parsed fresh for every read, so callers may mutate what they get. */
export const toRecorded = (
  upcasters: UpcasterRegistry,
  streamId: string,
  revision: number,
  position: number,
  id: string,
  type: string,
  schemaVersion: number,
  data: string,
  metadata: string,
  recordedAt: string,
): RecordedEvent =>
  buildRecorded(upcasters, streamId, revision, position, id, type, schemaVersion, JSON.parse(data), JSON.parse(metadata), recordedAt);
