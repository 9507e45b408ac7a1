import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { watchTuning } from '../src/api/watch/watch.service';
import { type ApiHarness, MANIFESTS, startApiHarness } from './api-harness';

/**
 * The API edge over raw HTTPS: Status errors, auth, bodies, patch types,
 * watch semantics (resume, selectors, bookmarks, timeouts, Tables, 410,
 * 500 watchers), time travel, health, metrics, restart.
 */
jest.setTimeout(60_000);

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const DS = '/apis/apps/v1/namespaces/default/daemonsets';
const PODS = '/api/v1/namespaces/default/pods';
const nginx = () => {
  const text = readFileSync(join(MANIFESTS, 'nginx-ds.yaml'), 'utf8');
  return { text, json: JSON.parse(JSON.stringify(require('yaml').parse(text))) };
};

describe('the Kubernetes API edge', () => {
  let h: ApiHarness;
  /** Position of the first NodeJoined in the log. */
  const firstNodeJoined = async () => (await h.embedded.store.readAll({ maxCount: 100 })).find((e) => e.type === 'NodeJoined')!.position;

  beforeAll(async () => {
    h = await startApiHarness({ nodes: 3, podStartMs: 50 });
    const created = await h.raw(DS, { method: 'POST', body: nginx().json });
    expect(created.status).toBe(201);
    await h.until(async () => (await h.raw(`${DS}/nginx-ds`)).json<any>().status?.numberAvailable === 3, 20_000, 'nginx-ds available');
  });
  afterAll(() => h?.dispose());

  describe('errors are Status objects', () => {
    it('401 without or with a wrong token; health endpoints are public', async () => {
      const none = await h.raw('/api', { token: null });
      expect(none.status).toBe(401);
      expect(none.json()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
      expect((await h.raw(DS, { token: 'nope' })).status).toBe(401);
      expect((await h.raw('/healthz', { token: null })).body).toBe('ok');
      const verbose = await h.raw('/readyz?verbose', { token: null });
      expect(verbose.body).toMatch(/^\[\+\]ping ok\n\[\+\]log ok\n\[\+\]projection-caught-up ok\nreadyz check passed\n$/);
      expect((await h.raw('/livez/ping', { token: null })).body).toBe('ok');
      expect((await h.raw('/version', { token: null })).json()).toMatchObject({ major: '1', minor: '32' });
    });

    it('404 for an unknown path and for a missing object', async () => {
      const path = await h.raw('/apis/nope/v9/things');
      expect(path.status).toBe(404);
      expect(path.json()).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'the server could not find the requested resource', code: 404 });
      expect((await h.raw(`${DS}/nope`)).json()).toEqual({
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'daemonsets.apps "nope" not found', reason: 'NotFound',
        details: { name: 'nope', group: 'apps', kind: 'daemonsets' }, code: 404,
      });
    });

    it('400 for a garbage body, 413 over 3 MiB, 415 for an unknown patch type; nothing appended', async () => {
      const head = await h.head();
      const garbage = await h.raw(DS, { method: 'POST', body: '{not json' });
      expect(garbage.status).toBe(400);
      expect(garbage.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
      const big = await h.raw(DS, { method: 'POST', body: 'x'.repeat(3 * 1024 * 1024 + 1) });
      expect(big.status).toBe(413);
      expect(big.json()).toMatchObject({ reason: 'RequestEntityTooLarge', message: 'Request entity too large: limit is 3145728' });
      const patch = await h.raw(`${DS}/nginx-ds`, { method: 'PATCH', body: '{}', contentType: 'text/plain' });
      expect(patch.status).toBe(415);
      expect(await h.head()).toBe(head);
    });

    it('409 Conflict for a stale resourceVersion on PUT, with upstream text', async () => {
      const ds = (await h.raw(`${DS}/nginx-ds`)).json<any>();
      const head = await h.head();
      const stale = await h.raw(`${DS}/nginx-ds`, { method: 'PUT', body: { ...ds, metadata: { ...ds.metadata, resourceVersion: '1', labels: { app: 'nginx-ds', x: 'y' } } } });
      expect(stale.status).toBe(409);
      expect(stale.json()).toMatchObject({
        reason: 'Conflict',
        message: 'Operation cannot be fulfilled on daemonsets.apps "nginx-ds": the object has been modified; please apply your changes to the latest version and try again',
      });
      expect(await h.head()).toBe(head);
      const fresh = await h.raw(`${DS}/nginx-ds`, { method: 'PUT', body: { ...ds, metadata: { ...ds.metadata, labels: { app: 'nginx-ds', x: 'y' } } } });
      expect(fresh.status).toBe(200);
      expect(fresh.json<any>().metadata.labels).toEqual({ app: 'nginx-ds', x: 'y' });
    });

    it('fieldValidation: Strict → 400, Warn → Warning header, Ignore → silent', async () => {
      const body = { ...nginx().json, metadata: { name: 'fv-ds' }, spec: { ...nginx().json.spec, foo: 1 } };
      const strict = await h.raw(`${DS}?fieldValidation=Strict&dryRun=All`, { method: 'POST', body });
      expect(strict.status).toBe(400);
      expect(strict.json<any>().message).toBe('DaemonSet in version "v1" cannot be handled as a DaemonSet: strict decoding error: unknown field "spec.foo"');
      const head = await h.head();
      const warn = await h.raw(`${DS}?fieldValidation=Warn&dryRun=All`, { method: 'POST', body });
      expect(warn.status).toBe(201);
      expect(warn.headers.warning).toBe('299 - "unknown field \\"spec.foo\\""');
      const ignore = await h.raw(`${DS}?fieldValidation=Ignore&dryRun=All`, { method: 'POST', body });
      expect(ignore.headers.warning).toBeUndefined();
      expect(await h.head()).toBe(head); // dryRun appends nothing
    });
  });

  describe('patch media types', () => {
    it('merge patch, JSON patch and strategic merge patch', async () => {
      const merge = await h.raw(`${DS}/nginx-ds`, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { labels: { tier: 'web' } } } });
      expect(merge.json<any>().metadata.labels.tier).toBe('web');
      const json = await h.raw(`${DS}/nginx-ds`, { method: 'PATCH', contentType: 'application/json-patch+json', body: [{ op: 'remove', path: '/metadata/labels/tier' }] });
      expect(json.json<any>().metadata.labels.tier).toBeUndefined();
      const smp = await h.raw(`${DS}/nginx-ds`, {
        method: 'PATCH',
        contentType: 'application/strategic-merge-patch+json',
        body: { spec: { template: { spec: { containers: [{ name: 'nginx-ds', env: [{ name: 'MODE', value: 'demo' }] }] } } } },
      });
      const c = smp.json<any>().spec.template.spec.containers;
      expect(c).toHaveLength(1);
      expect(c[0]).toMatchObject({ name: 'nginx-ds', env: [{ name: 'MODE', value: 'demo' }], ports: [{ containerPort: 80, protocol: 'TCP' }] });
    });

    it('server-side apply creates (201) then updates (200)', async () => {
      const body = { ...nginx().json, metadata: { name: 'ssa-ds', labels: { app: 'ssa' } }, spec: { ...nginx().json.spec, selector: { matchLabels: { app: 'ssa' } }, template: { ...nginx().json.spec.template, metadata: { labels: { app: 'ssa' } } } } };
      const first = await h.raw(`${DS}/ssa-ds?fieldManager=kubectl&fieldValidation=Strict&force=false`, { method: 'PATCH', contentType: 'application/apply-patch+yaml', body });
      expect(first.status).toBe(201);
      const second = await h.raw(`${DS}/ssa-ds?fieldManager=kubectl&force=false`, { method: 'PATCH', contentType: 'application/apply-patch+yaml', body: { ...body, metadata: { ...body.metadata, labels: { app: 'ssa', v: '2' } } } });
      expect(second.status).toBe(200);
      expect(second.json<any>().metadata.labels).toEqual({ app: 'ssa', v: '2' });
      const gone = await h.raw(`${DS}/ssa-ds`, { method: 'DELETE', body: { propagationPolicy: 'Background' } });
      expect(gone.json()).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'ssa-ds', group: 'apps', kind: 'daemonsets', uid: first.json<any>().metadata.uid } });
    });
  });

  describe('no accepted change is lost', () => {
    // The template patch above started a rollout: work on pods once it is over.
    beforeAll(() =>
      h.until(
        async () => {
          const ds = (await h.raw(`${DS}/nginx-ds`)).json<any>();
          const pods = (await h.raw(`${PODS}?labelSelector=app%3Dnginx-ds`)).json<any>().items;
          return ds.status?.observedGeneration === ds.metadata.generation && ds.status?.updatedNumberScheduled === 3 && ds.status?.numberAvailable === 3 && pods.length === 3;
        },
        20_000,
        'nginx-ds rolled out',
      ),
    );
    const podName = async () => (await h.raw(`${PODS}?labelSelector=app%3Dnginx-ds&fieldSelector=spec.nodeName%3Dnode-0`)).json<any>().items[0].metadata.name as string;

    it('kubectl annotate pod and node: the annotations are kept, and removed', async () => {
      const pod = await podName();
      const annotated = await h.kubectl(['annotate', 'pod', pod, 'audit/ticket=OPS-7']);
      expect(annotated.stderr).toBe('');
      expect(annotated.stdout).toContain(`pod/${pod} annotated`);
      expect((await h.raw(`${PODS}/${pod}`)).json<any>().metadata.annotations).toEqual({ 'audit/ticket': 'OPS-7' });
      expect((await h.kubectl(['annotate', 'node', 'node-1', 'rack=r4'])).code).toBe(0);
      expect((await h.kubectl(['get', 'node', 'node-1', '-o', 'jsonpath={.metadata.annotations.rack}'])).stdout).toBe('r4');
      expect((await h.kubectl(['annotate', 'pod', pod, 'audit/ticket-'])).code).toBe(0);
      expect((await h.raw(`${PODS}/${pod}`)).json<any>().metadata.annotations).toBeUndefined();
      expect((await h.kubectl(['annotate', 'node', 'node-1', 'rack-'])).code).toBe(0);
    });

    it('a pod update the log cannot keep is refused whole, not half-applied', async () => {
      const pod = await podName();
      const head = h.embedded.state.view.position;
      const finalizers = await h.raw(`${PODS}/${pod}`, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { finalizers: ['example.com/hold'], labels: { extra: 'x' } } } });
      expect(finalizers.status).toBe(422);
      expect(finalizers.json<any>().details.causes).toEqual([{ reason: 'FieldValueForbidden', message: 'Forbidden: DaemonLedger does not keep finalizers set by an update on pods', field: 'metadata.finalizers' }]);
      const owners = await h.raw(`${PODS}/${pod}`, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'u' }] } } });
      expect(owners.status).toBe(422);
      expect(h.embedded.state.view.position).toBe(head);
      expect((await h.raw(`${PODS}/${pod}`)).json<any>().metadata.labels.extra).toBeUndefined();
    });

    it('DaemonSets and ControllerRevisions: annotations kept, finalizer and owner changes refused whole', async () => {
      const head = h.embedded.state.view.position;
      const finalizer = await h.raw(`${DS}/nginx-ds`, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { finalizers: ['example.com/keep'] } } });
      expect(finalizer.status).toBe(422);
      expect(finalizer.json<any>().message).toContain('metadata.finalizers: Forbidden: DaemonLedger does not keep finalizers set by an update on daemonsets');
      const owner = await h.raw(`${DS}/nginx-ds`, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'u1' }] } } });
      expect(owner.status).toBe(422);
      expect(h.embedded.state.view.position).toBe(head);
      const rev = (await h.raw('/apis/apps/v1/namespaces/default/controllerrevisions')).json<any>().items[0].metadata.name;
      const annotated = await h.kubectl(['annotate', 'controllerrevision', rev, 'reviewed-by=ops']);
      expect(annotated.stderr).toBe('');
      expect((await h.raw(`/apis/apps/v1/namespaces/default/controllerrevisions/${rev}`)).json<any>().metadata.annotations).toMatchObject({ 'reviewed-by': 'ops' });
    });

    it('removing a daemon pod’s controller reference orphans it; the DaemonSet adopts it back', async () => {
      const pod = await podName();
      const uid = (await h.raw(`${DS}/nginx-ds`)).json<any>().metadata.uid;
      const orphaned = await h.raw(`${PODS}/${pod}`, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { ownerReferences: null } } });
      expect(orphaned.status).toBe(200);
      expect(orphaned.json<any>().metadata.ownerReferences).toBeUndefined();
      await h.until(async () => (await h.raw(`${PODS}/${pod}`)).json<any>().metadata.ownerReferences?.[0]?.uid === uid, 10_000, 'pod adopted again');
    });

    it('nodes/status writes are kept: Ready=False brings the not-ready taints, Ready=True lifts them', async () => {
      const node = (await h.raw('/api/v1/nodes/node-2')).json<any>();
      const conditions = (status: string) => node.status.conditions.map((c: any) => (c.type === 'Ready' ? { ...c, status, reason: 'Test' } : c));
      const down = await h.raw('/api/v1/nodes/node-2/status', { method: 'PATCH', contentType: 'application/strategic-merge-patch+json', body: { status: { conditions: conditions('False') } } });
      expect(down.status).toBe(200);
      expect(down.json<any>().spec.taints.map((t: any) => `${t.key}:${t.effect}`)).toEqual(['node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute']);
      const describe = await h.kubectl(['get', 'node', 'node-2']);
      expect(describe.stdout).toMatch(/node-2\s+NotReady/);
      const up = await h.raw('/api/v1/nodes/node-2/status', { method: 'PATCH', contentType: 'application/strategic-merge-patch+json', body: { status: { conditions: conditions('True') } } });
      expect(up.json<any>().spec.taints ?? []).toEqual([]);
      // A node finalizer would be dropped: refused whole.
      const fin = await h.raw('/api/v1/nodes/node-2', { method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { finalizers: ['example.com/x'], labels: { y: 'z' } } } });
      expect(fin.status).toBe(422);
      expect((await h.raw('/api/v1/nodes/node-2')).json<any>().metadata.labels.y).toBeUndefined();
      // The viewer may read status but not write it.
      const viewer = await h.raw('/api/v1/nodes/node-2/status', { method: 'PATCH', token: h.tokens.viewer, contentType: 'application/merge-patch+json', body: { status: {} } });
      expect(viewer.status).toBe(403);
    });
  });

  describe('lists and time travel', () => {
    it('lists carry the head position; Exact reads the log at a past position', async () => {
      const before = h.embedded.state.view.position;
      const list = (await h.raw(DS)).json<any>();
      expect(list).toMatchObject({ kind: 'DaemonSetList', apiVersion: 'apps/v1' });
      // The head position the list was read at (the controller may append meanwhile).
      expect(Number(list.metadata.resourceVersion)).toBeGreaterThanOrEqual(before);
      expect(Number(list.metadata.resourceVersion)).toBeLessThanOrEqual(h.embedded.state.view.position);
      // The first node joining (the control plane's ServiceAccounts may come first): no pods yet, one node.
      const joined = await firstNodeJoined();
      expect((await h.raw(`${PODS}?resourceVersion=${joined}&resourceVersionMatch=Exact`)).json<any>()).toMatchObject({ kind: 'PodList', metadata: { resourceVersion: String(joined) }, items: [] });
      const nodes = (await h.raw(`/api/v1/nodes?resourceVersion=${joined}&resourceVersionMatch=Exact`)).json<any>();
      expect(nodes.items.map((n: any) => n.metadata.name)).toEqual(['node-0']);
      const table = (await h.raw(`${DS}?resourceVersion=${list.metadata.resourceVersion}&resourceVersionMatch=Exact`, { accept: TABLE })).json<any>();
      expect(table.kind).toBe('Table');
      expect(table.rows[0].cells[0]).toBe('nginx-ds');
      const bad = await h.raw(`${DS}?resourceVersion=1&resourceVersionMatch=Sometimes`);
      expect(bad.status).toBe(422);
    });

    it('a past pod list sends the pods a snapshot holds as their stored text: the same bytes as the list that parses them', async () => {
      await h.embedded.state.snapshotNow();
      const at = h.embedded.state.view.position;
      expect((await h.embedded.snapshots!.list())[0].position).toBe(at); // the reads below start from it
      const labelled = await h.raw('/api/v1/nodes/node-1', { method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { labels: { past: 'read' } } } });
      expect(labelled.status).toBe(200);
      for (const p of [at, at + 1]) {
        const whole = await h.raw(`${PODS}?resourceVersion=${p}&resourceVersionMatch=Exact`);
        // With a limit the list takes the general path (objects, paged): one page holds them all, so the bodies must be equal.
        const paged = await h.raw(`${PODS}?resourceVersion=${p}&resourceVersionMatch=Exact&limit=100000`);
        expect(whole.status).toBe(200);
        expect(whole.json<any>().items.length).toBeGreaterThan(0);
        expect(whole.body).toBe(paged.body);
      }
    });

    it('limit and continue: pages in key order, all read at the first page position, even after changes', async () => {
      const NODES = '/api/v1/nodes';
      const first = (await h.raw(`${NODES}?limit=2`)).json<any>();
      expect(first.items.map((n: any) => n.metadata.name)).toEqual(['node-0', 'node-1']);
      expect(first.metadata.remainingItemCount).toBe(1);
      const rv = first.metadata.resourceVersion;
      expect(JSON.parse(Buffer.from(first.metadata.continue, 'base64').toString())).toEqual({ v: 'meta.k8s.io/v1', rv: Number(rv), start: 'node-1\u0000' });
      // A change between pages does not show: the rest is read at the first page's position.
      expect((await h.raw(`${NODES}/node-2`, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { labels: { paged: 'yes' } } } })).status).toBe(200);
      const rest = (await h.raw(`${NODES}?limit=2&continue=${encodeURIComponent(first.metadata.continue)}`)).json<any>();
      expect(rest.items.map((n: any) => n.metadata.name)).toEqual(['node-2']);
      expect(rest.items[0].metadata.labels.paged).toBeUndefined();
      expect(rest.metadata).toEqual({ resourceVersion: rv });
      // A token whose pages are no longer kept is served from the log: when the first node joined there was one.
      const joined = await firstNodeJoined();
      const old = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: joined, start: '\u0000' })).toString('base64');
      const fromLog = (await h.raw(`${NODES}?limit=5&continue=${encodeURIComponent(old)}`)).json<any>();
      expect(fromLog.items.map((n: any) => n.metadata.name)).toEqual(['node-0']);
      expect(fromLog.metadata.resourceVersion).toBe(String(joined));
      // With a selector the count left is not known, as upstream.
      const selected = (await h.raw(`${PODS}?limit=1&labelSelector=app%3Dnginx-ds`)).json<any>();
      expect(selected.items).toHaveLength(1);
      expect(selected.metadata.continue).toEqual(expect.any(String));
      expect(selected.metadata.remainingItemCount).toBeUndefined();
      // A Table page carries the token too (kubectl get follows it, 500 at a time).
      const table = (await h.raw(`${NODES}?limit=1`, { accept: TABLE })).json<any>();
      expect(table.rows).toHaveLength(1);
      expect(table.metadata.continue).toEqual(expect.any(String));
      // Bad tokens and combinations are 400s.
      const garbage = await h.raw(`${NODES}?limit=1&continue=not-a-token`);
      expect(garbage.status).toBe(400);
      expect(garbage.json<any>().message).toMatch(/^continue key is not valid: /);
      const both = await h.raw(`${NODES}?limit=1&resourceVersion=${rv}&continue=${encodeURIComponent(first.metadata.continue)}`);
      expect(both.status).toBe(400);
      expect(both.json<any>().message).toBe('specifying resource version is not allowed when using continue');
      expect((await h.raw(`${NODES}?limit=x`)).status).toBe(400);
    });

    it('kubectl get --chunk-size pages through every object', async () => {
      const paged = await h.kubectl(['get', 'pods', '-A', '--chunk-size=1', '-o', 'name']);
      expect(paged.code).toBe(0);
      const whole = await h.kubectl(['get', 'pods', '-A', '--chunk-size=0', '-o', 'name']);
      expect(paged.stdout.trim().split('\n').sort()).toEqual(whole.stdout.trim().split('\n').sort());
      expect(paged.stdout.trim().split('\n')).toHaveLength(3);
      const table = await h.kubectl(['get', 'nodes', '--chunk-size=2', '--no-headers']);
      expect(table.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0])).toEqual(['node-0', 'node-1', 'node-2']);
    });

    it('selectors: labelSelector and fieldSelector, unsupported field → 400', async () => {
      const pods = (await h.raw(`${PODS}?labelSelector=app%3Dnginx-ds&fieldSelector=spec.nodeName%3Dnode-1`)).json<any>();
      expect(pods.items.map((p: any) => p.spec.nodeName)).toEqual(['node-1']);
      const bad = await h.raw(`${PODS}?fieldSelector=spec.foo%3Dx`);
      expect(bad.status).toBe(400);
      expect(bad.json<any>().message).toBe('field label not supported: spec.foo');
    });
  });

  describe('watch', () => {
    // Earlier tests changed nginx-ds's template and made and deleted another DaemonSet: let that
    // rollout and garbage collection finish, so the events below are the ones each test causes.
    beforeAll(async () => {
      await h.until(async () => {
        const ds = (await h.raw(`${DS}/nginx-ds`)).json<any>();
        const pods = (await h.raw(PODS)).json<any>().items as any[];
        return (
          ds.status?.observedGeneration === ds.metadata.generation &&
          ds.status?.updatedNumberScheduled === 3 &&
          ds.status?.numberAvailable === 3 &&
          pods.length === 3 &&
          pods.every((p) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'))
        );
      }, 30_000, 'a quiet cluster');
    });

    it('sends headers at once, then every change after the resourceVersion, in order', async () => {
      const rv = (await h.raw(DS)).json<any>().metadata.resourceVersion;
      const w = await h.watch(`${DS}?watch=true&resourceVersion=${rv}`);
      expect(w.status).toBe(200);
      await h.raw(`${DS}/nginx-ds`, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { labels: { step: '1' } } } });
      await h.raw(`${DS}/nginx-ds`, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { labels: { step: '2' } } } });
      await h.until(() => w.events.some((e) => e.object.metadata.labels.step === '2'), 10_000, 'the second patch');
      // The controller may write status in between (an earlier test changed the template): only the order of the patches matters.
      const events = w.events;
      expect(events.every((e) => e.type === 'MODIFIED')).toBe(true);
      const steps = events
        .map((e) => e.object.metadata.labels.step)
        .filter((x) => x !== undefined) // a status write may land between the list and the first patch
        .filter((x, i, all) => i === 0 || x !== all[i - 1]);
      expect(steps).toEqual(['1', '2']);
      const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
      expect(rvs.every((x, i) => i === 0 || x > rvs[i - 1])).toBe(true);
      w.close();
      // Resuming from the last step-1 event's resourceVersion replays the step-2 one first.
      const lastOne = [...events].reverse().find((e) => e.object.metadata.labels.step === '1')!;
      const again = await h.watch(`${DS}?watch=true&resourceVersion=${lastOne.object.metadata.resourceVersion}`);
      expect((await again.next(1))[0].object.metadata.labels.step).toBe('2');
      again.close();
    });

    it('without resourceVersion: synthetic ADDED first; selectors turn leaving objects into DELETED', async () => {
      const w = await h.watch(`${PODS}?watch=true&labelSelector=app%3Dnginx-ds,team%21%3Dblue`);
      const added = await w.next(3);
      expect(added.map((e) => e.type)).toEqual(['ADDED', 'ADDED', 'ADDED']);
      const pod = added[0].object.metadata.name;
      await h.raw(`${PODS}/${pod}`, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { labels: { team: 'blue' } } } });
      const [, , , left] = await w.next(4);
      expect([left.type, left.object.metadata.name]).toEqual(['DELETED', pod]);
      w.close();
    });

    it('Table watches: one-row Tables, column definitions in the first event only', async () => {
      const w = await h.watch(`${PODS}?watch=true`, { accept: TABLE });
      const events = await w.next(2);
      expect(events[0].object).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
      expect(events[0].object.columnDefinitions.map((c: any) => c.name).slice(0, 3)).toEqual(['Name', 'Ready', 'Status']);
      expect(events[0].object.rows).toHaveLength(1);
      expect(events[1].object.columnDefinitions).toBeNull();
      w.close();
    });

    it('bookmarks and timeoutSeconds', async () => {
      const old = watchTuning.bookmarkMs;
      watchTuning.bookmarkMs = 100;
      try {
        const rv = (await h.raw(DS)).json<any>().metadata.resourceVersion;
        // Narrowed to a name nobody has: only bookmarks arrive.
        const w = await h.watch(`${DS}?watch=true&allowWatchBookmarks=true&resourceVersion=${rv}&timeoutSeconds=1&fieldSelector=metadata.name%3Dnobody`);
        const [bookmark] = await w.next(1);
        expect(bookmark).toEqual({ type: 'BOOKMARK', object: { kind: 'DaemonSet', apiVersion: 'apps/v1', metadata: { resourceVersion: expect.stringMatching(/^\d+$/) } } });
        const start = Date.now();
        await w.ended;
        expect(Date.now() - start).toBeLessThan(3000);
      } finally {
        watchTuning.bookmarkMs = old;
      }
    });

    it('events are watched live: deleting a daemon pod shows the controller creating its replacement (SuccessfulCreate)', async () => {
      const EVENTS = '/api/v1/namespaces/default/events';
      const rv = (await h.raw(EVENTS)).json<any>().metadata.resourceVersion;
      const w = await h.watch(`${EVENTS}?watch=true&resourceVersion=${rv}&fieldSelector=involvedObject.kind=DaemonSet`);
      const pod = (await h.raw(PODS)).json<any>().items[0].metadata.name;
      expect((await h.raw(`${PODS}/${pod}`, { method: 'DELETE' })).status).toBe(200);
      await w.next(1, 20_000);
      await h.until(() => w.events.some((e) => e.object.reason === 'SuccessfulCreate'), 20_000, 'a SuccessfulCreate event');
      expect(w.events.every((e) => e.type === 'ADDED' && e.object.kind === 'Event' && e.object.involvedObject.name === 'nginx-ds')).toBe(true);
      expect(w.events.map((e) => e.object.reason)).toContain('SuccessfulCreate');
      const rvs = w.events.map((e) => Number(e.object.metadata.resourceVersion));
      expect(rvs.every((x, i) => i === 0 || x >= rvs[i - 1])).toBe(true);
      w.close();
    });

    it('500 open watches all see a change', async () => {
      const NODES = '/api/v1/nodes';
      const rv = (await h.raw(NODES)).json<any>().metadata.resourceVersion;
      const watches = await Promise.all(Array.from({ length: 500 }, () => h.watch(`${NODES}?watch=true&resourceVersion=${rv}&fieldSelector=metadata.name%3Dnode-0`)));
      await h.raw(`${NODES}/node-0`, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { labels: { fanout: 'yes' } } } });
      const firsts = await Promise.all(watches.map(async (w) => (await w.next(1, 20_000))[0]));
      expect(firsts.every((e) => e.type === 'MODIFIED' && e.object.metadata.labels.fanout === 'yes')).toBe(true);
      watches.forEach((w) => w.close());
    });
  });

  it('/metrics speaks Prometheus with kube-state-metrics names', async () => {
    const m = await h.raw('/metrics');
    expect(m.headers['content-type']).toContain('text/plain');
    expect(m.body).toMatch(/^kube_daemonset_status_desired_number_scheduled\{namespace="default",daemonset="nginx-ds"\} 3$/m);
  });

  it('discovery: aggregated for kubectl, legacy otherwise', async () => {
    const agg = await h.raw('/apis', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
    expect(agg.headers['content-type']).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const legacy = (await h.raw('/apis/apps/v1')).json<any>();
    expect(legacy.resources.map((r: any) => r.name)).toContain('daemonsets/status');
  });

  it('a restart on the same DATA_DIR keeps tokens (0600) and the log; an old resourceVersion gets 410 on watch', async () => {
    const tokens = readFileSync(join(h.dir, 'tokens.json'), 'utf8');
    expect(statSync(join(h.dir, 'tokens.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(h.dir, 'kubeconfig')).mode & 0o777).toBe(0o600);
    const head = await h.head();
    await h.stop();
    const again = await startApiHarness({ dir: h.dir, nodes: 3, podStartMs: 50 });
    h = again;
    expect(readFileSync(join(h.dir, 'tokens.json'), 'utf8')).toBe(tokens);
    expect(h.tokens.admin).toBe(JSON.parse(tokens).admin);
    expect((await h.raw(`${DS}/nginx-ds`)).status).toBe(200);
    const w = await h.watch(`${DS}?watch=true&resourceVersion=1`);
    const [err] = await w.next(1);
    expect(err).toEqual({
      type: 'ERROR',
      object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: 1 (${head})`, reason: 'Expired', code: 410 },
    });
    await w.ended;
  });
});
