/**
 * The transport contract against a real broker: the project's own
 * single-node KRaft broker (infra/kafka/broker.js), started here on free
 * ports. If it cannot start (no Java, no Maven, no jars) the suite fails: it
 * never passes without having talked to Kafka.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { type RunningBroker, startBroker } from '../../../../infra/kafka/broker';
import { describeTransportContract } from '../contract/transport.contract';
import { openTransport } from '../open-transport';
import { TOPICS } from '../transport.port';
import { KafkaTransport } from './kafka.transport';

jest.setTimeout(60_000);

let broker: RunningBroker;
const lines: string[] = [];

beforeAll(async () => {
  broker = await startBroker({ log: (l) => lines.push(l), timeoutMs: 90_000 });
}, 300_000);
afterAll(async () => {
  await broker?.stop();
});

describeTransportContract('kafka', { durable: true, timeoutMs: 30_000 }, () => {
  // Each test gets its own prefix: topics and groups of one test never meet another's.
  const topicPrefix = `test-${randomUUID().slice(0, 8)}.`;
  return { open: () => KafkaTransport.connect({ brokers: broker.brokers, topicPrefix, log: (l) => lines.push(l) }) };
});

describe('Kafka transport on the project broker', () => {
  it('creates the app’s topics under the prefix, 16 partitions each, and keys by node name', async () => {
    const topicPrefix = `app-${randomUUID().slice(0, 8)}.`;
    const transport = await openTransport({ kind: 'kafka', brokers: broker.brokers, topicPrefix });
    const admin = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({ topics: Object.values(TOPICS).map((t) => topicPrefix + t) });
      expect(meta.topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual([
        [`${topicPrefix}events`, 16],
        [`${topicPrefix}node-commands`, 16],
        [`${topicPrefix}node-heartbeats`, 16],
        [`${topicPrefix}node-reports`, 16],
      ]);
      // Same key, same partition: one node's commands keep their order.
      await transport.publishBatch(['a', 'b', 'c'].map((n) => ({ topic: TOPICS.nodeCommands, key: 'node-7', value: { n } })));
      const offsets = await admin.fetchTopicOffsets(`${topicPrefix}node-commands`);
      expect(offsets.filter((o) => o.high !== '0').map((o) => o.high)).toEqual(['3']);
    } finally {
      await admin.disconnect();
      await transport.close();
    }
  });

  it('commits a group’s offset only past handled messages, under the group’s own name', async () => {
    const topicPrefix = `commit-${randomUUID().slice(0, 8)}.`;
    const t = await KafkaTransport.connect({ brokers: broker.brokers, topicPrefix, partitions: 1 });
    const admin = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      let handled = 0;
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      await t.subscribe<number>('work', 'controller', async (m) => {
        if (m.value === 3) await held;
        handled++;
      });
      await t.publishBatch([0, 1, 2, 3, 4].map((value) => ({ topic: 'work', key: 'node-1', value })));
      const committed = async () =>
        Number((await admin.fetchOffsets({ groupId: `${topicPrefix}controller.work`, topics: [`${topicPrefix}work`] }))[0].partitions[0].offset);
      const deadline = Date.now() + 20_000;
      while (handled < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      // 0..2 are handled and committed while the fourth (offset 3) is still in its handler; nothing past it.
      while ((await committed()) !== 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await committed()).toBe(3);
      await new Promise((r) => setTimeout(r, 1_500));
      expect([handled, await committed()]).toEqual([3, 3]);
      release();
      while (handled < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await t.close();
      expect(await committed()).toBe(5);
    } finally {
      await admin.disconnect();
      await t.close();
    }
  });
});
