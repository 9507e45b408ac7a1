import { join } from 'node:path';
import { type ApiHarness, MANIFESTS, rows, startApiHarness } from './api-harness';

/**
 * What the simulated kubelets leave behind, read with the real kubectl as on
 * a real cluster (issue 14; seed 001's `get pod -o wide -w` listing): a
 * terminating pod turns `0/1` before it goes, a ContainerCreating pod has no
 * IP until its sandbox is up, a node keeps the images it pulled (listed in
 * `status.images`, used again after `rollout undo` without a pull), runtime
 * ids, RFC3339Nano log timestamps, and no Killing for a container that never ran.
 */
jest.setTimeout(90_000);

const NGINX = join(MANIFESTS, 'nginx-ds.yaml');
const SEED_IMAGE = 'repository.test.com:8444/kubernetes/nginx/nginx:1.7.9';

describe('the simulated kubelet, through kubectl', () => {
  let h: ApiHarness;
  const ok = async (args: string[], opts?: Parameters<ApiHarness['kubectl']>[1]) => {
    const r = await h.kubectl(args, opts);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  };
  const rolledOut = async () => expect(await ok(['rollout', 'status', 'ds/nginx-ds', '--timeout=60s'])).toMatch(/successfully rolled out/);
  type PodJson = { metadata: { name: string; deletionTimestamp?: string }; spec: { containers: { image: string }[] }; status: { podIP?: string; containerStatuses?: { state?: { waiting?: { reason?: string } } }[] } };
  const pods = async (): Promise<PodJson[]> => JSON.parse((await h.raw('/api/v1/namespaces/default/pods')).body).items;

  beforeAll(async () => {
    // Starting takes 1.2 s: the sandbox 0.3 s, a pull 0.9 s. Stopping takes 1.5 s.
    h = await startApiHarness({ nodes: 2, podStartMs: 1200, podStopMs: 1500 });
    await ok(['apply', '-f', NGINX]);
    await rolledOut();
  });
  afterAll(() => h?.dispose());

  it('get node -o yaml lists the images the node pulled (status.images: repo digest and tag, sizeBytes)', async () => {
    const yaml = await ok(['get', 'node', 'node-1', '-o', 'yaml']);
    expect(yaml).toMatch(/ {2}images:\n {2}- names:\n {4}- repository\.test\.com:8444\/kubernetes\/nginx\/nginx@sha256:[0-9a-f]{64}\n {4}- repository\.test\.com:8444\/kubernetes\/nginx\/nginx:1\.7\.9\n {4}sizeBytes: \d+\n/);
  });

  it('get pod -o wide -w during a rollout: the old pod 0/1 Terminating, the new one <none> IP while ContainerCreating, its IP first with Running', async () => {
    const watching = h.kubectl(['get', 'pod', '-o', 'wide', '-w'], { timeoutMs: 9000 });
    await new Promise((r) => setTimeout(r, 1000));
    await ok(['set', 'image', 'ds/nginx-ds', 'nginx-ds=nginx:1.9.1']);
    const out = rows((await watching).stdout);
    expect(out[0]).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    const terminating = out.filter((r) => r[2] === 'Terminating');
    expect(terminating.some((r) => r[1] === '0/1')).toBe(true);
    const creating = out.filter((r) => r[2] === 'ContainerCreating');
    expect(creating.length).toBeGreaterThan(0);
    expect(creating[0][5]).toBe('<none>');
    // No status between the sandbox and the start: the IP first shows with Running, as in seed 001.
    expect(creating.every((r) => r[5] === '<none>')).toBe(true);
    expect(out.some((r) => r[1] === '1/1' && r[2] === 'Running' && r[0] === creating[0][0] && /^10\.244\./.test(r[5]))).toBe(true);
    await rolledOut();
  });

  it('describe pod: a real pull’s Pulled event (duration, size), runtime ids', async () => {
    const name = (await pods()).find((p) => p.spec.containers[0].image === 'nginx:1.9.1' && !p.metadata.deletionTimestamp)!.metadata.name;
    const out = await ok(['describe', 'pod', name]);
    expect(out).toMatch(/Normal\s+Pulling\s+\S+\s+kubelet\s+Pulling image "nginx:1\.9\.1"/);
    expect(out).toMatch(/Normal\s+Pulled\s+\S+\s+kubelet\s+Successfully pulled image "nginx:1\.9\.1" in 900ms \(900ms including waiting\)\. Image size: \d+ bytes\./);
    expect(out).toMatch(/^\s+Container ID:\s+containerd:\/\/[0-9a-f]{64}$/m);
    expect(out).toMatch(/^\s+Image ID:\s+docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/m);
  });

  it('rollout undo: the node still has the old image, so no pull: Pulled "already present on machine"', async () => {
    await ok(['rollout', 'undo', 'ds/nginx-ds']);
    await rolledOut();
    const name = (await pods()).find((p) => p.spec.containers[0].image === SEED_IMAGE && !p.metadata.deletionTimestamp)!.metadata.name;
    const out = await ok(['describe', 'pod', name]);
    expect(out).toMatch(new RegExp(`Normal\\s+Pulled\\s+\\S+\\s+kubelet\\s+Container image "${SEED_IMAGE.replace(/\./g, '\\.')}" already present on machine`));
    expect(out).not.toMatch(/Pulling image/);
    expect(out).toMatch(/Normal\s+Started\s+\S+\s+kubelet\s+Started container nginx-ds/);
  });

  it('logs --timestamps: RFC3339Nano with nine digits, as the kubelet writes', async () => {
    const name = (await pods()).find((p) => !p.metadata.deletionTimestamp)!.metadata.name;
    expect(await ok(['logs', name, '--timestamps'])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z \[daemonledger\] simulated container nginx-ds started/);
  });

  it('a pod deleted before its container started gets no Killing event', async () => {
    await ok(['set', 'image', 'ds/nginx-ds', 'nginx-ds=nginx:1.24.0']);
    let victim: string | undefined;
    await h.until(async () => {
      victim = (await pods()).find((p) => p.spec.containers[0].image === 'nginx:1.24.0' && p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ContainerCreating')?.metadata.name;
      return Boolean(victim);
    }, 20_000, 'a ContainerCreating pod');
    await ok(['delete', 'pod', victim!, '--wait=false']);
    await h.until(async () => !(await pods()).some((p) => p.metadata.name === victim), 20_000, `${victim} gone`);
    const events = JSON.parse(await ok(['get', 'events', '-o', 'json'])).items as { reason: string; involvedObject: { name: string } }[];
    const reasons = events.filter((e) => e.involvedObject.name === victim).map((e) => e.reason);
    expect(reasons).toContain('Scheduled');
    expect(reasons).not.toContain('Killing');
    await rolledOut();
  });
});
