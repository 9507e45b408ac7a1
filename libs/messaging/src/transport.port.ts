/**
 * The transport between the controller and node agents. Messages on a topic
 * are delivered in order per key (Kafka: per partition, keyed by node name),
 * at least once; handlers must be idempotent (pod names and uids make them so).
 */
export interface TransportMessage<T = unknown> {
  topic: string;
  key: string;
  value: T;
  headers?: Record<string, string>;
}

export type MessageHandler<T = unknown> = (message: TransportMessage<T>) => Promise<void> | void;

export interface Transport {
  publish<T>(topic: string, key: string, value: T, headers?: Record<string, string>): Promise<void>;
  /** Registers a handler for a topic; `group` names the consumer group (one delivery per group). */
  subscribe<T>(topic: string, group: string, handler: MessageHandler<T>): Promise<void>;
  close(): Promise<void>;
}

/** Topic names shared by the controller and the node agents. */
export const TOPICS = {
  /** controller → agents, key = node name: RunPod / StopPod. */
  nodeCommands: 'daemonledger.node-commands',
  /** agents → controller, key = node name: pod status reports, deletions, node heartbeats. */
  nodeReports: 'daemonledger.node-reports',
} as const;
