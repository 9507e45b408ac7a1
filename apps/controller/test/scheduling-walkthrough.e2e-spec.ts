import type { RecordedEvent } from '@daemonledger/event-store/event-store.port';
import { type ApiHarness, kubectlExpecting, rows, startApiHarness } from './api-harness';

/**
 * The seeds' scheduling story, as the README's walkthrough tells it, with the
 * real kubectl on two simulated nodes of 4 CPUs: fill the nodes with pods of
 * no priority; a DaemonSet that does not fit stays Pending with the
 * scheduler's FailedScheduling text; with a high PriorityClass its pods
 * preempt one filler per node and run; a pod asking for the daemon's host
 * port on the same node does not bind; a headless Service over the DaemonSet
 * lists one endpoint per node. One server for the file; steps build on each other.
 */
jest.setTimeout(120_000);

const filler = (name: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: { app: filler }
spec:
  containers:
  - name: work
    image: nginx:1.25
    resources: { requests: { cpu: 1500m, memory: 1Gi } }
`;

const agent = (priorityClassName?: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
spec:
  selector: { matchLabels: { app: node-agent } }
  template:
    metadata:
      labels: { app: node-agent }
    spec:
${priorityClassName ? `      priorityClassName: ${priorityClassName}\n` : ''}      terminationGracePeriodSeconds: 1
      containers:
      - name: agent
        image: nginx:1.25
        ports: [{ containerPort: 9100, hostPort: 9100 }]
        resources: { requests: { cpu: "2", memory: 512Mi } }
`;

describe('walkthrough: fit, priority and preemption, host ports and endpoints through kubectl', () => {
  let h: ApiHarness;

  const { ok } = kubectlExpecting(() => h);
  const json = async (args: string[]) => JSON.parse(await ok([...args, '-o', 'json']));
  const agentPods = async () => (await json(['get', 'pods', '-l', 'app=node-agent'])).items as any[];
  const fillers = async () => (await json(['get', 'pods', '-l', 'app=filler'])).items as any[];
  const log = async (): Promise<RecordedEvent[]> => h.embedded.store.readAll();

  beforeAll(async () => {
    h = await startApiHarness({ nodes: 2, podStartMs: 50, podStopMs: 50 });
  });
  afterAll(() => h?.dispose());

  it('nodes have capacity and allocatable; kubectl describe node prints them', async () => {
    const out = await ok(['describe', 'node', 'node-0']);
    expect(out).toMatch(/Capacity:\n\s+cpu:\s+4\n[\s\S]*memory:\s+8Gi\n[\s\S]*pods:\s+110/);
    expect(out).toMatch(/Allocatable:\n\s+cpu:\s+4\n/);
  });

  it('pods of no DaemonSet are placed by the scheduler: two 1.5-CPU fillers a node', async () => {
    for (let i = 0; i < 4; i++) expect(await ok(['apply', '-f', h.file(`filler-${i}.yaml`, filler(`filler-${i}`))])).toBe(`pod/filler-${i} created\n`);
    await h.until(async () => (await fillers()).filter((p) => p.status?.phase === 'Running').length === 4, 30_000, 'four fillers running');
    const byNode = new Map<string, number>();
    for (const p of await fillers()) byNode.set(p.spec.nodeName, (byNode.get(p.spec.nodeName) ?? 0) + 1);
    expect([...byNode.entries()].sort()).toEqual([['node-0', 2], ['node-1', 2]]);
    // describe node sums the requests of the pods bound there, as upstream's kubectl does.
    expect(await ok(['describe', 'node', 'node-0'])).toMatch(/Allocated resources:[\s\S]*cpu\s+3 \(75%\)/);
  });

  it('a DaemonSet that does not fit: its pods stay Pending with the FailedScheduling text', async () => {
    expect(await ok(['apply', '-f', h.file('agent.yaml', agent())])).toBe('daemonset.apps/node-agent created\n');
    await h.until(async () => {
      const pods = await agentPods();
      return pods.length === 2 && pods.every((p) => p.status?.conditions?.some((c: any) => c.type === 'PodScheduled' && c.status === 'False'));
    }, 30_000, 'two unschedulable daemon pods');
    const pods = await agentPods();
    expect(pods.every((p) => !p.spec.nodeName && p.status.phase === 'Pending')).toBe(true);
    const table = rows(await ok(['get', 'pods', '-l', 'app=node-agent']));
    expect(table.slice(1).map((r) => r[2])).toEqual(['Pending', 'Pending']);
    const described = await ok(['describe', 'pod', pods[0].metadata.name]);
    expect(described).toMatch(/Warning\s+FailedScheduling\s+.*default-scheduler\s+0\/2 nodes are available: .*1 Insufficient cpu/);
    expect(described).toContain('preemption: ');
    // The controller counts the pods it made, scheduled or not, as upstream's does.
    const ds = await json(['get', 'ds', 'node-agent']);
    expect(ds.status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 0 });
    expect(await ok(['delete', 'ds', 'node-agent'])).toBe('daemonset.apps "node-agent" deleted\n');
    await h.until(async () => (await agentPods()).length === 0, 30_000, 'the pending daemon pods gone');
  });

  it('with a high PriorityClass the daemon pods preempt one filler per node and run; the log says which pod was evicted for which', async () => {
    await ok(['create', 'priorityclass', 'node-critical-agents', '--value=1000000', '--description=daemons that must run everywhere']);
    expect(await ok(['apply', '-f', h.file('agent-high.yaml', agent('node-critical-agents'))])).toBe('daemonset.apps/node-agent created\n');
    await h.until(async () => {
      const pods = await agentPods();
      return pods.length === 2 && pods.every((p) => p.status?.phase === 'Running');
    }, 60_000, 'daemon pods running after preemption');
    const pods = await agentPods();
    expect(pods.map((p) => p.spec.nodeName).sort()).toEqual(['node-0', 'node-1']);
    expect(pods.every((p) => p.spec.priority === 1000000)).toBe(true);
    // One victim a node: the fewest pods that make room (2 CPUs needed, 1 free, a filler frees 1.5).
    await h.until(async () => (await fillers()).length === 2, 30_000, 'the victims gone');
    expect((await fillers()).map((p) => p.spec.nodeName).sort()).toEqual(['node-0', 'node-1']);

    const preempted = (await json(['get', 'events', '--field-selector', 'reason=Preempted'])).items as any[];
    expect(preempted).toHaveLength(2);
    const uids = new Set(pods.map((p) => p.metadata.uid));
    for (const e of preempted) {
      expect(e.involvedObject.name).toMatch(/^filler-\d$/);
      const m = /^Preempted by pod (\S+) on node (node-\d)$/.exec(e.message);
      expect(m && uids.has(m[1])).toBe(true);
    }
    // In the log: each victim's deletion names the daemon pod it made room for.
    const deletions = (await log()).filter((e) => e.type === 'PodDeletionRequested' && (e.data as any).reason === 'preempted');
    expect(deletions.map((e) => (e.data as any).preemptedBy.name).sort()).toEqual(pods.map((p) => p.metadata.name).sort());
    expect(deletions.every((e) => e.metadata.actor === 'default-scheduler')).toBe(true);
  });

  it('a pod asking for the daemon’s host port on the same node stays Pending', async () => {
    const clash = `apiVersion: v1
kind: Pod
metadata: { name: port-clash }
spec:
  nodeSelector: { kubernetes.io/hostname: node-0 }
  containers:
  - name: c
    image: nginx:1.25
    ports: [{ containerPort: 80, hostPort: 9100 }]
`;
    await ok(['apply', '-f', h.file('clash.yaml', clash)]);
    await h.until(async () => (await json(['get', 'pod', 'port-clash'])).status?.conditions?.some((c: any) => c.type === 'PodScheduled' && c.status === 'False'), 30_000, 'port-clash unschedulable');
    const described = await ok(['describe', 'pod', 'port-clash']);
    expect(described).toMatch(/FailedScheduling[\s\S]*1 node\(s\) didn't have free ports for the requested pod ports/);
    // The daemon pod's host port, at its node's IP, is how clients reach it.
    const wide = rows(await ok(['get', 'pods', '-l', 'app=node-agent', '-o', 'wide']));
    expect(wide[0]).toContain('NODE');
    await ok(['delete', 'pod', 'port-clash']);
  });

  it('a headless Service over the DaemonSet lists one endpoint per node', async () => {
    const svc = `apiVersion: v1
kind: Service
metadata: { name: node-agent }
spec:
  clusterIP: None
  selector: { app: node-agent }
  ports: [{ name: metrics, port: 9100 }]
`;
    expect(await ok(['apply', '-f', h.file('svc.yaml', svc)])).toBe('service/node-agent created\n');
    const podIPs = (await agentPods()).map((p) => p.status.podIP).sort();
    await h.until(async () => {
      const ep = await json(['get', 'endpoints', 'node-agent']);
      return (ep.subsets?.[0]?.addresses ?? []).length === 2;
    }, 30_000, 'two endpoints');
    const ep = await json(['get', 'endpoints', 'node-agent']);
    expect(ep.subsets[0].addresses.map((a: any) => a.ip).sort()).toEqual(podIPs);
    expect(ep.subsets[0].addresses.map((a: any) => a.nodeName).sort()).toEqual(['node-0', 'node-1']);
    expect(ep.subsets[0].ports).toEqual([{ name: 'metrics', port: 9100, protocol: 'TCP' }]);
    const table = rows(await ok(['get', 'endpoints', 'node-agent']));
    expect(table[1][1].split(',').sort()).toEqual(podIPs.map((ip: string) => `${ip}:9100`));
    const slices = rows(await ok(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=node-agent']));
    expect(slices[0]).toEqual(['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']);
    expect(slices[1].slice(1, 3)).toEqual(['IPv4', '9100']);
    expect(await ok(['describe', 'svc', 'node-agent'])).toMatch(/Endpoints:\s+\S+:9100,\S+:9100/);
  });
});
