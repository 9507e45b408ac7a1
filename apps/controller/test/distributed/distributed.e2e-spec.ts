import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { reportedPodState } from '@daemonledger/domain/cluster/kubelet-status';
import type { RecordedEvent } from '@daemonledger/event-store/event-store.port';
import { MANIFESTS } from '../api-harness';
import { checkLog } from '../log-checks';
import { FAST, type ProcessCluster, readiness, rolledOut, startProcessCluster } from './processes';

/**
 * Issue 10 §5: the distributed mode as separate OS processes — a real Kafka
 * broker started by the project, controller processes on one SQLite log and
 * node-agent processes — driven with the real kubectl, with kill -9 of each
 * kind of process mid-rollout. Every test ends by checking the whole log:
 * no hole in positions, at most one live daemon pod per node outside a surge,
 * unavailability within maxUnavailable, no pod created twice, and no pod
 * command acted on twice (a kubelet never starts a pod it already runs).
 */
jest.setTimeout(600_000);

const FIRST = 'repository.test.com:8444/kubernetes/nginx/nginx:1.7.9';
const SECOND = 'nginx:1.9.1';

/** The seed's nginx-ds with maxUnavailable 10%, written where kubectl can read it. */
const manifest = (c: ProcessCluster) => {
  const m = parse(readFileSync(join(MANIFESTS, 'nginx-ds.yaml'), 'utf8'));
  m.spec.updateStrategy.rollingUpdate.maxUnavailable = '10%';
  const file = join(c.dir, 'nginx-ds.yaml');
  writeFileSync(file, stringify(m));
  return file;
};

const ok = async (c: ProcessCluster, args: string[]) => {
  const r = await c.kubectl(args);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
};

const allReady = async (c: ProcessCluster, nodes: number) => {
  const r = await readiness(c);
  return r.size === nodes && [...r.values()].every((s) => s === 'True');
};

/**
 * A kubelet that acted on a RunPod twice shows it in its reports: the pod,
 * once running, is reported creating again, or under another pod IP. Counts
 * the pods (by stream and uid) whose reports show that.
 */
const actedTwice = (events: RecordedEvent[]): string[] => {
  const seen = new Map<string, { running: boolean; ip?: string; restarts: number }>();
  const twice = new Set<string>();
  for (const e of events) {
    if (e.type === 'PodCreated') seen.delete(e.streamId);
    if (e.type !== 'PodStatusReported') continue;
    const data = e.data as Parameters<typeof reportedPodState>[0];
    const state = reportedPodState(data);
    const ip = data.kubelet?.podIP ?? data.status?.podIP;
    const restarts = data.kubelet?.restarts ?? 0;
    const before = seen.get(e.streamId);
    if (before) {
      if (before.running && state.waiting === 'ContainerCreating' && restarts === before.restarts) twice.add(e.streamId);
      if (before.ip && ip && before.ip !== ip) twice.add(e.streamId);
    }
    seen.set(e.streamId, { running: (before?.running ?? false) || state.running, ip: ip ?? before?.ip, restarts });
  }
  return [...twice];
};

const checkWholeLog = async (c: ProcessCluster, nodes: number) => {
  const events = await c.readLog();
  const log = checkLog(events);
  expect(log).toMatchObject({ violation: undefined, duplicates: 0, maxPerNode: 1, live: nodes });
  expect(log.maxUnavailableSeen).toBeLessThanOrEqual(Math.max(1, Math.floor(nodes / 10)));
  expect(actedTwice(events)).toEqual([]);
  return events;
};

const leaseHolder = async (c: ProcessCluster): Promise<string | undefined> => {
  const lease = await c.get('/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/daemonledger-controller').catch(() => undefined);
  return lease?.spec?.holderIdentity;
};

