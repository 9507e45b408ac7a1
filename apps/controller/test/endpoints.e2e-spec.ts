import { type ApiHarness, rows, startApiHarness } from './api-harness';

/**
 * Reaching daemon pods (issue 11 §4) and node sizes (§1) with the real
 * kubectl: a DaemonSet on three simulated nodes of SIM_NODE_CAPACITY's size
 * with a headless Service over it; Endpoints and EndpointSlices derived
 * from the pods, kept current as they come and go.
 */
jest.setTimeout(90_000);

const DS = `apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: default }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec:
      containers:
      - name: agent
        image: nginx:1.25
        resources: { requests: { cpu: 250m, memory: 128Mi } }
        ports: [{ name: metrics, containerPort: 9100 }]
`;
const SVC = `apiVersion: v1
kind: Service
metadata: { name: agent, namespace: default }
spec:
  clusterIP: None
  selector: { app: agent }
  ports: [{ name: metrics, port: 9100, targetPort: metrics }]
`;

describe('reaching daemon pods: endpoints and endpointslices with kubectl', () => {
  let h: ApiHarness;
  const ok = async (args: string[], timeoutMs?: number) => {
    const r = await h.kubectl(args, timeoutMs ? { timeoutMs } : {});
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  };
  const podIps = async () => (await ok(['get', 'pods', '-l', 'app=agent', '-o', 'jsonpath={range .items[*]}{.status.podIP}{"\\n"}{end}'])).split('\n').filter(Boolean).sort();
  const endpointIps = async () => (await ok(['get', 'endpoints', 'agent', '-o', 'jsonpath={range .subsets[*].addresses[*]}{.ip}{"\\n"}{end}'])).split('\n').filter(Boolean).sort();

  beforeAll(async () => {
    h = await startApiHarness({ nodes: 3, podStartMs: 50, env: { SIM_NODE_CAPACITY: 'cpu=2,memory=4Gi,pods=20' } });
    await ok(['apply', '-f', h.file('ds.yaml', DS)]);
    await ok(['rollout', 'status', 'ds/agent', '--timeout=30s']);
    await ok(['apply', '-f', h.file('svc.yaml', SVC)]);
  });
  afterAll(() => h?.dispose());

  it('get endpoints: a headless Service over the DaemonSet lists one address per node', async () => {
    const ips = await podIps();
    expect(ips).toHaveLength(3);
    expect(await endpointIps()).toEqual(ips);
    const nodes = (await ok(['get', 'endpoints', 'agent', '-o', 'jsonpath={.subsets[*].addresses[*].nodeName}'])).split(' ').sort();
    expect(nodes).toEqual(['node-0', 'node-1', 'node-2']);
    const [header, row] = rows(await ok(['get', 'endpoints', 'agent']));
    expect(header).toEqual(['NAME', 'ENDPOINTS', 'AGE']);
    expect(row[0]).toBe('agent');
    expect(row[1].split(',').sort()).toEqual(ips.map((ip) => `${ip}:9100`));
    // Endpoints of Services without a selector would be the user's: not taken here (README), refused as upstream refuses a verb it does not serve.
    const put = await h.raw('/api/v1/namespaces/default/endpoints', { method: 'POST', body: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'mine' } } });
    expect(put.status).toBe(405);
    expect(put.json()).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed' });
  });

  it('get endpointslices: the controller\'s labels, IPv4, the resolved port and every address', async () => {
    const [header, row, ...more] = rows(await ok(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=agent']));
    expect(more).toEqual([]);
    expect(header).toEqual(['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']);
    expect(row[0]).toMatch(/^agent-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(row.slice(1, 3)).toEqual(['IPv4', '9100']);
    expect(row[3].split(',').sort()).toEqual(await podIps());
    const managedBy = await ok(['get', 'endpointslices', row[0], '-o', 'jsonpath={.metadata.labels.endpointslice\\.kubernetes\\.io/managed-by}']);
    expect(managedBy).toBe('endpointslice-controller.k8s.io');
  });

  it('describe svc shows the endpoints (read from the EndpointSlices)', async () => {
    const out = await ok(['describe', 'svc', 'agent']);
    const line = out.split('\n').find((l) => l.startsWith('Endpoints:'));
    expect(line).toBeDefined();
    for (const ip of await podIps()) expect(line).toContain(`${ip}:9100`);
  });

  it('a deleted pod\'s address goes, its replacement\'s comes; get endpoints -w sees the changes', async () => {
    const before = await endpointIps();
    const victim = (await ok(['get', 'pods', '-l', 'app=agent', '--field-selector', 'spec.nodeName=node-1', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
    const victimIp = (await ok(['get', 'pod', victim, '-o', 'jsonpath={.status.podIP}'])).trim();
    const watching = h.kubectl(['get', 'endpoints', 'agent', '-w', '--output-watch-events'], { timeoutMs: 6000 });
    await new Promise((r) => setTimeout(r, 1500));
    await ok(['delete', 'pod', victim, '--wait=true']);
    await h.until(async () => {
      const ips = await endpointIps();
      return ips.length === 3 && !ips.includes(victimIp);
    }, 30_000, 'the replacement pod is an endpoint');
    const after = await endpointIps();
    expect(after.filter((ip) => before.includes(ip))).toHaveLength(2);
    const events = rows((await watching).stdout);
    expect(events[0]).toEqual(['EVENT', 'NAME', 'ENDPOINTS', 'AGE']);
    expect(events[1][0]).toBe('ADDED');
    expect(events.filter((e) => e[0] === 'MODIFIED').length).toBeGreaterThanOrEqual(1);
  });

  it('a resourceVersion that changes only when the endpoints do', async () => {
    const rv = async () => (await ok(['get', 'endpoints', 'agent', '-o', 'jsonpath={.metadata.resourceVersion}'])).trim();
    const first = await rv();
    await ok(['label', 'node', 'node-0', 'unrelated=yes']);
    expect(await rv()).toBe(first);
  });

  it('describe node shows the configured capacity, allocatable and the allocated resources of its pods', async () => {
    const out = await ok(['describe', 'node', 'node-0']);
    expect(out).toMatch(/Capacity:\n\s+cpu:\s+2\n\s+ephemeral-storage:\s+100Gi\n\s+memory:\s+4Gi\n\s+pods:\s+20\n/);
    expect(out).toMatch(/Allocatable:\n\s+cpu:\s+2\n/);
    expect(out).toMatch(/Non-terminated Pods:\s+\(1 in total\)/);
    expect(out).toMatch(/Allocated resources:[\s\S]*cpu\s+250m \(12%\)\s+0 \(0%\)/);
    expect(out).toMatch(/memory\s+128Mi \(3%\)\s+0 \(0%\)/);
  });
});
