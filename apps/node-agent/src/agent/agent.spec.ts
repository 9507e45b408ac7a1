import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulatedNode } from '@daemonledger/domain/cluster/simulated-node';
import { InProcessTransport, type NodeHeartbeatMessage, TOPICS, type TransportMessage } from '@daemonledger/messaging';
import { ImageRegistry } from '../image-registry';
import { NodeFleet } from '../node-fleet';
import { type AgentOptions, type RunningAgent, startAgent } from './agent';
import { heartbeatBatch, microTime, renewIntervalMs } from './heartbeats';

/**
 * The agent on the in-process transport (the test plays the controller):
 * durable containers, adoption after a restart, redelivered commands handled
 * once, heartbeats. The same round trip over a real broker is agent.int-spec.ts.
 */
type Report = { kind: string; id?: string; nodeName: string; uid?: string; status?: { phase?: string; containerStatuses?: { state?: Record<string, { reason?: string }> }[] } };

const aPod = (uid: string, nodeName: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace: 'kube-system', name: `fluentd-${uid}`, uid },
  spec: { nodeName, containers: [{ name: 'fluentd', image: 'nginx:1.23.0' }] },
});
const runPod = (id: string, uid: string, nodeName = 'node-5') => ({ kind: 'RunPod', id, namespace: 'kube-system', name: `fluentd-${uid}`, uid, nodeName, pod: aPod(uid, nodeName) });
const stopPod = (id: string, uid: string, nodeName = 'node-5') => ({ kind: 'StopPod', id, namespace: 'kube-system', name: `fluentd-${uid}`, uid, nodeName, gracePeriodSeconds: 0 });
const waitingReason = (r: Report) => Object.values(r.status?.containerStatuses?.[0]?.state ?? {})[0]?.reason;
const isRunning = (r: Report) => r.kind === 'PodStatus' && !!r.status?.containerStatuses?.[0]?.state?.running;

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'agent-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const options = (transport: InProcessTransport): AgentOptions => ({
  transport,
  dataDir: dir,
  agentId: 'host-a-agent-5',
  nodeOffset: 5,
  nodeCount: 2,
  nodeLeaseDurationSeconds: 40,
  simulation: { podStartMs: 150, podStopMs: 0, pullBackoffMs: 10, registryStrict: false, failures: [] },
  stateWriteDelayMs: 5,
});

/** An agent with the test listening as the controller on its transport. */
const started = async () => {
  const transport = new InProcessTransport();
  const reports: Report[] = [];
  await transport.subscribe<Report>(TOPICS.nodeReports, 'controller', (m) => void reports.push(m.value));
  const agent = await startAgent(options(transport));
  const until = async (what: () => boolean) => {
    for (let i = 0; i < 2000 && !what(); i++) await new Promise((r) => setTimeout(r, 5));
    await transport.drain();
    expect(what()).toBe(true);
  };
  const command = async (value: object) => {
    await transport.publish(TOPICS.nodeCommands, (value as { nodeName: string }).nodeName, value);
    await transport.drain(); // the command's handler resolved (the transport would commit its offset now)
  };
  return { transport, reports, agent, until, command };
};

const savedUids = (agent: RunningAgent) =>
  Object.values(JSON.parse(readFileSync(agent.stateFile, 'utf8')).nodes as Record<string, { pod: { metadata: { uid: string } } }[]>).flatMap((pods) =>
    pods.map((p) => p.pod.metadata.uid),
  );

