import { randomUUID } from 'node:crypto';
import { BACKWARDS, END, EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { DomainError } from '@daemonledger/domain/errors';
import { assertCheckpointName, assertCheckpointPosition, type CheckpointStore } from '../checkpoint-store.port';

/**
 * Checkpoints in EventStoreDB, one stream each (`daemonledger.checkpoint-<name>`)
 * whose metadata keeps only the newest event (maxCount 1): a load reads that
 * last event backwards. The type starts with `$`, which the event store
 * adapter filters out of `$all`, as the snapshots' (eventstoredb-snapshot-store.ts):
 * a checkpoint is never seen as a cluster event, nor relayed.
 */
const TYPE = '$dl-checkpoint';
const streamOf = (name: string) => `daemonledger.checkpoint-${name}`;

export interface EventStoreDbCheckpointStoreOptions {
  connectionString: string;
}

export class EventStoreDbCheckpointStore implements CheckpointStore {
  private readonly client: EventStoreDBClient;
  private readonly trimmed = new Set<string>();

  constructor(options: EventStoreDbCheckpointStoreOptions) {
    try {
      this.client = EventStoreDBClient.connectionString(options.connectionString);
    } catch (cause) {
      throw new DomainError('Invalid', `Invalid EventStoreDB connection string: ${(cause as Error).message}`);
    }
  }

  async load(name: string): Promise<number> {
    assertCheckpointName(name);
    try {
      for await (const resolved of this.client.readStream(streamOf(name), { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) {
        const data = resolved.event?.data as { position?: unknown } | undefined;
        if (typeof data?.position === 'number') return data.position;
      }
    } catch (cause) {
      if ((cause as { type?: string }).type === 'stream-not-found') return 0;
      throw new DomainError('StorageError', `Cannot read checkpoint "${name}": ${(cause as Error).message}`);
    }
    return 0;
  }

  async save(name: string, position: number): Promise<void> {
    assertCheckpointName(name);
    assertCheckpointPosition(position);
    const stream = streamOf(name);
    try {
      if (!this.trimmed.has(name)) {
        await this.client.setStreamMetadata(stream, { maxCount: 1 });
        this.trimmed.add(name);
      }
      await this.client.appendToStream(stream, jsonEvent({ id: randomUUID(), type: TYPE, data: { position, savedAt: new Date().toISOString() } }));
    } catch (cause) {
      throw new DomainError('StorageError', `Cannot save checkpoint "${name}": ${(cause as Error).message}`);
    }
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}
