import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type ApiHarness, type Run, startApiHarness } from './api-harness';

/**
 * Helm 3 (built from source by scripts/go-tools.mjs, never installed by
 * hand) drives a node-agent chart of the project's own through a release's
 * whole life against the server, with Helm's default release storage
 * (Secrets): install with --create-namespace, upgrade to a new image waiting
 * for the rollout, history, rollback to a renumbered revision, uninstall.
 * Every step is checked from the API, not from Helm's own output alone.
 *
 * When Helm cannot be built (no Go, no module proxy) the suite fails in
 * beforeAll with the build's error; it is never skipped.
 */
jest.setTimeout(180_000);

const ROOT = join(__dirname, '../../..');
const CHART = join(__dirname, 'fixtures/charts/node-agent');
const NS = 'monitoring';
const RELEASE = 'agent';
const NAME = `${RELEASE}-node-agent`;
const NODES = 3;
const OLD_IMAGE = 'quay.io/prometheus/node-exporter:v1.8.1';
const NEW_IMAGE = 'quay.io/prometheus/node-exporter:v1.8.2';

const exec = (cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Run> =>
  new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1) : 0;
      resolve({ stdout: String(stdout), stderr: String(stderr), code });
    });
  });

/** Builds Helm into the project's Go cache on first use (minutes when cold) and returns its path; throws with the build output otherwise. */
const buildHelm = async (): Promise<string> => {
  const r = await exec(process.execPath, [join(ROOT, 'scripts/go-tools.mjs'), 'helm'], process.env, 20 * 60_000);
  if (r.code !== 0 || !r.stdout.trim()) throw new Error(`cannot build Helm for the e2e test (exit ${r.code}):\n${r.stderr}`);
  return r.stdout.trim().split('\n').pop()!;
};