describe('distributed mode: controller and node agents as processes over a real Kafka broker', () => {
  let c: ProcessCluster | undefined;
  afterEach(async () => {
    await c?.dispose();
    c = undefined;
  });

  it('200 nodes over two agents: apply, a rolling update and an undo complete through kubectl; the log holds every invariant', async () => {
    c = await startProcessCluster();
    await c.startController('c1');
    await c.startAgent('a1', 0, 100);
    await c.startAgent('a2', 100, 100);
    await c.until('200 nodes Ready', () => allReady(c!, 200));
    // A node registers, then its kubelet's first heartbeat creates its Lease: each comes soon after Ready.
    await c.until('200 node Leases', async () => (await c!.get('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases')).items.length === 200);

    await ok(c, ['apply', '-f', manifest(c)]);
    await c.until('first rollout', () => rolledOut(c!, 'nginx-ds', FIRST, 200));
    await ok(c, ['set', 'image', 'ds/nginx-ds', `nginx-ds=${SECOND}`]);
    await c.until('rolling update', () => rolledOut(c!, 'nginx-ds', SECOND, 200));
    await ok(c, ['rollout', 'undo', 'ds/nginx-ds']);
    await c.until('undo', () => rolledOut(c!, 'nginx-ds', FIRST, 200));
    expect(await ok(c, ['rollout', 'history', 'ds/nginx-ds'])).toMatch(/^2\s/m);

    const events = await checkWholeLog(c, 200);
    expect(events.filter((e) => e.type === 'RolloutCompleted').length).toBeGreaterThanOrEqual(3);
  });

  it('kill -9 of the broker mid-rollout: after it restarts the rollout completes, nothing lost or doubled', async () => {
    c = await startProcessCluster();
    await c.startController('c1');
    await c.startAgent('a1', 0, 50);
    await c.startAgent('a2', 50, 50);
    await c.until('100 nodes Ready', () => allReady(c!, 100));
    await ok(c, ['apply', '-f', manifest(c)]);
    await c.until('first rollout', () => rolledOut(c!, 'nginx-ds', FIRST, 100));
    await ok(c, ['set', 'image', 'ds/nginx-ds', `nginx-ds=${SECOND}`]);
    await c.until('a quarter updated', async () => (await c!.get('/apis/apps/v1/namespaces/default/daemonsets/nginx-ds')).status?.updatedNumberScheduled >= 25);

    await c.killBroker();
    await new Promise((r) => setTimeout(r, 3000));
    await c.restartBroker();

    await c.until('rolling update after the broker came back', () => rolledOut(c!, 'nginx-ds', SECOND, 100));
    await checkWholeLog(c, 100);
    for (const p of [...c.controllers, ...c.agents]) expect(p.child.exitCode).toBeNull();
  });

  it('kill -9 of an agent: its nodes go Unknown with the unreachable taints after the grace period; restarted, it adopts its pods and they come back Ready', async () => {
    c = await startProcessCluster();
    await c.startController('c1');
    await c.startAgent('a1', 0, 20);
    const a2 = await c.startAgent('a2', 20, 20);
    await c.until('40 nodes Ready', () => allReady(c!, 40));
    await ok(c, ['apply', '-f', manifest(c)]);
    await c.until('rollout', () => rolledOut(c!, 'nginx-ds', FIRST, 40));
    const podsBefore = (await c.get('/api/v1/namespaces/default/pods')).items.map((p: any) => p.metadata.uid).sort();

    await a2.kill9();
    const lost = Array.from({ length: 20 }, (_, i) => `node-${20 + i}`);
    await c.until('a2’s nodes Unknown', async () => {
      const r = await readiness(c!);
      return lost.every((n) => r.get(n) === 'Unknown') && [...r].filter(([n]) => !lost.includes(n)).every(([, s]) => s === 'True');
    });
    const node = await c.get(`/api/v1/nodes/${lost[0]}`);
    expect(node.spec.taints.map((t: any) => `${t.key}:${t.effect}`).sort()).toEqual(['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
    // DaemonSet pods tolerate unreachable: nothing is evicted or replaced.
    expect((await c.get('/api/v1/namespaces/default/pods')).items.map((p: any) => p.metadata.uid).sort()).toEqual(podsBefore);

    await c.startAgent('a2', 20, 20);
    await c.until('all Ready again', () => allReady(c!, 40));
    await c.until('taints gone', async () => !(await c!.get(`/api/v1/nodes/${lost[0]}`)).spec.taints?.length);
    expect((await c.get('/api/v1/namespaces/default/pods')).items.map((p: any) => p.metadata.uid).sort()).toEqual(podsBefore);
    await checkWholeLog(c, 40);
  });

  it('kill -9 of the leading controller mid-rollout: the other takes over when the lease expires and the rollout completes, no pod created twice', async () => {
    c = await startProcessCluster();
    const c1 = await c.startController('c1');
    await c1.waitFor(/daemonledger: leader/);
    const c2 = await c.startController('c2');
    await c2.waitFor(/daemonledger: following/);
    await c.startAgent('a1', 0, 50);
    await c.startAgent('a2', 50, 50);
    await c.until('100 nodes Ready', () => allReady(c!, 100));
    expect(await leaseHolder(c)).toBe('c1');
    await ok(c, ['apply', '-f', manifest(c)]);
    await c.until('first rollout', () => rolledOut(c!, 'nginx-ds', FIRST, 100));
    await ok(c, ['set', 'image', 'ds/nginx-ds', `nginx-ds=${SECOND}`]);
    await c.until('a quarter updated', async () => (await c!.get('/apis/apps/v1/namespaces/default/daemonsets/nginx-ds')).status?.updatedNumberScheduled >= 25);

    await c1.kill9();
    await c2.waitFor(/daemonledger: leader/, 60_000);
    expect(await leaseHolder(c)).toBe('c2');
    await c.until('rolling update under the new leader', () => rolledOut(c!, 'nginx-ds', SECOND, 100));
    const events = await checkWholeLog(c, 100);

    // The handover, in the log's own times: c2 acquired within a lease duration (plus one retry period) of c1's last renewal.
    const lease = events.filter((e) => e.streamId === 'lease-kube-system.daemonledger-controller');
    const specs = lease.map((e) => ((e.data as any).object ?? (e.data as any)).spec ?? {});
    const lastByC1 = specs.filter((s: any) => s.holderIdentity === 'c1').pop();
    const firstByC2 = specs.find((s: any) => s.holderIdentity === 'c2');
    expect(firstByC2).toBeDefined();
    const gapMs = Date.parse(firstByC2.acquireTime) - Date.parse(lastByC1.renewTime);
    expect(gapMs).toBeLessThanOrEqual((Number(FAST.CONTROLLER_LEASE_SECONDS) + 2) * 1000);
    expect(firstByC2.leaseTransitions).toBeGreaterThan(lastByC1.leaseTransitions ?? 0);
  });
});
