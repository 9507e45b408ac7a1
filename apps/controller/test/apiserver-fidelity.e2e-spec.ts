import { join } from 'node:path';
import { goShaped } from '../src/api/wire/go-omitempty';
import { type ApiHarness, kubectlExpecting, MANIFESTS, startApiHarness } from './api-harness';

/**
 * What the real kubectl shows of objects, compared with what a real API
 * server and kubelet leave in them (issue 14): admission's additions to
 * pods, Go's omitempty in `-o yaml`, node conditions and Leases in
 * `describe node`, and the server's build in `kubectl version`. One server
 * for the file; steps build on each other.
 */
jest.setTimeout(120_000);

const TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

describe('kubectl sees objects as a real API server leaves them', () => {
  let h: ApiHarness;
  const { ok } = kubectlExpecting(() => h);
  const json = async <T = Record<string, any>>(args: string[]): Promise<T> => JSON.parse(await ok([...args, '-o', 'json'])) as T;

  beforeAll(async () => {
    h = await startApiHarness({ nodes: 2, podStartMs: 50, podStopMs: 50 });
    await ok(['apply', '-f', join(MANIFESTS, 'nginx-ds.yaml')]);
    await ok(['rollout', 'status', 'ds/nginx-ds', '--timeout=60s']);
  });
  afterAll(() => h?.dispose());

  it('a daemon pod has what admission adds: service account, kube-api-access volume and mount, priority 0, enableServiceLinks, resources {}', async () => {
    const [name] = (await ok(['get', 'pods', '-l', 'app=nginx-ds', '-o', 'name'])).trim().split('\n');
    const yaml = await ok(['get', name, '-o', 'yaml']);
    for (const line of ['serviceAccountName: default', 'serviceAccount: default', 'priority: 0', 'preemptionPolicy: PreemptLowerPriority', 'enableServiceLinks: true', 'resources: {}', `mountPath: ${TOKEN_PATH}`]) {
      expect(yaml).toContain(line);
    }
    const pod = await json(['get', name]);
    const volume = pod.spec.volumes.find((v: { name: string }) => v.name.startsWith('kube-api-access-'));
    expect(volume.name).toMatch(/^kube-api-access-[a-z0-9]{5}$/);
    expect(volume.projected.sources.map((s: object) => Object.keys(s)[0])).toEqual(['serviceAccountToken', 'configMap', 'downwardAPI']);
    expect(pod.spec.containers[0].volumeMounts).toContainEqual({ mountPath: TOKEN_PATH, name: volume.name, readOnly: true });
  });

  it('describe pod shows the token volume as upstream’s describer does (protobuf round trip included)', async () => {
    const [name] = (await ok(['get', 'pods', '-l', 'app=nginx-ds', '-o', 'name'])).trim().split('\n');
    const out = await ok(['describe', name]);
    expect(out).toMatch(/Mounts:\n\s+\/var\/run\/secrets\/kubernetes\.io\/serviceaccount from kube-api-access-[a-z0-9]{5} \(ro\)/);
    expect(out).toMatch(/Volumes:\n {2}kube-api-access-[a-z0-9]{5}:\n {4}Type: +Projected \(a volume that contains injected data from multiple sources\)\n {4}TokenExpirationSeconds: +3607\n {4}ConfigMapName: +kube-root-ca\.crt/);
  });

  it('a pod created with kubectl gets the same, and applying its manifest again changes nothing', async () => {
    const manifest = h.file('web.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  nodeName: node-0\n  containers:\n  - name: web\n    image: nginx:1.25\n');
    expect(await ok(['apply', '-f', manifest])).toBe('pod/web created\n');
    const pod = await json(['get', 'pod', 'web']);
    expect([pod.spec.serviceAccountName, pod.spec.priority, pod.spec.enableServiceLinks]).toEqual(['default', 0, true]);
    expect(pod.spec.volumes.map((v: { name: string }) => v.name)).toEqual([expect.stringMatching(/^kube-api-access-/)]);
    expect(await ok(['apply', '-f', manifest])).toBe('pod/web unchanged\n');
    expect(await ok(['label', 'pod', 'web', 'tier=front'])).toBe('pod/web labeled\n');
  });

  it('get ds -o yaml prints what Go prints: no numberUnavailable: 0, resources: {} in the template; re-applying changes nothing', async () => {
    const yaml = await ok(['get', 'ds', 'nginx-ds', '-o', 'yaml']);
    expect(yaml).not.toContain('numberUnavailable');
    expect(yaml).toContain('numberMisscheduled: 0');
    expect(yaml).toContain('resources: {}');
    expect(yaml).toContain('maxSurge: 0');
    expect(await ok(['apply', '-f', join(MANIFESTS, 'nginx-ds.yaml')])).toBe('daemonset.apps/nginx-ds unchanged\n');
    expect((await json(['get', 'ds', 'nginx-ds'])).metadata.generation).toBe(1);
  });

  it('lists spliced as stored text (pods, events) hold nothing Go’s omitempty would drop; nor do nodes and revisions', async () => {
    for (const path of ['/api/v1/pods', '/api/v1/events', '/api/v1/nodes', '/apis/apps/v1/controllerrevisions', '/apis/apps/v1/daemonsets']) {
      const { items } = (await h.raw(path)).json<{ items: { kind?: string }[] }>();
      expect(items.length).toBeGreaterThan(0);
      const kind = path.endsWith('pods') ? 'Pod' : path.endsWith('events') ? 'Event' : path.endsWith('nodes') ? 'Node' : path.endsWith('daemonsets') ? 'DaemonSet' : 'ControllerRevision';
      for (const item of items) expect(goShaped({ ...item, kind })).toEqual({ ...item, kind });
    }
  });

  it('describe node: conditions in the kubelet’s order with heartbeat and transition times, and the node’s Lease', async () => {
    const out = await ok(['describe', 'node', 'node-0']);
    const conditions = out.slice(out.indexOf('Conditions:'), out.indexOf('Addresses:')).split('\n').slice(3, -1);
    expect(conditions.map((l) => l.trim().split(/\s+/)[0])).toEqual(['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']);
    expect(out).not.toContain('0001');
    const year = String(new Date().getUTCFullYear());
    for (const line of conditions) expect(line.match(new RegExp(`, \\d{2} \\w{3} ${year} `, 'g'))).toHaveLength(2);
    expect(out).toMatch(/Lease:\n {2}HolderIdentity: {2}node-0\n {2}AcquireTime: {5}<unset>\n {2}RenewTime: {7}\w{3}, \d{2} \w{3} \d{4}/);
    const lease = await json(['get', 'lease', '-n', 'kube-node-lease', 'node-0']);
    expect(lease.spec).toMatchObject({ holderIdentity: 'node-0', leaseDurationSeconds: 40 });
    expect(lease.metadata.ownerReferences[0]).toMatchObject({ kind: 'Node', name: 'node-0' });
  });

  it('the node Lease is renewed as time passes, without a write to the log', async () => {
    // Polled over HTTP (not one kubectl process per poll).
    const renewTime = async () => (await h.raw('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-1')).json<{ spec: { renewTime: string } }>().spec.renewTime;
    const head = await h.head();
    const first = await renewTime();
    await h.until(async () => (await new Promise((r) => setTimeout(r, 500)), (await renewTime()) !== first), 15_000, 'a renewal 10 s later');
    expect(Date.parse(await renewTime()) - Date.parse(first)).toBeGreaterThanOrEqual(10_000);
    // Nothing else changes in the meantime, and the renewal appended nothing.
    expect(await h.head()).toBe(head);
  });

  it('kubectl version: the server’s build date (not 1970) and git commit', async () => {
    const { serverVersion } = await json(['version']);
    expect(serverVersion.buildDate).not.toMatch(/^1970/);
    expect(Date.parse(serverVersion.buildDate)).toBeLessThanOrEqual(Date.now());
    expect(serverVersion.gitCommit).toMatch(/^[0-9a-f]{40}$/);
    expect(['clean', 'dirty']).toContain(serverVersion.gitTreeState);
    expect(serverVersion.gitVersion).toBe('v1.32.4');
  });
});