describe('a node agent', () => {
  it('registers its range of nodes, each report with an id of its own', async () => {
    const { reports, agent, until } = await started();
    await until(() => reports.length === 2);
    expect(reports.map((r) => [r.kind, r.nodeName])).toEqual([
      ['NodeRegister', 'node-5'],
      ['NodeRegister', 'node-6'],
    ]);
    expect(new Set(reports.map((r) => r.id)).size).toBe(2);
    expect(agent.stateFile).toBe(join(dir, 'agent-5-2.json'));
    await agent.close();
  });

  it('acknowledges a command only once the container it started is in the state file', async () => {
    const { reports, agent, until, command } = await started();
    await command(runPod('cmd-1', 'u1'));
    expect(savedUids(agent)).toEqual(['u1']);
    await until(() => reports.some(isRunning));
    // ContainerCreating (no IP yet), then Running (the kubelet reports nothing between the sandbox and the start).
    expect(reports.filter((r) => r.uid === 'u1').map((r) => waitingReason(r) ?? 'Running')).toEqual(['ContainerCreating', 'Running']);
    expect(reports.filter((r) => r.uid === 'u1').map((r) => (r.status as { podIP?: string }).podIP ?? '<none>')).toEqual(['<none>', '10.244.5.2']);
    await agent.close();
  });

  it('reports a container only once the state that holds it is saved, the reports of one save in one batch', async () => {
    const { transport, reports, agent, until } = await started();
    const batches: { uids: string[]; savedThen: string[] }[] = [];
    const publishBatch = transport.publishBatch.bind(transport);
    transport.publishBatch = (m) => {
      const uids = m.filter((x) => x.topic === TOPICS.nodeReports).map((x) => (x.value as Report).uid!).filter(Boolean);
      if (uids.length) batches.push({ uids, savedThen: savedUids(agent) });
      return publishBatch(m);
    };
    // Two commands at once (two nodes, two keys): their ContainerCreating reports share a save and a batch.
    await Promise.all([
      publishBatch([
        { topic: TOPICS.nodeCommands, key: 'node-5', value: runPod('cmd-1', 'u1') },
        { topic: TOPICS.nodeCommands, key: 'node-6', value: runPod('cmd-2', 'u2', 'node-6') },
      ]),
    ]);
    await until(() => reports.filter(isRunning).length === 2);
    expect(batches[0].uids.sort()).toEqual(['u1', 'u2']);
    for (const b of batches) expect(b.uids.every((u) => b.savedThen.includes(u))).toBe(true);
    await agent.close();
  });

  it('handles a redelivered command once, by its id, even after its pod is gone', async () => {
    const { reports, agent, until, command } = await started();
    await command(runPod('cmd-1', 'u1'));
    await until(() => reports.some(isRunning));
    await command(stopPod('cmd-2', 'u1'));
    await until(() => reports.some((r) => r.kind === 'PodGone'));
    const before = reports.length;
    await command(runPod('cmd-1', 'u1')); // Kafka delivers the RunPod again (its offset was not committed)
    await new Promise((r) => setTimeout(r, 60));
    expect(reports.length).toBe(before);
    expect(savedUids(agent)).toEqual([]);
    await agent.close();
  });

  it('adopts what it ran after a restart: no ContainerCreating again, its last status re-sent, old command ids remembered', async () => {
    const first = await started();
    await first.command(runPod('cmd-1', 'u1'));
    await first.command(runPod('cmd-2', 'u2', 'node-6'));
    await first.until(() => first.reports.filter(isRunning).length === 2);
    await first.command(runPod('cmd-3', 'u3')); // still ContainerCreating when the agent stops
    await first.agent.close();
    const lastU1 = first.reports.filter((r) => r.uid === 'u1').at(-1)!;

    writeFileSync(`${first.agent.stateFile}.tmp-4242`, '{"version":1,"no'); // a write a killed process left half done
    const second = await started();
    expect(second.agent.adopted).toBe(3);
    expect(readdirSync(dir)).toEqual(['agent-5-2.json']);
    await second.until(() => second.reports.filter(isRunning).length === 3);
    const u1 = second.reports.filter((r) => r.uid === 'u1');
    expect(u1.map((r) => r.status)).toEqual([lastU1.status]);
    expect(second.reports.filter((r) => r.uid === 'u2').map((r) => waitingReason(r) ?? 'Running')).toEqual(['Running']);
    // The one that had not started yet starts again.
    expect(second.reports.filter((r) => r.uid === 'u3').map((r) => waitingReason(r) ?? 'Running')).toEqual(['ContainerCreating', 'Running']);
    const before = second.reports.length;
    await second.command(runPod('resync-1', 'u1')); // the controller's resync after NodeRegister: same uid
    await second.command(runPod('cmd-1', 'u1')); // an old command redelivered
    await new Promise((r) => setTimeout(r, 60));
    expect(second.reports.length).toBe(before);
    await second.agent.close();
  });

  it('keeps a node’s images across a restart (as containerd does): a pod of the same image after it pulls nothing', async () => {
    const first = await started();
    await first.command(runPod('cmd-1', 'u1'));
    await first.until(() => first.reports.some(isRunning));
    expect(first.reports.filter((r) => r.kind === 'NodeImages').at(-1)).toMatchObject({ nodeName: 'node-5', images: ['docker.io/library/nginx:1.23.0'] });
    await first.command(stopPod('cmd-2', 'u1'));
    await first.until(() => first.reports.some((r) => r.kind === 'PodGone'));
    await first.agent.close();

    const second = await started();
    await second.command(runPod('cmd-3', 'u4'));
    await second.until(() => second.reports.some(isRunning));
    expect((second.reports.find(isRunning) as { pulls?: unknown }).pulls).toEqual([null]);
    await second.agent.close();
  });
});

