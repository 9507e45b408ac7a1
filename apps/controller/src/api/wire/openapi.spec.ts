import { openApiV3Document, openApiV3Response, openApiV3Root } from './openapi';

type Doc = { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, any> } };
const doc = (path: string): Doc => JSON.parse(openApiV3Document(path)!.body);

/** Resolve a schema reference the way kubectl explain's template does (`#/components/schemas/<name>`). */
const resolve = (d: Doc, s: any): any => (s?.$ref ? d.components.schemas[s.$ref.split('/').pop()] : s);

/** kubectl explain's "output" traversal: properties, then items, then each allOf alternative. */
const walk = (d: Doc, schema: any, path: string[]): any => {
  const r = resolve(d, schema);
  if (!path.length) return r;
  if (r.properties?.[path[0]]) return walk(d, r.properties[path[0]], path.slice(1));
  if (r.items) return walk(d, r.items, path);
  for (const alt of r.allOf ?? []) {
    const found = walk(d, alt, path);
    if (found) return found;
  }
  return undefined;
};
/** The field list kubectl explain prints for a schema: own properties plus those behind allOf refs. */
const fields = (d: Doc, schema: any): string[] => {
  const r = resolve(d, schema);
  return [...Object.keys(r.properties ?? {}), ...(r.allOf ?? []).flatMap((a: any) => fields(d, a))].sort();
};

describe('/openapi/v3 root (kubectl-wire §3.2)', () => {
  it('links every served group/version by hash URL', () => {
    const root = openApiV3Root();
    expect(Object.keys(root.paths).sort()).toEqual(['api/v1', 'apis/apps/v1', 'apis/coordination.k8s.io/v1', 'apis/discovery.k8s.io/v1', 'apis/ledger.daemonledger.io/v1', 'apis/rbac.authorization.k8s.io/v1', 'apis/scheduling.k8s.io/v1']);
    for (const [path, { serverRelativeURL }] of Object.entries(root.paths)) {
      expect(serverRelativeURL).toBe(`/openapi/v3/${path}?hash=${openApiV3Document(path)!.hash}`);
    }
  });
  it('hashes are upper-case SHA-512 hex and stable', () => {
    expect(openApiV3Document('apis/apps/v1')!.hash).toMatch(/^[0-9A-F]{128}$/);
    expect(openApiV3Document('/apis/apps/v1/')).toBe(openApiV3Document('apis/apps/v1'));
    expect(openApiV3Document('apis/batch/v1')).toBeUndefined();
  });
});

describe('fieldValidation support per GVK (what kubectl\'s query-param verifier checks)', () => {
  const patchOps = (d: Doc, kind: string) =>
    Object.values(d.paths).flatMap((p) => (p.patch && p.patch['x-kubernetes-group-version-kind'].kind === kind ? [p.patch] : []));
  it.each([
    ['apis/apps/v1', 'apps', 'DaemonSet'],
    ['apis/apps/v1', 'apps', 'ControllerRevision'],
    ['api/v1', '', 'Pod'],
    ['api/v1', '', 'Node'],
    ['api/v1', '', 'Namespace'],
  ])('%s %s has patch operations with fieldValidation, all of them', (gv, group, kind) => {
    const ops = patchOps(doc(gv), kind);
    expect(ops.length).toBeGreaterThan(0);
    for (const op of ops) {
      expect(op['x-kubernetes-group-version-kind']).toEqual({ group, version: 'v1', kind });
      expect(op.parameters).toContainEqual(expect.objectContaining({ name: 'fieldValidation', in: 'query' }));
    }
  });
  it('never advertises a strategic-merge requestBody (kubectl keeps using its compiled types for apply)', () => {
    for (const gv of ['api/v1', 'apis/apps/v1']) {
      for (const p of Object.values(doc(gv).paths)) for (const op of Object.values(p)) expect(op).not.toHaveProperty('requestBody');
    }
  });
  it('puts nodes and namespaces at cluster scope', () => {
    expect(Object.keys(doc('api/v1').paths)).toEqual(
      expect.arrayContaining(['/api/v1/nodes/{name}', '/api/v1/namespaces/{name}', '/api/v1/namespaces/{namespace}/pods/{name}']),
    );
  });
});

