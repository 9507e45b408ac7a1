/**
 * The transport between the controller and node agents. Both adapters
 * (in-process, Kafka) pass one contract (contract/transport.contract.ts):
 * - per-key order: messages on a topic with the same key reach a group's
 *   handler in publish order (Kafka: the key picks the partition);
 * - one delivery per consumer group: every group sees every message, and the
 *   members of a group share the keys between them;
 * - at least once: a message counts as delivered only when its handler has
 *   resolved. A handler that throws gets the same message again (with
 *   back-off), and the messages after it on its key wait; with Kafka, a
 *   subscriber that stops before its handler resolved leaves the message to
 *   the next member of its group. Handlers must therefore be idempotent (pod
 *   names and uids make them so) and should drop, not throw on, a message they
 *   can never handle (a malformed one): a throw stalls its key until it passes.
 */
export interface TransportMessage<T = unknown> {
  topic: string;
  key: string;
  value: T;
  headers?: Record<string, string>;
}

export interface SubscribeOptions {
  /** Where a group with no committed position starts: the oldest message retained (default) or the next one published. */
  start?: 'oldest' | 'latest';
}

export type MessageHandler<T = unknown> = (message: TransportMessage<T>) => Promise<void> | void;

export interface Transport {
  publish<T>(topic: string, key: string, value: T, headers?: Record<string, string>): Promise<void>;
  /**
   * Publishes several messages in one request (Kafka: one `sendBatch`; kafkajs
   * does not merge concurrent sends, so one awaited send per message is far slower). Per-key order follows the array.
   */
  publishBatch(messages: readonly TransportMessage[]): Promise<void>;
  /**
   * Registers a handler for a topic; `group` names the consumer group (one
   * delivery per group). Resolves once the subscription receives messages: a
   * group that is new starts at the oldest message the topic retains, or with
   * `start: 'latest'` at the messages published from then on (a group of its
   * own per process, for messages only the newest of which matter).
   */
  subscribe<T>(topic: string, group: string, handler: MessageHandler<T>, options?: SubscribeOptions): Promise<void>;
  /** Reports a handler's failure (the message is retried) and a message that cannot be read (skipped). */
  onError(listener: (error: unknown, message: TransportMessage) => void): void;
  /** Stops delivering (a handler running now finishes, unacknowledged messages stay for the group) and disconnects. */
  close(): Promise<void>;
}

/** Topic names shared by the controller and the node agents (Kafka prefixes them, default `daemonledger.`). */
export const TOPICS = {
  /** controller → agents, key = node name: RunPod / StopPod. */
  nodeCommands: 'node-commands',
  /** agents → controller, key = node name: registrations, pod status reports, deletions. */
  nodeReports: 'node-reports',
  /** agents → controller, key = node name: a node's lease renewals (what a kubelet writes to its Lease every 10 s). */
  nodeHeartbeats: 'node-heartbeats',
  /** The outbox: every event of the log, in log order, key = stream id (see the README's message format). */
  events: 'events',
} as const;

/** Back-off before a failed message is handed to its handler again: 10 ms doubling to 2 s. */
export const retryDelayMs = (attempt: number): number => Math.min(10 * 2 ** Math.max(0, attempt - 1), 2000);
