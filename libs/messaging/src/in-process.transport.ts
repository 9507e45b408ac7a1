import { type MessageHandler, type SubscribeOptions, type Transport, type TransportMessage, retryDelayMs } from './transport.port';

/**
 * The embedded transport: same process, same contract as the Kafka one —
 * per-key order (one queue per topic, group and key; handlers awaited), one
 * delivery per consumer group (a group's members share the keys by hash), and
 * a handler that throws gets the message again after a back-off, its key
 * waiting meanwhile. Delivery is asynchronous, never inside `publish`.
 * Nothing outlives the process: a restart starts from an empty bus.
 */
export class InProcessTransport implements Transport {
  private readonly groups = new Map<string, Map<string, MessageHandler[]>>();
  private readonly queues = new Map<string, Promise<void>>();
  private closed = false;
  private errors: ((e: unknown, m: TransportMessage) => void)[] = [];

  onError(listener: (e: unknown, m: TransportMessage) => void) {
    this.errors.push(listener);
  }

  async publish<T>(topic: string, key: string, value: T, headers?: Record<string, string>): Promise<void> {
    await this.publishBatch([{ topic, key, value, ...(headers ? { headers } : {}) }]);
  }

  async publishBatch(messages: readonly TransportMessage[]): Promise<void> {
    if (this.closed) throw new Error('transport closed');
    for (const message of messages) this.enqueue(message);
  }

  private enqueue(message: TransportMessage) {
    const { topic, key } = message;
    for (const [group, members] of this.groups.get(topic) ?? []) {
      const qk = `${topic}\u0000${group}\u0000${key}`;
      const prev = this.queues.get(qk) ?? Promise.resolve();
      const next = prev.then(() => this.deliver(members, message));
      this.queues.set(qk, next);
      void next.then(() => {
        if (this.queues.get(qk) === next) this.queues.delete(qk);
      });
    }
  }

  /** Hands the message to the member that owns its key until a handler resolves (or the bus closes). */
  private async deliver(members: MessageHandler[], message: TransportMessage): Promise<void> {
    for (let attempt = 1; !this.closed; attempt++) {
      const handler = members[hashKey(message.key) % members.length];
      try {
        await handler(message);
        return;
      } catch (e) {
        this.errors.forEach((l) => l(e, message));
        await new Promise((r) => setTimeout(r, retryDelayMs(attempt)));
      }
    }
  }

  /** Nothing is retained here, so every group starts at the next message published (`options.start` changes nothing). */
  async subscribe<T>(topic: string, group: string, handler: MessageHandler<T>, _options?: SubscribeOptions): Promise<void> {
    let groups = this.groups.get(topic);
    if (!groups) this.groups.set(topic, (groups = new Map()));
    const members = groups.get(group);
    if (members) members.push(handler as MessageHandler);
    else groups.set(group, [handler as MessageHandler]);
  }

  get idle(): boolean {
    return this.queues.size === 0;
  }

  /** Resolves when every message published so far has been handled. */
  async drain(): Promise<void> {
    while (this.queues.size) await Promise.all([...this.queues.values()]);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A stable hash of a key (FNV-1a), so a key stays with one member of a group. */
const hashKey = (key: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
};
