/**
 * A node agent over a real broker (the project's own, infra/kafka/broker.js,
 * on free ports; if it cannot start the suite fails). The test plays the
 * controller on the Kafka transport: it receives NodeRegister, PodStatus,
 * PodGone and NodeHeartbeat, sends RunPod/StopPod, then stops the agent and
 * starts it again on the same data folder and shows it adopts its pods
 * without creating them again.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS, type Transport } from '@daemonledger/messaging';
import { KafkaTransport } from '@daemonledger/messaging/kafka/kafka.transport';
import { type RunningBroker, startBroker } from '../../../infra/kafka/broker';
import { type AgentOptions, startAgent } from '../src';

jest.setTimeout(120_000);

type Message = {
  kind: string;
  id?: string;
  nodeName: string;
  uid?: string;
  renewTime?: string;
  holderIdentity?: string;
  status?: { containerStatuses?: { state?: Record<string, { reason?: string }> }[] };
};

let broker: RunningBroker;
const brokerLog: string[] = [];
beforeAll(async () => {
  broker = await startBroker({ log: (l) => brokerLog.push(l), timeoutMs: 90_000 });
}, 300_000);
afterAll(async () => {
  await broker?.stop();
});

const state = (m: Message) => {
  const s = m.status?.containerStatuses?.[0]?.state ?? {};
  return s.running ? 'Running' : (Object.values(s)[0]?.reason ?? '?');
};
const aPod = (uid: string, nodeName: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace: 'kube-system', name: `fluentd-${uid}`, uid },
  spec: { nodeName, containers: [{ name: 'fluentd', image: 'nginx:1.23.0' }] },
});

describe('npm run agent over Kafka', () => {
  let controller: Transport;
  let dataDir: string;
  const received: Message[] = [];
  const topicPrefix = `agent-${randomUUID().slice(0, 8)}.`;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'agent-int-'));
    controller = await KafkaTransport.connect({ brokers: broker.brokers, topicPrefix, log: (l) => brokerLog.push(l) }, Object.values(TOPICS));
    await controller.subscribe<Message>(TOPICS.nodeReports, 'controller', (m) => void received.push(m.value));
    await controller.subscribe<Message>(TOPICS.nodeHeartbeats, 'controller', (m) => void received.push(m.value));
  });
  afterAll(async () => {
    await controller?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const options = (): AgentOptions => ({
    transport: { kind: 'kafka', brokers: broker.brokers, topicPrefix },
    dataDir,
    agentId: 'it-host-agent-10',
    nodeOffset: 10,
    nodeCount: 2,
    nodeLeaseDurationSeconds: 4,
    simulation: { podStartMs: 300, podStopMs: 50, pullBackoffMs: 100, registryStrict: false, failures: [] },
  });
  const until = async (what: string, ok: () => boolean, ms = 30_000) => {
    const deadline = Date.now() + ms;
    while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (!ok()) throw new Error(`timed out waiting for ${what}; received ${JSON.stringify(received.map((m) => [m.kind, m.nodeName, m.uid]))}`);
  };
  const about = (uid: string, from = 0) => received.slice(from).filter((m) => m.uid === uid);
  const send = (value: { nodeName: string; [k: string]: unknown }) => controller.publish(TOPICS.nodeCommands, value.nodeName, value);
  const runPod = (id: string, uid: string, nodeName: string) => ({ kind: 'RunPod', id, namespace: 'kube-system', name: `fluentd-${uid}`, uid, nodeName, pod: aPod(uid, nodeName) });

  it('registers its nodes, heartbeats, runs and stops pods, and after a restart adopts them without creating them again', async () => {
    let agent = await startAgent(options());
    try {
      await until('both nodes registered and heartbeating', () =>
        ['node-10', 'node-11'].every(
          (n) => received.some((m) => m.kind === 'NodeRegister' && m.nodeName === n) && received.filter((m) => m.kind === 'NodeHeartbeat' && m.nodeName === n).length >= 2,
        ),
      );
      const beat = received.find((m) => m.kind === 'NodeHeartbeat')!;
      expect(beat.holderIdentity).toBe('it-host-agent-10');
      expect(beat.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

      await send(runPod('c1', 'u1', 'node-10'));
      await send(runPod('c2', 'u2', 'node-11'));
      await until('both pods running', () => ['u1', 'u2'].every((u) => about(u).some((m) => state(m) === 'Running')));
      // ContainerCreating (no IP yet), then Running with the IP.
      expect(about('u1').map(state)).toEqual(['ContainerCreating', 'Running']);

      await send({ kind: 'StopPod', id: 'c3', namespace: 'kube-system', name: 'fluentd-u2', uid: 'u2', nodeName: 'node-11', gracePeriodSeconds: 30 });
      await until('u2 gone', () => about('u2').some((m) => m.kind === 'PodGone'));
      // Every report carries an id of its own.
      const reports = received.filter((m) => m.kind !== 'NodeHeartbeat');
      expect(new Set(reports.map((m) => m.id)).size).toBe(reports.length);

      // The same RunPod again (a redelivery): handled once, by its id, though its pod is gone.
      const mark = received.length;
      await send(runPod('c2', 'u2', 'node-11'));
      await new Promise((r) => setTimeout(r, 1_500));
      expect(about('u2', mark)).toEqual([]);

      await agent.close();
      const beforeRestart = received.length;
      const lastU1 = about('u1').at(-1)!;

      agent = await startAgent(options());
      expect(agent.adopted).toBe(1);
      await until('nodes registered again and u1 re-reported', () =>
        received.slice(beforeRestart).filter((m) => m.kind === 'NodeRegister').length === 2 && about('u1', beforeRestart).length > 0,
      );
      // The controller's resync after NodeRegister sends the pod again under a new command id: already running.
      await send(runPod('resync-1', 'u1', 'node-10'));
      await until('heartbeats resumed', () => received.slice(beforeRestart).filter((m) => m.kind === 'NodeHeartbeat').length >= 4);
      await new Promise((r) => setTimeout(r, 1_000));
      // Adopted as it ran: its last status sent once more, no ContainerCreating, and u2 not brought back.
      expect(about('u1', beforeRestart).map((m) => [m.kind, state(m)])).toEqual([['PodStatus', 'Running']]);
      expect(about('u1', beforeRestart)[0].status).toEqual(lastU1.status);
      expect(about('u2', beforeRestart)).toEqual([]);
    } finally {
      await agent.close();
    }
  });
});
