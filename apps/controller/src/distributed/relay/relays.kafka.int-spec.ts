/**
 * The relays against the project's own Kafka broker (infra/kafka/broker.js,
 * started here on free ports) and a real SQLite log file. If the broker
 * cannot start the suite fails: it never passes without having talked to Kafka.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { decodeManifest } from '@daemonledger/domain';
import type { DaemonSet } from '@daemonledger/domain/api/types';
import { simulatedNode } from '@daemonledger/domain/cluster/simulated-node';
import { type CheckpointStore, SqliteCheckpointStore, SqliteEventStore } from '@daemonledger/event-store';
import type { EventStore } from '@daemonledger/event-store/event-store.port';
import { type NodeCommandMessage, TOPICS, type Transport, type TransportMessage } from '@daemonledger/messaging';
import { KafkaTransport } from '@daemonledger/messaging/kafka/kafka.transport';
import { type RunningBroker, startBroker } from '../../../../../infra/kafka/broker';
import { AppModule } from '../../app.module';
import { loadConfig } from '../../config/config';
import { DAEMONSETS_API, LocalApi } from '../../api/local-api';
import { soleLeader } from '../../infrastructure/tokens';
import { clusterUpcasters } from '../../infrastructure/upcasters';
import { ClusterState } from '../../projections/cluster-state.service';
import { NodeLink } from '../../reconcile/node-link.service';
import { Reconciler } from '../../reconcile/reconciler.service';
import { LogRelay } from './log-relay';
import { OUTBOX_CHECKPOINT, OUTBOX_ID_HEADER, OUTBOX_TYPE_HEADER, type OutboxMessage, outboxMapper } from './outbox';
import { RELAY_PROVIDERS, Relays } from './relay.providers';

jest.setTimeout(90_000);

let broker: RunningBroker;
const brokerLines: string[] = [];
const dirs: string[] = [];
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  broker = await startBroker({ log: (l) => brokerLines.push(l), timeoutMs: 90_000 });
}, 300_000);
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
});
afterAll(async () => {
  await broker?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'daemonledger-relay-'));
  dirs.push(d);
  return d;
};

const kafka = async (topicPrefix: string): Promise<Transport> => {
  const t = await KafkaTransport.connect({ brokers: broker.brokers, topicPrefix, log: (l) => brokerLines.push(l) }, Object.values(TOPICS));
  closers.push(() => t.close());
  return t;
};

/** A subscription of the test's own consumer (the transport asks again while a new topic is not hosted yet). */
const subscribe = <T>(t: Transport, topic: string, group: string, handler: (m: TransportMessage<T>) => void) => t.subscribe<T>(topic, group, handler);

