import { randomUUID } from 'node:crypto';
import { MemoryCheckpointStore, MemoryEventStore } from '@daemonledger/event-store';
import type { RecordedEvent } from '@daemonledger/event-store/event-store.port';
import type { Transport, TransportMessage } from '@daemonledger/messaging';
import type { Leadership } from '../../infrastructure/tokens';
import { LogRelay, type RelayMapper } from './log-relay';
import { OUTBOX_ID_HEADER, OUTBOX_TYPE_HEADER, outboxMapper, toOutboxMessage } from './outbox';

/** A transport that records every acknowledged batch; `failNext` makes the next sends fail. */
class RecordingTransport implements Transport {
  batches: TransportMessage[][] = [];
  failNext = 0;
  attempts = 0;
  async publish(): Promise<void> {
    throw new Error('the relay sends batches only');
  }
  async publishBatch(messages: readonly TransportMessage[]): Promise<void> {
    this.attempts++;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('broker unavailable');
    }
    this.batches.push([...messages]);
  }
  async subscribe(): Promise<void> {}
  onError(): void {}
  async close(): Promise<void> {}
  get sent(): TransportMessage[] {
    return this.batches.flat();
  }
}

const fakeLeadership = (initially: boolean) => {
  let leader = initially;
  const listeners = new Set<(leader: boolean) => void>();
  const port: Leadership & { set(v: boolean): void } = {
    isLeader: () => leader,
    onChange: (l) => {
      listeners.add(l);
      l(leader);
      return () => listeners.delete(l);
    },
    fence: () => undefined,
    set: (v) => {
      leader = v;
      for (const l of listeners) l(v);
    },
  };
  return port;
};

const appendEvents = async (store: MemoryEventStore, n: number, stream = (i: number) => `node-n${i % 7}`) => {
  for (let i = 0; i < n; i++) await store.append(stream(i), [{ id: randomUUID(), type: 'NodeLabelsChanged', data: { labels: { i: String(i) } } }]);
  return store.headPosition();
};

const positionsOf = (messages: TransportMessage[]) => messages.map((m) => (m.value as { position: number }).position);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const noDelay = () => 1;

const setup = (o: { leader?: boolean; batchSize?: number; map?: RelayMapper } = {}) => {
  const store = new MemoryEventStore();
  const checkpoints = new MemoryCheckpointStore();
  const transport = new RecordingTransport();
  const leadership = fakeLeadership(o.leader ?? true);
  const errors: unknown[] = [];
  const relay = (name = 'outbox.events') =>
    new LogRelay({ name, store, checkpoints, transport, leadership, map: o.map ?? outboxMapper, batchSize: o.batchSize ?? 500, retryDelayMs: noDelay, onError: (e) => errors.push(e) });
  return { store, checkpoints, transport, leadership, errors, relay };
};

describe('the events outbox message', () => {
  it('carries the event as the log holds it, keyed by stream id, with id and type headers', () => {
    const sealed = { keyId: 'k-1', alg: 'AES-256-GCM', nonce: 'bm9uY2U=', ciphertext: 'c2VhbGVk' };
    const event: RecordedEvent = {
      id: '0190-aa',
      type: 'ObjectCreated',
      schemaVersion: 1,
      data: { object: { kind: 'Secret', data: sealed } },
      metadata: { actor: 'user:admin', correlationId: 'c-1' },
      streamId: 'secret-default.token',
      revision: 0,
      position: 42,
      recordedAt: '2026-12-02T10:00:00.000Z',
    };
    expect(toOutboxMessage(event)).toEqual({
      topic: 'events',
      key: 'secret-default.token',
      value: {
        id: '0190-aa',
        position: 42,
        streamId: 'secret-default.token',
        revision: 0,
        type: 'ObjectCreated',
        schemaVersion: 1,
        data: { object: { kind: 'Secret', data: sealed } },
        metadata: { actor: 'user:admin', correlationId: 'c-1' },
        recordedAt: '2026-12-02T10:00:00.000Z',
      },
      headers: { [OUTBOX_ID_HEADER]: '0190-aa', [OUTBOX_TYPE_HEADER]: 'ObjectCreated' },
    });
  });
});

