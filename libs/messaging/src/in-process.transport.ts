import type { MessageHandler, Transport, TransportMessage } from './transport.port';

/**
 * The embedded transport: same process, same semantics as the Kafka one —
 * per-key ordering (one queue per key, handlers awaited) and one delivery per
 * consumer group. Delivery is asynchronous, never inside `publish`.
 */
export class InProcessTransport implements Transport {
  private readonly groups = new Map<string, Map<string, MessageHandler>>();
  private readonly queues = new Map<string, Promise<void>>();
  private closed = false;
  private errors: ((e: unknown, m: TransportMessage) => void)[] = [];

  onError(listener: (e: unknown, m: TransportMessage) => void) {
    this.errors.push(listener);
  }

  async publish<T>(topic: string, key: string, value: T, headers?: Record<string, string>): Promise<void> {
    if (this.closed) throw new Error('transport closed');
    const message: TransportMessage<T> = { topic, key, value, headers };
    for (const [group, handler] of this.groups.get(topic) ?? []) {
      const qk = `${topic}\u0000${group}\u0000${key}`;
      const prev = this.queues.get(qk) ?? Promise.resolve();
      const next = prev.then(async () => {
        if (this.closed) return;
        try {
          await handler(message as TransportMessage);
        } catch (e) {
          this.errors.forEach((l) => l(e, message as TransportMessage));
        }
      });
      this.queues.set(qk, next);
      void next.then(() => {
        if (this.queues.get(qk) === next) this.queues.delete(qk);
      });
    }
  }

  async subscribe<T>(topic: string, group: string, handler: MessageHandler<T>): Promise<void> {
    let groups = this.groups.get(topic);
    if (!groups) this.groups.set(topic, (groups = new Map()));
    groups.set(group, handler as MessageHandler);
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