const until = async (what: string, predicate: () => boolean, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`not reached in time: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

/** Appends `n` events over 40 streams, in one multi-stream append per 100. */
const appendEvents = async (store: EventStore, n: number, tag: string) => {
  for (let i = 0; i < n; i += 100) {
    const requests = Array.from({ length: Math.min(100, n - i) }, (_, j) => ({
      streamId: `node-s${(i + j) % 40}`,
      events: [{ id: randomUUID(), type: 'NodeLabelsChanged', data: { labels: { tag, i: String(i + j) } } }],
    }));
    await store.appendMany(requests);
  }
  return store.headPosition();
};

describe('the events outbox on Kafka', () => {
  it('publishes every event in order; killed between ack and save, it re-sends only that batch', async () => {
    const dir = tempDir();
    const file = join(dir, 'events.sqlite');
    const store = new SqliteEventStore({ file });
    closers.push(() => store.close());
    const prefix = `outbox-${randomUUID().slice(0, 8)}.`;
    const producer = await kafka(prefix);
    const consumer = await kafka(prefix);
    const seen: TransportMessage<OutboxMessage>[] = [];
    await subscribe<OutboxMessage>(consumer, TOPICS.events, 'audit', (m) => {
      seen.push(m);
    });

    expect(await appendEvents(store, 1300, 'first')).toBe(1300);

    // The first relay "dies" after the broker acknowledged its second batch, before the save lands.
    const checkpoints1 = new SqliteCheckpointStore({ file });
    let died!: () => void;
    const death = new Promise<void>((resolve) => (died = resolve));
    const dying: CheckpointStore = {
      load: (name) => checkpoints1.load(name),
      save: async (name, position) => {
        if (position > 500) {
          died();
          return new Promise<void>(() => undefined);
        }
        await checkpoints1.save(name, position);
      },
      close: () => checkpoints1.close(),
    };
    const first = new LogRelay({ name: OUTBOX_CHECKPOINT, store, checkpoints: dying, transport: producer, leadership: soleLeader, map: outboxMapper, batchSize: 500 });
    first.start();
    await death;
    await first.stop();
    await checkpoints1.close();
    expect(first.sent).toBe(1000);

    // Restarted on the same file: it resumes from the last save (500).
    const checkpoints2 = new SqliteCheckpointStore({ file });
    closers.push(() => checkpoints2.close());
    expect(await checkpoints2.load(OUTBOX_CHECKPOINT)).toBe(500);
    const second = new LogRelay({ name: OUTBOX_CHECKPOINT, store, checkpoints: checkpoints2, transport: producer, leadership: soleLeader, map: outboxMapper, batchSize: 500 });
    closers.push(() => second.stop());
    second.start();
    await second.waitForSaved(1300);
    // Live: a burst appended now follows.
    const head = await appendEvents(store, 200, 'live');
    await second.waitForSaved(head);
    expect(second.sent).toBe(800 + 200);

    const ids = new Set<string>();
    await until('every event consumed', () => {
      for (const m of seen) ids.add(m.value.id);
      return ids.size === head;
    });
    const all = await store.readAll({ maxCount: head });
    const count = new Map<number, number>();
    for (const m of seen) count.set(m.value.position, (count.get(m.value.position) ?? 0) + 1);
    // None missing; duplicates only the batch in flight at the "crash" (501–1000), each at most once more.
    expect([...count.keys()].sort((a, b) => a - b)).toEqual(all.map((e) => e.position));
    const doubled = [...count].filter(([, n]) => n > 1).map(([p]) => p);
    expect(Math.max(...count.values())).toBe(2);
    expect(Math.min(...doubled)).toBeGreaterThanOrEqual(501);
    expect(Math.max(...doubled)).toBeLessThanOrEqual(1000);

    // Each message is the event as the log holds it, keyed by its stream, with id and type headers.
    const byId = new Map(all.map((e) => [e.id, e]));
    for (const m of seen) {
      const e = byId.get(m.value.id)!;
      expect(m.key).toBe(e.streamId);
      expect(m.headers).toMatchObject({ [OUTBOX_ID_HEADER]: e.id, [OUTBOX_TYPE_HEADER]: e.type });
      expect(m.value).toEqual({ id: e.id, position: e.position, streamId: e.streamId, revision: e.revision, type: e.type, schemaVersion: e.schemaVersion, data: e.data, metadata: e.metadata, recordedAt: e.recordedAt });
    }
    // Per stream (key), in log order once a consumer drops ids it has seen.
    const firstSeen = new Set<string>();
    const lastByKey = new Map<string, number>();
    for (const m of seen) {
      if (firstSeen.has(m.value.id)) continue;
      firstSeen.add(m.value.id);
      expect(m.value.position).toBeGreaterThan(lastByKey.get(m.key) ?? 0);
      lastByKey.set(m.key, m.value.position);
    }
  });
});

describe('the relays in a controller app with RELAY_PROVIDERS, on Kafka', () => {
  it('sends RunPod keyed by node with the PodBound event id, once; a re-registered kubelet gets its pods again; a Secret goes out sealed', async () => {
    const dir = tempDir();
    const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'warn', SIM_NODES: '0', SNAPSHOT_EVERY_EVENTS: '0' });
    if (config.eventStore.kind !== 'sqlite') throw new Error('expected the SQLite log');
    const store = new SqliteEventStore({ file: config.eventStore.file, upcasters: clusterUpcasters() });
    closers.push(() => store.close());
    const prefix = `pods-${randomUUID().slice(0, 8)}.`;
    const transport = await kafka(prefix);
    const agent = await kafka(prefix);
    const commands: TransportMessage<NodeCommandMessage>[] = [];
    await subscribe<NodeCommandMessage>(agent, TOPICS.nodeCommands, 'agents', (m) => {
      commands.push(m);
    });
    const outbox: TransportMessage<OutboxMessage>[] = [];
    await subscribe<OutboxMessage>(agent, TOPICS.events, 'audit', (m) => {
      outbox.push(m);
    });

    const app: INestApplicationContext = await NestFactory.createApplicationContext(
      AppModule.forRoot({ config, store, transport, leadership: soleLeader, extraProviders: RELAY_PROVIDERS }),
      { logger: ['error'] },
    );
    closers.push(() => app.close());
    await app.init();
    const state = app.get(ClusterState);
    // The broker hosts node-reports' partitions before NodeLink subscribes (see `subscribe` above).
    await subscribe(transport, TOPICS.nodeReports, 'warm-up', () => undefined);
    await app.get(NodeLink).start();
    app.get(Reconciler).start();
    closers.push(async () => app.get(Reconciler).stop());
    await state.start();
    const relays = app.get(Relays);
    await relays.start();
    closers.push(() => relays.stop());

    for (let i = 0; i < 3; i++) await agent.publish(TOPICS.nodeReports, `node-${i}`, { kind: 'NodeRegister', id: randomUUID(), nodeName: `node-${i}`, node: simulatedNode(i) });
    await until('3 nodes joined', () => state.view.nodes.size === 3);

    const ds = decodeManifest(readFileSync(join(__dirname, '../../../../../infra/manifests/nginx-ds.yaml'), 'utf8'))[0] as DaemonSet;
    await app.get(LocalApi).create(DAEMONSETS_API, 'default', ds, { user: 'test' });
    await until('a RunPod for each node', () => commands.filter((c) => c.value.kind === 'RunPod').length >= 3);

    const pods = state.view.podsIn('default');
    expect(pods).toHaveLength(3);
    const log = await store.readAll();
    const bound = log.filter((e) => e.type === 'PodBound');
    expect(bound).toHaveLength(3);
    const runs = commands.filter((c) => c.value.kind === 'RunPod');
    expect(runs).toHaveLength(3);
    for (const run of runs) {
      const pod = pods.find((p) => p.metadata.name === run.value.name)!;
      expect(run.key).toBe(pod.spec.nodeName);
      expect(run.value).toMatchObject({ kind: 'RunPod', namespace: 'default', uid: pod.metadata.uid, nodeName: pod.spec.nodeName });
      // The id is the log event the command came from: the pod's PodBound.
      expect(bound.find((e) => e.id === run.value.id)?.streamId).toBe(`pod-default.${pod.metadata.name}`);
    }

    // node-1's kubelet restarts and registers again: recorded, then its pod is sent again by the relay.
    await agent.publish(TOPICS.nodeReports, 'node-1', { kind: 'NodeRegister', id: randomUUID(), nodeName: 'node-1', node: simulatedNode(1) });
    await until('the resend', () => commands.filter((c) => c.value.kind === 'RunPod').length >= 4);
    const reregistered = (await store.readStream('node-node-1')).filter((e) => e.type === 'NodeReregistered');
    expect(reregistered).toHaveLength(1);
    const onNode1 = pods.find((p) => p.spec.nodeName === 'node-1')!;
    const resend = commands.filter((c) => c.value.kind === 'RunPod')[3];
    expect(resend.key).toBe('node-1');
    expect(resend.value).toMatchObject({ kind: 'RunPod', uid: onNode1.metadata.uid, id: `${reregistered[0].id}:${onNode1.metadata.uid}` });

    // The pod-command checkpoint is beside the log, not in it.
    await relays.podCommands!.waitForSaved(reregistered[0].position);
    expect((await store.readAll()).some((e) => e.streamId.includes('checkpoint'))).toBe(false);

    // A Secret: the log holds its data sealed, and the outbox sends exactly that, never the plaintext.
    const plaintext = 'correct-horse-battery-staple';
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: plaintext } };
    await app.get(LocalApi).create({ group: '', resource: 'secrets' }, 'default', secret, { user: 'test' });
    const head = await store.headPosition();
    await until('the outbox reaches the head', () => outbox.some((m) => m.value.position === head));
    expect(outbox.map((m) => m.value.position).sort((a, b) => a - b)).toEqual((await store.readAll()).map((e) => e.position));
    const secretEvents = outbox.filter((m) => m.key.startsWith('secret-'));
    expect(secretEvents.length).toBeGreaterThan(0);
    const wire = JSON.stringify(outbox.map((m) => m.value));
    expect(wire).not.toContain(plaintext);
    expect(wire).not.toContain(Buffer.from(plaintext).toString('base64'));
    const stored = (await store.readAll()).filter((e) => e.streamId.startsWith('secret-'));
    expect(secretEvents.map((m) => m.value.data)).toEqual(stored.map((e) => e.data));
    expect(JSON.stringify(stored[0].data)).toMatch(/AES-256-GCM/);
  });
});
