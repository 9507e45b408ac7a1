import { randomUUID } from 'node:crypto';
import { EventStoreDBClient, FORWARDS, START, binaryEvent, jsonEvent } from '@eventstore/db-client';
import { DomainError } from '@daemonledger/domain/errors';
import { assertPartName, checkedPart, sha256Hex, type SnapshotPartRef, type SnapshotRef, type SnapshotStore, type SnapshotWriter } from '../snapshot-store.port';

/**
 * Snapshots in EventStoreDB, in streams of their own: each snapshot's parts
 * are binary events of one stream (`daemonledger.snapshot-<position>-<version
 * hash>`), and a manifest stream lists the complete ones (a manifest event
 * written after the parts; a deletion event when pruned, the part stream
 * deleted too). Every event type starts with `$`, which the event store
 * adapter filters out of `$all`: the projection never sees a snapshot as a
 * cluster event.
 */
const MANIFESTS = 'daemonledger.snapshots';
const PART = '$dl-snapshot-part:';
const COMMITTED = '$dl-snapshot-committed';
const DELETED = '$dl-snapshot-deleted';

const partStream = (position: number, codeVersion: string) => `daemonledger.snapshot-${position}-${sha256Hex(Buffer.from(codeVersion)).slice(0, 16)}`;
const keyOf = (r: { position: number; codeVersion: string }) => `${r.position}\u0000${r.codeVersion}`;

export interface EventStoreDbSnapshotStoreOptions {
  connectionString: string;
}

export class EventStoreDbSnapshotStore implements SnapshotStore {
  private readonly client: EventStoreDBClient;

  constructor(options: EventStoreDbSnapshotStoreOptions) {
    try {
      this.client = EventStoreDBClient.connectionString(options.connectionString);
    } catch (cause) {
      throw new DomainError('Invalid', `Invalid EventStoreDB connection string: ${(cause as Error).message}`);
    }
  }

  async list(): Promise<SnapshotRef[]> {
    const refs = new Map<string, SnapshotRef>();
    try {
      for await (const resolved of this.client.readStream(MANIFESTS, { direction: FORWARDS, fromRevision: START })) {
        const e = resolved.event;
        if (!e || !e.isJson) continue;
        const data = e.data as unknown as SnapshotRef;
        if (e.type === COMMITTED) refs.set(keyOf(data), data);
        if (e.type === DELETED) refs.delete(keyOf(data));
      }
    } catch (cause) {
      if ((cause as { type?: string }).type === 'stream-not-found') return [];
      throw cause;
    }
    return [...refs.values()].sort((a, b) => b.position - a.position);
  }

  async begin(position: number, codeVersion: string): Promise<SnapshotWriter> {
    const stream = partStream(position, codeVersion);
    await this.client.deleteStream(stream).catch(() => undefined); // a leftover of an interrupted write
    const parts: SnapshotPartRef[] = [];
    return {
      writePart: async (name, data) => {
        assertPartName(name);
        await this.client.appendToStream(stream, binaryEvent({ id: randomUUID(), type: `${PART}${name}`, data }));
        parts.push({ name, bytes: data.length, sha256: sha256Hex(data) });
      },
      commit: async () => {
        const ref: SnapshotRef = { position, codeVersion, parts, bytes: parts.reduce((n, p) => n + p.bytes, 0), writtenAt: new Date().toISOString() };
        await this.client.appendToStream(MANIFESTS, jsonEvent({ type: COMMITTED, data: { ...ref } as Record<string, unknown> }));
        return ref;
      },
      abort: async () => {
        await this.client.deleteStream(stream).catch(() => undefined);
      },
    };
  }

  async readPart(ref: SnapshotRef, name: string): Promise<Buffer> {
    let found: Uint8Array | undefined;
    try {
      for await (const resolved of this.client.readStream(partStream(ref.position, ref.codeVersion), { direction: FORWARDS, fromRevision: START })) {
        const e = resolved.event;
        if (e && !e.isJson && e.type === `${PART}${name}`) found = e.data as Uint8Array;
      }
    } catch {
      found = undefined;
    }
    return checkedPart(ref, name, found);
  }

  async delete(ref: SnapshotRef): Promise<void> {
    await this.client.appendToStream(MANIFESTS, jsonEvent({ type: DELETED, data: { position: ref.position, codeVersion: ref.codeVersion } }));
    await this.client.deleteStream(partStream(ref.position, ref.codeVersion)).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}
