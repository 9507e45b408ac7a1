import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { RecordedEvent } from '@daemonledger/event-store/event-store.port';
import { type ProcessCluster, rolledOut, startProcessCluster } from '../test/distributed/processes';

/**
 * `npm run bench:distributed`: one rolling update of a DaemonSet over
 * BENCH_NODES (default 5,000) simulated nodes, run twice in one run:
 * - embedded: one `npm start` process (SQLite log, in-process transport, the
 *   simulated kubelets in the same process) — the peer;
 * - distributed: a local Kafka broker (infra/kafka), two controller processes
 *   on one SQLite log (one leads) and BENCH_AGENTS (default 4) node-agent
 *   processes sharing the nodes.
 * Both are driven the same way (kubectl apply / set image, polling the API)
 * and timed from the log's own record times. Then, distributed only: pod
 * commands per second through Kafka, command-to-report latency (a pod's
 * PodBound → the agent's first report about it, p50/p99), and failover
 * (kill -9 of the leader → the follower holds the lease → its first
 * reconcile write).
 */
const NODES = Number(process.env.BENCH_NODES ?? 5000);
const AGENTS = Number(process.env.BENCH_AGENTS ?? 4);
const FIRST = 'nginx:1.7.9';
const SECOND = 'nginx:1.9.1';
const ENV = {
  LOG_LEVEL: 'warn',
  SIM_POD_START_MS: '200',
  SIM_POD_STOP_MS: '100',
  SNAPSHOT_EVERY_EVENTS: '20000',
  // Upstream's defaults, not the tests' short ones: a kubelet renews its lease every 10 s of 40.
  NODE_LEASE_DURATION_SECONDS: '40',
  NODE_MONITOR_GRACE_SECONDS: '40',
  CONTROLLER_LEASE_SECONDS: '15',
};

const daemonSet = (c: ProcessCluster) => {
  const file = join(c.dir, 'ds.yaml');
  writeFileSync(
    file,
    stringify({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'default' },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } },
        template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: FIRST }] } },
      },
    }),
  );
  return file;
};

const kubectl = async (c: ProcessCluster, args: string[]) => {
  const r = await c.kubectl(args);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
};

const nodesReady = async (c: ProcessCluster) => {
  const list = await c.get('/api/v1/nodes');
  return list.items.length === NODES && list.items.every((n: any) => n.status?.conditions?.find((x: any) => x.type === 'Ready')?.status === 'True');
};

/** The rollout to `to`: from its RolloutStarted to its RolloutCompleted, by the store's record times. */
const rolloutSpan = (events: RecordedEvent[], n: number) => {
  const stream = `rollout-default.agent-${n}`;
  const started = events.find((e) => e.streamId === stream && e.type === 'RolloutStarted');
  const done = events.find((e) => e.streamId === stream && e.type === 'RolloutCompleted');
  if (!started || !done) throw new Error(`rollout ${n} not found in the log`);
  return { from: started.position, to: done.position, ms: Date.parse(done.recordedAt) - Date.parse(started.recordedAt) };
};

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

const rollOnce = async (c: ProcessCluster) => {
  await c.until(`${NODES} nodes Ready`, () => nodesReady(c), 600_000);
  await kubectl(c, ['apply', '-f', daemonSet(c)]);
  await c.until('first rollout', () => rolledOut(c, 'agent', FIRST, NODES), 600_000);
  await kubectl(c, ['set', 'image', 'ds/agent', `agent=${SECOND}`]);
  await c.until('rolling update', () => rolledOut(c, 'agent', SECOND, NODES), 900_000);
};

const main = async () => {
  console.log(`bench:distributed — ${NODES} nodes, one DaemonSet, maxUnavailable 10%, pods start in ${ENV.SIM_POD_START_MS} ms, ${new Date().toISOString()}`);

  // The peer: the embedded mode, one process.
  const embedded = await startProcessCluster({ env: ENV, build: false });
  let embeddedMs: number;
  try {
    await embedded.startController('embedded', { TRANSPORT: 'inprocess', SIM_NODES: String(NODES) });
    await rollOnce(embedded);
    embeddedMs = rolloutSpan(await embedded.readLog(), 2).ms;
  } finally {
    await embedded.dispose();
  }
  console.log(`embedded     rolling update ${(embeddedMs / 1000).toFixed(1)} s`);

  const c = await startProcessCluster({ env: ENV, build: false });
  try {
    const c1 = await c.startController('c1');
    await c1.waitFor(/daemonledger: leader/);
    const c2 = await c.startController('c2');
    const per = Math.ceil(NODES / AGENTS);
    for (let i = 0; i < AGENTS; i++) await c.startAgent(`a${i + 1}`, i * per, Math.min(per, NODES - i * per));
    await rollOnce(c);
    const events = await c.readLog();
    const span = rolloutSpan(events, 2);
    const inRollout = events.filter((e) => e.position > span.from && e.position <= span.to);
    const commands = inRollout.filter((e) => e.type === 'PodBound' || e.type === 'PodDeletionRequested');
    const bound = new Map(inRollout.filter((e) => e.type === 'PodBound').map((e) => [e.streamId, Date.parse(e.recordedAt)]));
    const latencies: number[] = [];
    for (const e of inRollout) {
      if (e.type !== 'PodStatusReported' || !bound.has(e.streamId)) continue;
      latencies.push(Date.parse(e.recordedAt) - bound.get(e.streamId)!);
      bound.delete(e.streamId);
    }
    console.log(`distributed  rolling update ${(span.ms / 1000).toFixed(1)} s (${(span.ms / embeddedMs).toFixed(2)}× the embedded mode)`);
    console.log(`  pod commands through Kafka   ${commands.length} in ${(span.ms / 1000).toFixed(1)} s: ${((commands.length / span.ms) * 1000).toFixed(0)}/s`);
    console.log(`  command → first report       p50 ${pct(latencies, 50)} ms  p99 ${pct(latencies, 99)} ms (${latencies.length} pods)`);

    // Failover: kill -9 the leader; time until the follower holds the lease, then until it acts (the next rollout's first write).
    await kubectl(c, ['set', 'image', 'ds/agent', `agent=${FIRST}`]);
    const killedAt = Date.now();
    await c1.kill9();
    await c2.waitFor(/daemonledger: leader/, 120_000);
    const leaderAt = Date.now();
    await c.until('rollout under c2', () => rolledOut(c, 'agent', FIRST, NODES), 900_000);
    const after = await c.readLog();
    const acted = after.find((e) => Date.parse(e.recordedAt) >= leaderAt - 1000 && e.metadata.actor !== undefined && /controller/.test(String(e.metadata.actor)) && e.streamId.startsWith('pod-'));
    console.log(`  failover (lease ${ENV.CONTROLLER_LEASE_SECONDS} s)      kill -9 → new leader ${((leaderAt - killedAt) / 1000).toFixed(1)} s, → its first pod write ${acted ? ((Date.parse(acted.recordedAt) - killedAt) / 1000).toFixed(1) : '?'} s`);
  } finally {
    await c.dispose();
  }
};

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