describe('schemas for kubectl explain ds.spec.updateStrategy[.rollingUpdate]', () => {
  const d = doc('apis/apps/v1');
  const gvk = { group: 'apps', version: 'v1', kind: 'DaemonSet' };
  const dsSchema = Object.values(d.components.schemas).find((s) => (s['x-kubernetes-group-version-kind'] ?? []).some((g: any) => JSON.stringify(g) === JSON.stringify({ group: 'apps', kind: 'DaemonSet', version: 'v1' })));

  it('finds the GVK on an operation of the daemonsets path, and exactly one schema carrying it', () => {
    expect(d.paths['/apis/apps/v1/namespaces/{namespace}/daemonsets'].get['x-kubernetes-group-version-kind']).toEqual(gvk);
    expect(dsSchema).toBe(d.components.schemas['io.k8s.api.apps.v1.DaemonSet']);
  });
  it('walks spec.updateStrategy to type and rollingUpdate', () => {
    expect(fields(d, walk(d, dsSchema, ['spec', 'updateStrategy']))).toEqual(['rollingUpdate', 'type']);
    expect(walk(d, dsSchema, ['spec', 'updateStrategy', 'type']).enum).toEqual(['OnDelete', 'RollingUpdate']);
  });
  it('walks spec.updateStrategy.rollingUpdate to maxSurge and maxUnavailable, typed IntOrString', () => {
    expect(fields(d, walk(d, dsSchema, ['spec', 'updateStrategy', 'rollingUpdate']))).toEqual(['maxSurge', 'maxUnavailable']);
    const intOrString = resolve(d, walk(d, dsSchema, ['spec', 'updateStrategy', 'rollingUpdate', 'maxSurge']).allOf[0]);
    expect(intOrString).toMatchObject({ format: 'int-or-string' });
    expect(intOrString).not.toHaveProperty('type'); // explain then prints the ref name: <IntOrString>
  });
  it('has a description on every property and no dangling $ref', () => {
    const refs = JSON.stringify(d).match(/#\/components\/schemas\/[^"]+/g) ?? [];
    for (const ref of refs) expect(d.components.schemas).toHaveProperty([ref.split('/').pop()!]);
    for (const s of Object.values(d.components.schemas)) for (const p of Object.values<any>(s.properties ?? {})) expect(p.description).toBeTruthy();
  });
});

describe('ledger.daemonledger.io/v1 rollouts (kubectl explain rollout.status.nodes.steps)', () => {
  const d = doc('apis/ledger.daemonledger.io/v1');
  const schema = d.components.schemas['io.daemonledger.ledger.v1.Rollout'];
  it('serves only reads, each carrying the Rollout GVK', () => {
    const collection = d.paths['/apis/ledger.daemonledger.io/v1/namespaces/{namespace}/rollouts'];
    const item = d.paths['/apis/ledger.daemonledger.io/v1/namespaces/{namespace}/rollouts/{name}'];
    expect(Object.keys(collection)).toEqual(['get']);
    expect(Object.keys(item)).toEqual(['get']);
    expect(item.get['x-kubernetes-group-version-kind']).toEqual({ group: 'ledger.daemonledger.io', version: 'v1', kind: 'Rollout' });
    expect(schema['x-kubernetes-group-version-kind']).toEqual([{ group: 'ledger.daemonledger.io', kind: 'Rollout', version: 'v1' }]);
  });
  it('walks status.nodes.steps to its fields, the step names an enum', () => {
    expect(fields(d, walk(d, schema, ['status', 'nodes']).items)).toEqual(['newPod', 'node', 'oldPod', 'steps']);
    expect(fields(d, walk(d, schema, ['status', 'nodes', 'steps']).items)).toEqual(['actor', 'message', 'position', 'step', 'time']);
    expect(walk(d, schema, ['status', 'nodes', 'steps', 'step']).enum).toContain('WaitingForMaxUnavailable');
  });
  it('has a description on every property and no dangling $ref', () => {
    const refs = JSON.stringify(d).match(/#\/components\/schemas\/[^"]+/g) ?? [];
    for (const ref of refs) expect(d.components.schemas).toHaveProperty([ref.split('/').pop()!]);
    for (const s of Object.values(d.components.schemas)) for (const p of Object.values<any>(s.properties ?? {})) expect(p.description).toBeTruthy();
  });
});

describe('coordination.k8s.io/v1 leases (kubectl explain lease.spec)', () => {
  const d = doc('apis/coordination.k8s.io/v1');
  const schema = d.components.schemas['io.k8s.api.coordination.v1.Lease'];
  it('every patch of a lease carries its GVK and the fieldValidation parameter', () => {
    const item = d.paths['/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}'];
    expect(item.patch['x-kubernetes-group-version-kind']).toEqual({ group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' });
    expect(item.patch.parameters.map((p: { name: string }) => p.name)).toContain('fieldValidation');
    expect(schema['x-kubernetes-group-version-kind']).toEqual([{ group: 'coordination.k8s.io', kind: 'Lease', version: 'v1' }]);
  });
  it('walks spec to the LeaseSpec fields', () => {
    expect(fields(d, walk(d, schema, ['spec']))).toEqual(['acquireTime', 'holderIdentity', 'leaseDurationSeconds', 'leaseTransitions', 'preferredHolder', 'renewTime', 'strategy']);
  });
  it('has a description on every property and no dangling $ref', () => {
    const refs = JSON.stringify(d).match(/#\/components\/schemas\/[^"]+/g) ?? [];
    for (const ref of refs) expect(d.components.schemas).toHaveProperty([ref.split('/').pop()!]);
    for (const s of Object.values(d.components.schemas)) for (const p of Object.values<any>(s.properties ?? {})) expect(p.description).toBeTruthy();
  });
});

describe('scheduling.k8s.io/v1 priorityclasses (kubectl explain priorityclass)', () => {
  const d = doc('apis/scheduling.k8s.io/v1');
  const schema = d.components.schemas['io.k8s.api.scheduling.v1.PriorityClass'];
  it('a cluster-scoped path whose patch carries the GVK', () => {
    const item = d.paths['/apis/scheduling.k8s.io/v1/priorityclasses/{name}'];
    expect(item.patch['x-kubernetes-group-version-kind']).toEqual({ group: 'scheduling.k8s.io', version: 'v1', kind: 'PriorityClass' });
    expect(schema['x-kubernetes-group-version-kind']).toEqual([{ group: 'scheduling.k8s.io', kind: 'PriorityClass', version: 'v1' }]);
  });
  it('has the PriorityClass fields, value required, no dangling $ref', () => {
    expect(fields(d, schema)).toEqual(['apiVersion', 'description', 'globalDefault', 'kind', 'metadata', 'preemptionPolicy', 'value']);
    expect(schema.required).toEqual(['value']);
    const refs = JSON.stringify(d).match(/#\/components\/schemas\/[^"]+/g) ?? [];
    for (const ref of refs) expect(d.components.schemas).toHaveProperty([ref.split('/').pop()!]);
  });
});

describe('caching answers (kube-openapi handler3)', () => {
  const now = new Date('2026-11-22T20:18:37Z');
  const { hash } = openApiV3Document('apis/apps/v1')!;
  it('a matching hash is immutable for a year', () => {
    const r = openApiV3Response('apis/apps/v1', { hash, now });
    expect(r.status).toBe(200);
    expect(r.headers).toMatchObject({ 'Content-Type': 'application/json', ETag: `"${hash}"`, 'Cache-Control': 'public, immutable', Vary: 'Accept', Expires: 'Mon, 22 Nov 2027 20:18:37 GMT' });
    expect(r.body).toBe(openApiV3Document('apis/apps/v1')!.body);
  });
  it('a stale hash redirects to the current one', () => {
    expect(openApiV3Response('apis/apps/v1', { hash: 'OLD', now })).toEqual({ status: 301, headers: { Location: `/openapi/v3/apis/apps/v1?hash=${hash}` } });
  });
  it('without hash: ETag only; If-None-Match → 304; unknown GV → 404', () => {
    expect(openApiV3Response('apis/apps/v1', { now }).headers).not.toHaveProperty('Cache-Control');
    const notModified = openApiV3Response('apis/apps/v1', { now, ifNoneMatch: `"${hash}"` });
    expect(notModified.status).toBe(304);
    expect(notModified.body).toBeUndefined();
    expect(openApiV3Response('apis/nope/v1', { now }).status).toBe(404);
  });
});

describe('core/v1 schemas for kubectl explain pod / node / ns', () => {
  const d = doc('api/v1');
  const kindSchema = (kind: string) =>
    Object.values(d.components.schemas).find((s: any) => s['x-kubernetes-group-version-kind']?.some((g: any) => g.group === '' && g.version === 'v1' && g.kind === kind));
  it.each(['Pod', 'Node', 'Namespace'])('%s carries its GVK, and every $ref resolves', (kind) => {
    expect(kindSchema(kind)).toBeDefined();
    const refs = JSON.stringify(d.components.schemas).match(/#\/components\/schemas\/[^"]+/g) ?? [];
    for (const r of refs) expect(d.components.schemas[r.split('/').pop()!]).toBeDefined();
  });
  it('walks pod.spec.containers.image and node.spec.taints.effect', () => {
    expect(walk(d, kindSchema('Pod'), ['spec', 'containers', 'image'])).toMatchObject({ type: 'string' });
    expect(walk(d, kindSchema('Node'), ['spec', 'taints', 'effect'])).toMatchObject({ enum: ['NoExecute', 'NoSchedule', 'PreferNoSchedule'] });
    expect(fields(d, walk(d, kindSchema('Node'), ['spec']))).toEqual(['podCIDR', 'podCIDRs', 'providerID', 'taints', 'unschedulable']);
  });
});
