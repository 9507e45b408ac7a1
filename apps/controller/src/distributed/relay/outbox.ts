import type { RecordedEvent } from '@daemonledger/event-store/event-store.port';
import { TOPICS, type TransportMessage } from '@daemonledger/messaging';

/**
 * The events outbox's message: one per event of the log, exactly as the log
 * holds it (README "The events outbox"). `data` is what was stored: a
 * Secret's data is there sealed (the SecretSealer seals it before it reaches
 * the log, and nothing here opens it), so the outbox never carries plaintext.
 */
export interface OutboxMessage {
  /** The event's id (a uuid): consumers dedupe by it. */
  id: string;
  /** Its global position in the log: strictly increasing in log order (not dense on EventStoreDB). */
  position: number;
  streamId: string;
  /** 0-based index in its stream. */
  revision: number;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: Record<string, unknown>;
  /** When the store accepted it (ISO 8601). */
  recordedAt: string;
}

/** Headers beside the value, so a consumer can route or dedupe without parsing it. */
export const OUTBOX_ID_HEADER = 'daemonledger-event-id';
export const OUTBOX_TYPE_HEADER = 'daemonledger-event-type';

/** The name of the outbox's checkpoint. */
export const OUTBOX_CHECKPOINT = 'outbox.events';

/** One event → its outbox message on `TOPICS.events`, key = stream id (so one stream's events stay in order). */
export const toOutboxMessage = (e: RecordedEvent): TransportMessage<OutboxMessage> => ({
  topic: TOPICS.events,
  key: e.streamId,
  value: {
    id: e.id,
    position: e.position,
    streamId: e.streamId,
    revision: e.revision,
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: e.data,
    metadata: e.metadata,
    recordedAt: e.recordedAt,
  },
  headers: { [OUTBOX_ID_HEADER]: e.id, [OUTBOX_TYPE_HEADER]: e.type },
});

export const outboxMapper = (events: readonly RecordedEvent[]): TransportMessage[] => events.map(toOutboxMessage);
