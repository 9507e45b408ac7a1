import {
  type Admin,
  type Consumer,
  type EachBatchPayload,
  Kafka,
  type KafkaMessage,
  logLevel as KafkaLogLevel,
  type LogEntry,
  Partitioners,
  type Producer,
} from 'kafkajs';
import { type MessageHandler, type SubscribeOptions, type Transport, type TransportMessage, retryDelayMs } from '../transport.port';
import { decode, encode } from './wire';

export interface KafkaTransportOptions {
  brokers: string[];
  /** Prepended to every topic and consumer group name. */
  topicPrefix?: string;
  clientId?: string;
  /** Partitions of the topics this transport creates (the most consumers a group can spread over). */
  partitions?: number;
  replicationFactor?: number;
  /** Where kafkajs's warnings and errors go (default: stderr). */
  log?: (line: string) => void;
}

export const DEFAULT_TOPIC_PREFIX = 'daemonledger.';

/**
 * The Transport port over Kafka (kafkajs). Topics are `<prefix><topic>`,
 * created by the transport on first use; a record's key is the message's key
 * (a node name), so one key's messages share a partition and keep their order.
 *
 * Delivery is at least once: a subscription is one consumer group member
 * (`<prefix><group>.<topic>`) that handles a fetched batch with one queue per
 * key (keys concurrently, each key in order) and commits a partition's offset
 * only up to the last message whose handler resolved, with no gap below it
 * (every second while a batch is in its handlers, and when it ends).
 * A handler that throws is retried with back-off in place; a subscriber that
 * stops or dies before the commit leaves the rest to the group's next owner
 * of the partition, which therefore may see a message twice. A record that
 * cannot be read (not JSON, unknown schema version) is reported and skipped.
 * The producer is idempotent (acks from all in-sync replicas, one request in
 * flight), so a retried send neither duplicates nor reorders records.
 */
export class KafkaTransport implements Transport {
  private readonly kafka: Kafka;
  private readonly prefix: string;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly consumers: Consumer[] = [];
  private readonly topics = new Map<string, Promise<void>>();
  private readonly errors: ((e: unknown, m: TransportMessage) => void)[] = [];
  private closed = false;

