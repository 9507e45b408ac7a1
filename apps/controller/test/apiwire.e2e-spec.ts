import { join } from 'node:path';
import { decodeOpenApiV2 } from '../src/api/wire/openapi-v2-proto';
import { type ApiHarness, MANIFESTS, startApiHarness } from './api-harness';

/**
 * The API's edges a real cluster has and kubectl or the e2e framework reach:
 * `/openapi/v2` (protobuf for client-go), `nodes/<name>/proxy/pods`, and the
 * registry's answers as the kubelet reports them.
 */
jest.setTimeout(90_000);

const SEED_002 = join(__dirname, '../../../libs/domain/test/fixtures/seed-002-fluentd-elasticsearch-extensions-v1beta1.yaml');

describe('openapi v2, node proxy, registry (a real kubectl)', () => {
  let h: ApiHarness;
  const ok = async (args: string[]) => {
    const r = await h.kubectl(args);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r;
  };

  beforeAll(async () => {
    h = await startApiHarness({ nodes: 2, podStartMs: 50, env: { SIM_PULL_BACKOFF_MS: '100' } });
  });
  afterAll(() => h?.dispose());

  describe('/openapi/v2', () => {
    it('serves JSON to a plain client: Swagger 2.0 with every v3 kind, GVKs on definitions and operations', async () => {
      const res = await h.raw('/openapi/v2', { accept: 'application/json' });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const doc = res.json<{ swagger: string; definitions: Record<string, any>; paths: Record<string, any> }>();
      expect(doc.swagger).toBe('2.0');
      expect(doc.definitions['io.k8s.api.apps.v1.DaemonSet']['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'DaemonSet', version: 'v1' }]);
      expect(doc.paths['/apis/apps/v1/namespaces/{namespace}/daemonsets/{name}'].patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'DaemonSet' });
      expect(doc.paths['/api/v1/nodes/{name}'].get['x-kubernetes-group-version-kind']).toEqual({ group: '', version: 'v1', kind: 'Node' });
    });

    it("serves gnostic's protobuf Document to client-go's Accept, the same content; ETag answers 304", async () => {
      const accept = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
      const res = await h.raw('/openapi/v2', { accept });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
      const decoded = decodeOpenApiV2(res.bytes) as { swagger: string; definitions: { additionalProperties: { name: string }[] } };
      expect(decoded.swagger).toBe('2.0');
      expect(decoded.definitions.additionalProperties.map((d) => d.name)).toContain('io.k8s.api.apps.v1.DaemonSet');
      const again = await h.raw('/openapi/v2', { accept, headers: { 'if-none-match': String(res.headers.etag) } });
      expect(again.status).toBe(304);
    });

    it("seed 002's extensions/v1beta1 DaemonSet: kubectl apply prints upstream's `no matches for kind`", async () => {
      const head = await h.head();
      const r = await h.kubectl(['apply', '-f', SEED_002]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('no matches for kind "DaemonSet" in version "extensions/v1beta1"');
      expect(r.stderr).not.toContain('the server could not find the requested resource');
      expect(await h.head()).toBe(head);
    });

    it('kubectl explain still works', async () => {
      const out = (await ok(['explain', 'ds.spec.updateStrategy.rollingUpdate'])).stdout;
      expect(out).toMatch(/KIND:\s+DaemonSet/);
      expect(out).toMatch(/maxUnavailable/);
    });

    it('kubectl explain from the v2 document (--output=plaintext-openapiv2) finds the kind by its GVK and walks its fields', async () => {
      const out = (await ok(['explain', 'daemonsets.spec.updateStrategy', '--output=plaintext-openapiv2'])).stdout;
      expect(out).toMatch(/KIND:\s+DaemonSet/);
      expect(out).toMatch(/rollingUpdate/);
    });

    it('an unknown field is still refused before anything is stored (fieldValidation=Strict)', async () => {
      const bad = h.file('bad-ds.yaml', (await import('node:fs')).readFileSync(join(MANIFESTS, 'nginx-ds.yaml'), 'utf8').replace(/^spec: .*$/m, 'spec:\n  bogusField: 1'));
      const head = await h.head();
      const r = await h.kubectl(['apply', '-f', bad]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/unknown field "spec.bogusField"/);
      expect(await h.head()).toBe(head);
    });

    it('client-side apply of an update still computes its patch without warnings (no SMP from the abridged v2 schemas)', async () => {
      await ok(['apply', '-f', join(MANIFESTS, 'nginx-ds.yaml')]);
      const changed = h.file('nginx-ds-2.yaml', (await import('node:fs')).readFileSync(join(MANIFESTS, 'nginx-ds.yaml'), 'utf8').replace(/image: .*$/m, 'image: nginx:1.23.0'));
      const r = await ok(['apply', '-f', changed]);
      expect(r.stdout).toBe('daemonset.apps/nginx-ds configured\n');
      expect(r.stderr).toBe('');
      await ok(['rollout', 'status', 'ds/nginx-ds', '--timeout=40s']);
    });
  });

  describe('nodes/<name>/proxy', () => {
    it("…/proxy/pods is the node's pods as its kubelet lists them (a v1 PodList), by name or name:port", async () => {
      const nodeOfPods = JSON.parse((await ok(['get', 'pods', '-o', 'json'])).stdout).items.map((p: any) => [p.metadata.name, p.spec.nodeName]);
      for (const name of ['node-1', 'node-1:10250']) {
        const res = await h.raw(`/api/v1/nodes/${name}/proxy/pods`);
        expect(res.status).toBe(200);
        const list = res.json<{ kind: string; apiVersion: string; items: any[] }>();
        expect(list).toMatchObject({ kind: 'PodList', apiVersion: 'v1' });
        expect(list.items.map((p) => p.metadata.name).sort()).toEqual(nodeOfPods.filter(([, n]: string[]) => n === 'node-1').map(([p]: string[]) => p).sort());
        expect(list.items.length).toBeGreaterThan(0);
      }
      const other = nodeOfPods.map(([, n]: string[]) => n).find((n: string) => n !== 'node-1');
      const raw = await ok(['get', '--raw', `/api/v1/nodes/${other}/proxy/pods`]);
      const items = JSON.parse(raw.stdout).items;
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((p: any) => p.spec.nodeName === other)).toBe(true);
    });

    it('other kubelet paths are a 404 Status that says why; an unknown node is NotFound', async () => {
      const res = await h.raw('/api/v1/nodes/node-1/proxy/metrics');
      expect(res.status).toBe(404);
      expect(res.json()).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
      expect(String(res.json().message)).toContain('serves /pods only, not /metrics');
      const missing = await h.raw('/api/v1/nodes/nope/proxy/pods');
      expect(missing.status).toBe(404);
      expect(missing.json()).toMatchObject({ reason: 'NotFound', message: 'nodes "nope" not found' });
    });
  });

  describe('registry', () => {
    const waitingReasons = async (ds: string) =>
      JSON.parse((await ok(['get', 'pods', '-l', `app=${ds}`, '-o', 'json'])).stdout).items.map((p: any) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason);

    it.each([
      ['foo:non-existent', 'a repository docker.io/library does not hold'],
      ['nginx:1.91', 'a tag nginx never published'],
    ])('%s (%s) fails to pull: ErrImagePull, then ImagePullBackOff', async (image, _why) => {
      const ds = image.startsWith('foo') ? 'pull-foo' : 'pull-typo';
      await ok(['apply', '-f', h.file(`${ds}.yaml`, dsYaml(ds, image))]);
      await h.until(async () => (await waitingReasons(ds)).length === 2 && (await waitingReasons(ds)).every((r: string) => r === 'ErrImagePull' || r === 'ImagePullBackOff'), 30_000, `${ds} pods waiting on the pull`);
      await h.until(async () => (await waitingReasons(ds)).some((r: string) => r === 'ImagePullBackOff'), 30_000, `${ds} in back-off`);
      const events = (await ok(['get', 'events', '--field-selector', 'reason=Failed', '-o', 'jsonpath={.items[*].message}'])).stdout;
      expect(events).toContain(`Failed to pull image "${image}"`);
    });
  });
});

const dsYaml = (name: string, image: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ${name}
spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: c
        image: ${image}
`;