describe('heartbeats', () => {
  afterEach(() => jest.useRealTimers());

  it('renews every node’s lease every quarter of the lease duration, all nodes in one batch per tick', async () => {
    jest.useFakeTimers({ now: new Date('2026-12-02T10:00:00.123Z') });
    const transport = new InProcessTransport();
    const batches: TransportMessage[][] = [];
    const publishBatch = transport.publishBatch.bind(transport);
    transport.publishBatch = (m) => (m[0]?.topic === TOPICS.nodeHeartbeats && batches.push([...m]), publishBatch(m));
    let n = 0;
    const fleet = new NodeFleet(transport, new ImageRegistry(new Map()), {
      podStartMs: 0,
      podStopMs: 0,
      pullBackoffMs: 1,
      failures: [],
      ids: () => `id-${++n}`,
      heartbeat: { holderIdentity: 'host-a-agent-0', leaseDurationSeconds: 40 },
    });
    await fleet.join(simulatedNode(0));
    await fleet.join(simulatedNode(1));
    await fleet.start('agent');
    expect(batches).toHaveLength(1); // one at once, as a kubelet creates its Lease at start
    await jest.advanceTimersByTimeAsync(9_999);
    expect(batches).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(batches).toHaveLength(2);
    expect(batches[1].map((m) => [m.topic, m.key, (m.value as NodeHeartbeatMessage).renewTime])).toEqual([
      [TOPICS.nodeHeartbeats, 'node-0', '2026-12-02T10:00:10.123000Z'],
      [TOPICS.nodeHeartbeats, 'node-1', '2026-12-02T10:00:10.123000Z'],
    ]);
    fleet.stop();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(batches).toHaveLength(2);
  });

  it('is off in the embedded fleet (no heartbeat option)', async () => {
    jest.useFakeTimers();
    const transport = new InProcessTransport();
    const spy = jest.spyOn(transport, 'publishBatch');
    const fleet = new NodeFleet(transport, new ImageRegistry(new Map()), { podStartMs: 0, podStopMs: 0, pullBackoffMs: 1, failures: [] });
    await fleet.join(simulatedNode(0));
    await fleet.start();
    await jest.advanceTimersByTimeAsync(120_000);
    expect(spy.mock.calls.filter(([m]) => m.some((x) => x.topic === TOPICS.nodeHeartbeats))).toEqual([]);
    fleet.stop();
  });

  it.each([
    ['upstream default', 40, 10_000],
    ['short test leases', 4, 1_000],
    ['one second', 1, 250],
  ])('renew interval: %s (%i s) → %i ms', (_, seconds, ms) => expect(renewIntervalMs(seconds)).toBe(ms));

  it('builds a Lease renewal per node with a microsecond renewTime and ids of its own', () => {
    let n = 0;
    const batch = heartbeatBatch(['node-3'], { holderIdentity: 'h', leaseDurationSeconds: 40, now: new Date('2026-01-02T03:04:05.006Z'), id: () => `hb-${++n}` });
    expect(batch).toEqual([
      { topic: TOPICS.nodeHeartbeats, key: 'node-3', value: { kind: 'NodeHeartbeat', id: 'hb-1', nodeName: 'node-3', holderIdentity: 'h', renewTime: '2026-01-02T03:04:05.006000Z', leaseDurationSeconds: 40 } },
    ]);
    expect(microTime(new Date('2026-01-02T03:04:05Z'))).toBe('2026-01-02T03:04:05.000000Z');
  });
});