describe('LogRelay', () => {
  it('catches up in pages of at most batchSize, one publishBatch per page, in log order, then checkpoints the head', async () => {
    const { store, transport, checkpoints, relay } = setup({ batchSize: 500 });
    const head = await appendEvents(store, 1200);
    const r = relay();
    r.start();
    await r.waitForSaved(head);
    expect(transport.batches.map((b) => b.length)).toEqual([500, 500, 200]);
    expect(positionsOf(transport.sent)).toEqual(range(1, 1200));
    expect(await checkpoints.load('outbox.events')).toBe(head);
    await r.stop();
  });

  it('follows the log live: a burst appended at once goes out as one batch, after the pages', async () => {
    const { store, transport, relay } = setup({ batchSize: 100 });
    await appendEvents(store, 10);
    const r = relay();
    r.start();
    await r.waitForSaved(10);
    await store.appendMany(Array.from({ length: 30 }, (_, i) => ({ streamId: `node-b${i}`, events: [{ id: randomUUID(), type: 'NodeLeft', data: {} }] })));
    await r.waitForSaved(40);
    expect(positionsOf(transport.sent)).toEqual(range(1, 40));
    expect(transport.batches.length).toBeLessThanOrEqual(3);
    await r.stop();
  });

  it('live bursts larger than a batch are held (back-pressure) and sent in batches of at most batchSize, in order', async () => {
    const { store, transport, relay } = setup({ batchSize: 100 });
    const r = relay();
    r.start();
    await new Promise((resolve) => setTimeout(resolve, 10));
    transport.failNext = 2; // the first live batch waits for the broker while the rest of the burst arrives
    for (let i = 0; i < 5; i++) {
      await store.appendMany(Array.from({ length: 70 }, (_, j) => ({ streamId: `node-c${j}`, events: [{ id: randomUUID(), type: 'NodeLeft', data: {} }] })));
    }
    await r.waitForSaved(350);
    expect(positionsOf(transport.sent)).toEqual(range(1, 350));
    expect(Math.max(...transport.batches.map((b) => b.length))).toBeLessThanOrEqual(100);
    await r.stop();
    expect(r.isRunning).toBe(false);
  });

  it('saves the checkpoint only after the broker acknowledged the batch, and retries a failed send without skipping', async () => {
    const { store, transport, checkpoints, relay, errors } = setup({ batchSize: 5 });
    transport.failNext = 3;
    const saves: number[] = [];
    const save = checkpoints.save.bind(checkpoints);
    checkpoints.save = async (name, position) => {
      // every position saved is one whose messages were all acknowledged
      expect(Math.max(...positionsOf(transport.sent))).toBe(position);
      saves.push(position);
      await save(name, position);
    };
    await appendEvents(store, 12);
    const r = relay();
    r.start();
    await r.waitForSaved(12);
    expect(errors).toHaveLength(3);
    expect(transport.attempts).toBe(3 + 3);
    expect(positionsOf(transport.sent)).toEqual(range(1, 12));
    expect(saves).toEqual([5, 10, 12]);
    await r.stop();
  });

  it('a crash between the ack and the save re-sends that one batch on restart: nothing missing, no flood', async () => {
    const { store, transport, checkpoints, relay } = setup({ batchSize: 4 });
    await appendEvents(store, 10);
    const save = checkpoints.save.bind(checkpoints);
    let crashed!: () => void;
    const crash = new Promise<void>((resolve) => (crashed = resolve));
    checkpoints.save = async (name, position) => {
      if (position > 4) {
        crashed();
        return new Promise(() => undefined); // the process dies here: the save never lands
      }
      await save(name, position);
    };
    const first = relay();
    first.start();
    await crash;
    await first.stop(); // closed without saving
    expect(positionsOf(transport.sent)).toEqual(range(1, 8));
    checkpoints.save = save;
    const second = relay();
    second.start();
    await second.waitForSaved(10);
    // 5..8 twice (the batch in flight at the crash), nothing else
    expect(positionsOf(transport.sent)).toEqual([...range(1, 8), ...range(5, 10)]);
    await second.stop();
  });

  it('relays only while leader: starts on gain, stops on loss, resumes from the checkpoint', async () => {
    const { store, transport, leadership, relay } = setup({ leader: false, batchSize: 50 });
    await appendEvents(store, 5);
    const r = relay();
    r.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(transport.sent).toEqual([]);
    expect(r.isRunning).toBe(false);

    leadership.set(true);
    await r.waitForSaved(5);
    expect(positionsOf(transport.sent)).toEqual(range(1, 5));

    leadership.set(false);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(r.isRunning).toBe(false);
    await appendEvents(store, 3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(positionsOf(transport.sent)).toEqual(range(1, 5));

    leadership.set(true);
    await r.waitForSaved(8);
    expect(positionsOf(transport.sent)).toEqual(range(1, 8));
    await r.stop();
  });

  it('splits what one page maps to into publishBatch requests of at most batchSize', async () => {
    const fanOut: RelayMapper = (events) => events.flatMap((e) => Array.from({ length: 3 }, (_, i) => ({ topic: 'node-commands', key: e.streamId, value: { position: e.position, i } })));
    const { store, transport, relay } = setup({ batchSize: 4, map: fanOut });
    await appendEvents(store, 4);
    const r = relay();
    r.start();
    await r.waitForSaved(4);
    expect(transport.batches.map((b) => b.length)).toEqual([4, 4, 4]);
    expect(positionsOf(transport.sent)).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]);
    await r.stop();
  });

  it('a stop interrupts a send being retried, and the next run sends it', async () => {
    const { store, transport, relay } = setup({ batchSize: 10 });
    transport.failNext = Number.MAX_SAFE_INTEGER;
    await appendEvents(store, 3);
    const r = relay();
    r.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await r.stop();
    expect(transport.sent).toEqual([]);
    transport.failNext = 0;
    const next = relay();
    next.start();
    await next.waitForSaved(3);
    expect(positionsOf(transport.sent)).toEqual(range(1, 3));
    await next.stop();
  });
});