describe('Helm 3 manages a node-agent release with its default (Secret) storage', () => {
  let h: ApiHarness;
  let helmBin: string;

  const helm = async (args: string[]): Promise<string> => {
    const env = {
      ...process.env,
      KUBECONFIG: h.kubeconfig,
      HELM_CONFIG_HOME: join(h.dir, 'helm/config'),
      HELM_CACHE_HOME: join(h.dir, 'helm/cache'),
      HELM_DATA_HOME: join(h.dir, 'helm/data'),
      HELM_DRIVER: '',
    };
    const r = await exec(helmBin, args, env, 150_000);
    if (r.code !== 0) throw new Error(`helm ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  const get = async (path: string) => {
    const r = await h.raw(path);
    if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.body}`);
    return r.json<any>();
  };
  const status = async (path: string) => (await h.raw(path)).status;
  const daemonSet = () => get(`/apis/apps/v1/namespaces/${NS}/daemonsets/${NAME}`);
  const podImages = async () => {
    const pods = await get(`/api/v1/namespaces/${NS}/pods?labelSelector=${encodeURIComponent(`app.kubernetes.io/instance=${RELEASE}`)}`);
    return pods.items.filter((p: any) => !p.metadata.deletionTimestamp).map((p: any) => p.spec.containers[0].image).sort();
  };
  /** The release records Helm keeps: Secrets of type helm.sh/release.v1 labelled owner=helm,name=<release>. */
  const releaseSecrets = async () => {
    const list = await get(`/api/v1/namespaces/${NS}/secrets?labelSelector=${encodeURIComponent(`owner=helm,name=${RELEASE}`)}`);
    return list.items
      .map((s: any) => ({ name: s.metadata.name, type: s.type, version: Number(s.metadata.labels.version), status: s.metadata.labels.status }))
      .sort((a: any, b: any) => a.version - b.version);
  };
  /**
   * After `helm ... --wait`: Helm has seen the controller observe the new
   * generation, an updated pod scheduled on every node and at least
   * desired - maxUnavailable of them ready (its DaemonSet readiness rule);
   * then the rollout finishes with every pod on `image`.
   */
  const rolledOutTo = async (image: string) => {
    const seen = await daemonSet();
    expect(seen.spec.template.spec.containers[0].image).toBe(image);
    expect(seen.status.observedGeneration).toBe(seen.metadata.generation);
    expect(seen.status).toMatchObject({ desiredNumberScheduled: NODES, updatedNumberScheduled: NODES });
    expect(seen.status.numberReady).toBeGreaterThanOrEqual(NODES - 1);
    await h.until(async () => (await daemonSet()).status.numberAvailable === NODES, 60_000, `all ${NODES} pods of ${image} available`);
    const ds = await daemonSet();
    expect(ds.status).toMatchObject({ desiredNumberScheduled: NODES, updatedNumberScheduled: NODES, numberReady: NODES, numberAvailable: NODES });
    expect(await podImages()).toEqual(Array(NODES).fill(image));
    return ds;
  };

  beforeAll(async () => {
    helmBin = await buildHelm();
    h = await startApiHarness({ nodes: NODES, podStartMs: 100 });
    mkdirSync(join(h.dir, 'helm'), { recursive: true });
  }, 25 * 60_000);
  afterAll(() => h?.dispose());

  it('install --create-namespace creates the namespace, every object of the chart and release record v1', async () => {
    expect(await status(`/api/v1/namespaces/${NS}`)).toBe(404);
    const out = await helm(['install', RELEASE, CHART, '-n', NS, '--create-namespace', '--wait', '--timeout', '2m']);
    expect(out).toMatch(/STATUS: deployed/);
    expect(out).toMatch(/REVISION: 1/);

    expect((await get(`/api/v1/namespaces/${NS}`)).status.phase).toBe('Active');
    const ds = await rolledOutTo(OLD_IMAGE);
    expect(ds.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'Helm' });
    expect(ds.metadata.annotations).toMatchObject({ 'meta.helm.sh/release-name': RELEASE, 'meta.helm.sh/release-namespace': NS });
    expect(ds.spec.template.spec.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(ds.spec.template.spec.containers[0].ports[0]).toMatchObject({ containerPort: 9100, hostPort: 9100 });
    expect(ds.spec.template.spec.serviceAccountName).toBe(NAME);

    expect((await get(`/api/v1/namespaces/${NS}/serviceaccounts/${NAME}`)).metadata.name).toBe(NAME);
    expect((await get(`/api/v1/namespaces/${NS}/configmaps/${NAME}`)).data).toEqual({ collectors: 'cpu,meminfo,filesystem', 'listen-address': ':9100' });
    const svc = await get(`/api/v1/namespaces/${NS}/services/${NAME}`);
    expect(svc.spec.ports[0]).toMatchObject({ port: 9100, protocol: 'TCP' });
    expect(svc.spec.clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect((await get(`/apis/rbac.authorization.k8s.io/v1/clusterroles/${NAME}`)).rules).toHaveLength(2);
    expect((await get(`/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${NAME}`)).subjects).toEqual([{ kind: 'ServiceAccount', name: NAME, namespace: NS }]);

    expect(await releaseSecrets()).toEqual([{ name: `sh.helm.release.v1.${RELEASE}.v1`, type: 'helm.sh/release.v1', version: 1, status: 'deployed' }]);
  });

  it('upgrade to a new image waits for the rollout and supersedes revision 1', async () => {
    const before = await daemonSet();
    const out = await helm(['upgrade', RELEASE, CHART, '-n', NS, '--set', 'image.tag=v1.8.2', '--wait', '--timeout', '2m']);
    expect(out).toMatch(/has been upgraded/);
    expect(out).toMatch(/REVISION: 2/);
    // --wait returned: the rollout is complete as Helm saw it, and the API agrees.
    const ds = await rolledOutTo(NEW_IMAGE);
    expect(ds.metadata.generation).toBe(before.metadata.generation + 1);
    expect((await get(`/api/v1/namespaces/${NS}/configmaps/${NAME}`)).metadata.labels['app.kubernetes.io/version']).toBe('v1.8.2');
    expect((await releaseSecrets()).map((s: any) => [s.version, s.status])).toEqual([
      [1, 'superseded'],
      [2, 'deployed'],
    ]);
  });

  it('history lists both revisions', async () => {
    const history = JSON.parse(await helm(['history', RELEASE, '-n', NS, '-o', 'json']));
    expect(history.map((r: any) => [r.revision, r.status, r.app_version, r.description])).toEqual([
      [1, 'superseded', '1.8.1', 'Install complete'],
      [2, 'deployed', '1.8.1', 'Upgrade complete'],
    ]);
  });

  it('rollback to revision 1 is recorded as revision 3 and rolls the pods back', async () => {
    const out = await helm(['rollback', RELEASE, '1', '-n', NS, '--wait', '--timeout', '2m']);
    expect(out).toMatch(/Rollback was a success/);
    await rolledOutTo(OLD_IMAGE);
    const history = JSON.parse(await helm(['history', RELEASE, '-n', NS, '-o', 'json']));
    expect(history.map((r: any) => [r.revision, r.status, r.description])).toEqual([
      [1, 'superseded', 'Install complete'],
      [2, 'superseded', 'Upgrade complete'],
      [3, 'deployed', 'Rollback to 1'],
    ]);
    expect((await releaseSecrets()).map((s: any) => s.version)).toEqual([1, 2, 3]);
  });

  it('install --create-namespace into an existing namespace works (the namespace create answers 409 AlreadyExists)', async () => {
    const out = await helm(['install', 'edge', CHART, '-n', 'default', '--create-namespace', '--set', 'port=9200', '--wait', '--timeout', '2m']);
    expect(out).toMatch(/STATUS: deployed/);
    expect((await get('/apis/apps/v1/namespaces/default/daemonsets/edge-node-agent')).spec.template.spec.containers[0].ports[0].hostPort).toBe(9200);
    const again = await h.raw('/api/v1/namespaces', { method: 'POST', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } } });
    expect(again.status).toBe(409);
    expect(again.json()).toMatchObject({ kind: 'Status', reason: 'AlreadyExists' });
    await helm(['uninstall', 'edge', '-n', 'default', '--wait']);
  });

  it('uninstall removes every object of the chart and the release records', async () => {
    const out = await helm(['uninstall', RELEASE, '-n', NS, '--wait', '--timeout', '2m']);
    expect(out).toMatch(/release "agent" uninstalled/);
    for (const path of [
      `/apis/apps/v1/namespaces/${NS}/daemonsets/${NAME}`,
      `/api/v1/namespaces/${NS}/serviceaccounts/${NAME}`,
      `/api/v1/namespaces/${NS}/configmaps/${NAME}`,
      `/api/v1/namespaces/${NS}/services/${NAME}`,
      `/apis/rbac.authorization.k8s.io/v1/clusterroles/${NAME}`,
      `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${NAME}`,
    ]) {
      expect([path, await status(path)]).toEqual([path, 404]);
    }
    expect(await releaseSecrets()).toEqual([]);
    await h.until(async () => (await podImages()).length === 0, 30_000, 'the agent pods gone');
    expect((await helm(['list', '-n', NS, '-q'])).trim()).toBe('');
    // The namespace Helm created stays, as on a real cluster.
    expect((await get(`/api/v1/namespaces/${NS}`)).status.phase).toBe('Active');
  });
});