  private constructor(private readonly options: KafkaTransportOptions) {
    this.prefix = options.topicPrefix ?? DEFAULT_TOPIC_PREFIX;
    const log = options.log ?? ((line: string) => console.error(line));
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'daemonledger',
      brokers: options.brokers,
      logLevel: KafkaLogLevel.WARN,
      logCreator:
        () =>
        ({ namespace, level, log: entry }: LogEntry) => {
          if (level <= KafkaLogLevel.WARN) log(`kafkajs ${KafkaLogLevel[level]} ${namespace}: ${entry.message}`);
        },
    });
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.admin = this.kafka.admin();
  }

  /** Connects the producer and creates the given topics (the app's TOPICS) if they are missing. */
  static async connect(options: KafkaTransportOptions, topics: readonly string[] = []): Promise<KafkaTransport> {
    const transport = new KafkaTransport(options);
    try {
      await transport.admin.connect();
      await transport.producer.connect();
      await Promise.all(topics.map((t) => transport.ensureTopic(t)));
    } catch (e) {
      await transport.close();
      throw e;
    }
    return transport;
  }

  /** The Kafka topic that carries a port topic. */
  kafkaTopic(topic: string): string {
    return this.prefix + topic;
  }

  onError(listener: (e: unknown, m: TransportMessage) => void): void {
    this.errors.push(listener);
  }

  async publish<T>(topic: string, key: string, value: T, headers?: Record<string, string>): Promise<void> {
    await this.publishBatch([{ topic, key, value, ...(headers ? { headers } : {}) }]);
  }

  async publishBatch(messages: readonly TransportMessage[]): Promise<void> {
    if (this.closed) throw new Error('transport closed');
    if (!messages.length) return;
    const byTopic = new Map<string, ReturnType<typeof encode>[]>();
    for (const m of messages) {
      const list = byTopic.get(m.topic) ?? [];
      list.push(encode(m.key, m.value, m.headers));
      byTopic.set(m.topic, list);
    }
    await Promise.all([...byTopic.keys()].map((t) => this.ensureTopic(t)));
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({ topic: this.kafkaTopic(topic), messages: list })),
    });
  }

  async subscribe<T>(topic: string, group: string, handler: MessageHandler<T>, options: SubscribeOptions = {}): Promise<void> {
    if (this.closed) throw new Error('transport closed');
    await this.ensureTopic(topic);
    const consumer = this.kafka.consumer({
      groupId: `${this.prefix}${group}.${topic}`,
      // A member that dies is noticed in ≤ 10 s (the broker's minimum is 6 s).
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
    this.consumers.push(consumer);
    // Resolves at the first assignment; a crash before it (kafkajs restarts a consumer after most) fails the subscribe.
    const joined = new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.GROUP_JOIN, () => resolve());
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) reject(payload.error);
        this.errors.forEach((l) => l(payload.error, { topic, key: '', value: undefined }));
      });
    });
    await consumer.connect();
    await this.untilHosted(() => consumer.subscribe({ topic: this.kafkaTopic(topic), fromBeginning: options.start !== 'latest' }));
    await consumer.run({
      autoCommit: true,
      autoCommitThreshold: 1,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 8,
      eachBatch: (payload) => this.handleBatch(topic, handler as MessageHandler, payload),
    });
    await joined;
  }

  /**
   * One fetched batch of one partition: one queue per key, keys concurrently;
   * the partition's offset is resolved up to the last message with every
   * message before it handled, then committed (also when stopping).
   */
  private async handleBatch(topic: string, handler: MessageHandler, p: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = p;
    const records = batch.messages;
    const done = records.map(() => false);
    let handled = 0;
    const advance = () => {
      const before = handled;
      while (handled < records.length && done[handled]) handled++;
      if (handled > before) resolveOffset(records[handled - 1].offset);
    };
    const live = () => !this.closed && isRunning() && !isStale();
    const byKey = new Map<string, number[]>();
    records.forEach((r, i) => {
      const k = r.key?.toString() ?? '';
      const list = byKey.get(k);
      if (list) list.push(i);
      else byKey.set(k, [i]);
    });
    // Handlers may be slow or retrying: the member keeps its partitions, and what is handled gets committed meanwhile.
    const beat = setInterval(() => void heartbeat().then(() => commitOffsetsIfNecessary()).catch(() => undefined), 1_000);
    try {
      await Promise.all(
        [...byKey.values()].map(async (indexes) => {
          for (const i of indexes) {
            if (!live() || !(await this.deliver(topic, handler, records[i], live))) return;
            done[i] = true;
            advance();
          }
        }),
      );
    } finally {
      clearInterval(beat);
      await commitOffsetsIfNecessary().catch(() => undefined);
    }
  }

  /** Resolves true once the handler resolved (or the record was skipped as unreadable), false if stopped first. */
  private async deliver(topic: string, handler: MessageHandler, record: KafkaMessage, live: () => boolean): Promise<boolean> {
    const read = decode(record.key, record.value, record.headers);
    if (!read.ok) {
      const error = new Error(`skipped record ${this.kafkaTopic(topic)}@${record.offset}: ${read.error}`);
      this.errors.forEach((l) => l(error, { topic, key: record.key?.toString() ?? '', value: record.value?.toString() }));
      return true;
    }
    const message: TransportMessage = { topic, key: read.key, value: read.value, ...(read.headers ? { headers: read.headers } : {}) };
    for (let attempt = 1; live(); attempt++) {
      try {
        await handler(message);
        return true;
      } catch (e) {
        this.errors.forEach((l) => l(e, message));
        await new Promise((r) => setTimeout(r, retryDelayMs(attempt)));
      }
    }
    return false;
  }

  private ensureTopic(topic: string): Promise<void> {
    let created = this.topics.get(topic);
    if (!created) {
      created = this.createTopic(topic);
      created.catch(() => this.topics.delete(topic));
      this.topics.set(topic, created);
    }
    return created;
  }

  /**
   * Creates a topic (if missing) and waits until the broker serves its
   * metadata with a leader for every partition. Right after the creation
   * (more so on a busy machine) the broker may still answer "does not host
   * this topic-partition": its metadata lags the controller's.
   */
  private async createTopic(topic: string): Promise<void> {
    const name = this.kafkaTopic(topic);
    await this.untilHosted(() =>
      this.admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic: name, numPartitions: this.options.partitions ?? 16, replicationFactor: this.options.replicationFactor ?? 1 }],
      }),
    );
    await this.untilHosted(async () => {
      const meta = await this.admin.fetchTopicMetadata({ topics: [name] });
      if (meta.topics[0]?.partitions.some((p) => p.leader < 0)) throw Object.assign(new Error(`${name}: a partition has no leader yet`), { type: 'LEADER_NOT_AVAILABLE' });
    });
  }

  /** Runs `op`, asked again (up to 30 s) while the broker says the topic is not hosted yet or has no leader. */
  private async untilHosted<T>(op: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (let attempt = 1; ; attempt++) {
      try {
        return await op();
      } catch (e) {
        const err = e as { type?: string; originalError?: { type?: string } };
        const type = err.type ?? err.originalError?.type;
        if (this.closed || Date.now() > deadline || (type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE')) throw e;
        await new Promise((r) => setTimeout(r, retryDelayMs(attempt) * 5));
      }
    }
  }

  /** Stops every subscription (handled offsets committed, the rest left to the group) and disconnects. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled(this.consumers.map((c) => c.disconnect()));
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }
}
