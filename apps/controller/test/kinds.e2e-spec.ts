import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ApiHarness, kubectlExpecting, MANIFESTS, rows, startApiHarness } from './api-harness';

/**
 * Namespaces, ServiceAccounts, ConfigMaps, Services, Secrets and RBAC with
 * the real kubectl: what a chart ships and what Kubernetes' own e2e
 * framework waits for. One server for the file; steps build on each other.
 */
jest.setTimeout(90_000);

const NGINX = join(MANIFESTS, 'nginx-ds.yaml');
const SECRET_VALUE = 'hunter2-is-not-a-password';

describe('kubectl with namespaces and the stored kinds', () => {
  let h: ApiHarness;
  let k: ApiHarness['kubectl'];

  const { ok, fails } = kubectlExpecting(() => h);
  const apply = (name: string, yaml: string, extra: string[] = []) => ok(['apply', '-f', h.file(name, yaml), ...extra]);

  beforeAll(async () => {
    // Pods take a while to stop, so a namespace stays Terminating long enough to write into it.
    h = await startApiHarness({ nodes: 3, podStartMs: 50, podStopMs: 1500 });
    k = h.kubectl;
    await h.until(async () => (await k(['get', 'svc', 'kubernetes'])).code === 0, 10_000, 'default/kubernetes');
  });
  afterAll(() => h?.dispose());

  it('every built-in namespace has ServiceAccount default and ConfigMap kube-root-ca.crt; default/kubernetes is at the first address', async () => {
    const [header, ...objects] = rows(await ok(['get', 'sa,cm,svc', '-A']));
    expect(header).toEqual(['NAMESPACE', 'NAME', 'SECRETS', 'AGE']);
    const names = objects.map((r) => `${r[0]}/${r[1]}`);
    for (const ns of ['default', 'kube-node-lease', 'kube-public', 'kube-system']) {
      expect(names).toContain(`${ns}/serviceaccount/default`);
      expect(names).toContain(`${ns}/configmap/kube-root-ca.crt`);
    }
    const svc = rows(await ok(['get', 'svc', 'kubernetes']));
    expect(svc[0]).toEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    expect(svc[1].slice(0, 5)).toEqual(['kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP']);
    const ca = await ok(['get', 'cm', 'kube-root-ca.crt', '-n', 'kube-public', '-o', 'jsonpath={.data.ca\\.crt}']);
    expect(ca).toBe(readFileSync(join(h.dir, 'apiserver.crt'), 'utf8'));
  });

  it('a deleted default ServiceAccount comes back', async () => {
    const uid = await ok(['get', 'sa', 'default', '-o', 'jsonpath={.metadata.uid}']);
    expect(await ok(['delete', 'sa', 'default'])).toBe('serviceaccount "default" deleted\n');
    await h.until(async () => {
      const r = await k(['get', 'sa', 'default', '-o', 'jsonpath={.metadata.uid}']);
      return r.code === 0 && r.stdout !== uid;
    }, 10_000, 'sa/default recreated');
  });

  it('creating a namespace: created once, then AlreadyExists (also for a built-in one)', async () => {
    const ns = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels:\n    team: logs\n`;
    expect(await ok(['create', '-f', h.file('ns.yaml', ns('logging'))])).toBe('namespace/logging created\n');
    expect(await fails(['create', '-f', h.file('ns.yaml', ns('logging'))])).toContain('Error from server (AlreadyExists): error when creating');
    expect(await fails(['create', '-f', h.file('ns-default.yaml', ns('default'))])).toContain('namespaces "default" already exists');
    const [header, ...list] = rows(await ok(['get', 'ns']));
    expect(header).toEqual(['NAME', 'STATUS', 'AGE']);
    expect(list.map((r) => r.slice(0, 2))).toEqual([
      ['default', 'Active'],
      ['kube-node-lease', 'Active'],
      ['kube-public', 'Active'],
      ['kube-system', 'Active'],
      ['logging', 'Active'],
    ]);
    expect(await ok(['get', 'ns', 'logging', '-o', 'jsonpath={.metadata.labels}'])).toBe('{"kubernetes.io/metadata.name":"logging","team":"logs"}');
    await h.until(async () => (await k(['get', 'sa', 'default', '-n', 'logging'])).code === 0, 10_000, 'sa/default in logging');
    await h.until(async () => (await k(['get', 'cm', 'kube-root-ca.crt', '-n', 'logging'])).code === 0, 10_000, 'cm in logging');
    expect(await ok(['label', 'ns', 'logging', 'tier=infra'])).toBe('namespace/logging labeled\n');
    // A built-in namespace, as old as the log, takes labels too (its first event then holds it whole).
    expect(await ok(['label', 'ns', 'default', 'tier=apps'])).toBe('namespace/default labeled\n');
    expect(await ok(['get', 'ns', 'default', '-o', 'jsonpath={.metadata.labels.tier} {.status.phase}'])).toBe('apps Active');
  });

  it('writing into a missing namespace is 404', async () => {
    expect(await fails(['apply', '-n', 'nowhere', '-f', NGINX])).toContain('namespaces "nowhere" not found');
  });

  it('a DaemonSet and a Service in the namespace: get all lists them as on a real cluster', async () => {
    expect(await ok(['apply', '-n', 'logging', '-f', NGINX])).toBe('daemonset.apps/nginx-ds created\n');
    expect(await ok(['rollout', 'status', '-n', 'logging', 'ds/nginx-ds', '--timeout=30s'])).toMatch(/successfully rolled out/);
    const svc = `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: nginx-ds\n  ports:\n  - port: 80\n    targetPort: 80\n`;
    expect(await apply('svc.yaml', svc, ['-n', 'logging'])).toBe('service/web created\n');
    expect(await apply('svc.yaml', svc, ['-n', 'logging'])).toBe('service/web unchanged\n');
    const all = await ok(['get', 'all', '-n', 'logging']);
    expect(all).toMatch(/^pod\/nginx-ds-[a-z0-9]{5}\s+1\/1\s+Running/m);
    expect(all).toMatch(/^service\/web\s+ClusterIP\s+10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+\s+<none>\s+80\/TCP/m);
    expect(all).toMatch(/^daemonset\.apps\/nginx-ds\s+3\s+3\s+3\s+3\s+3/m);
    const clusterIP = await ok(['get', 'svc', 'web', '-n', 'logging', '-o', 'jsonpath={.spec.clusterIP}']);
    expect(clusterIP).not.toBe('10.96.0.1');
    const taken = `apiVersion: v1\nkind: Service\nmetadata:\n  name: clash\nspec:\n  clusterIP: ${clusterIP}\n  ports:\n  - port: 81\n`;
    expect(await fails(['apply', '-n', 'logging', '-f', h.file('clash.yaml', taken)])).toContain('provided IP is already allocated');
  });

  it('Secrets: stringData merged into data, label and type selectors, Tables; the log never holds the data in the clear', async () => {
    const secret = (name: string, status: string) =>
      [
        'apiVersion: v1',
        'kind: Secret',
        `metadata:\n  name: ${name}\n  labels:\n    owner: helm\n    name: agent\n    status: ${status}\n    version: "1"`,
        'type: helm.sh/release.v1',
        `stringData:\n  release: ${SECRET_VALUE}`,
        '',
      ].join('\n');
    expect(await apply('s1.yaml', secret('sh.helm.release.v1.agent.v1', 'deployed'), ['-n', 'logging'])).toBe('secret/sh.helm.release.v1.agent.v1 created\n');
    await apply('s2.yaml', secret('other', 'superseded'), ['-n', 'logging']);
    const data = await ok(['get', 'secret', 'sh.helm.release.v1.agent.v1', '-n', 'logging', '-o', 'jsonpath={.data.release}']);
    expect(Buffer.from(data, 'base64').toString()).toBe(SECRET_VALUE);
    const selected = rows(await ok(['get', 'secrets', '-n', 'logging', '-l', 'owner=helm,status=deployed', '--field-selector', 'type=helm.sh/release.v1']));
    expect(selected).toEqual([['NAME', 'TYPE', 'DATA', 'AGE'], ['sh.helm.release.v1.agent.v1', 'helm.sh/release.v1', '1', expect.any(String)]]);
    const log = readFileSync(join(h.dir, 'events.sqlite'));
    expect(log.includes(SECRET_VALUE)).toBe(false);
    expect(log.includes(Buffer.from(SECRET_VALUE).toString('base64'))).toBe(false);
  });

  it('watch, dry run, server-side apply and explain work for the stored kinds', async () => {
    const rv = String(await h.head());
    const w = await h.watch(`/api/v1/namespaces/logging/secrets?watch=true&resourceVersion=${rv}`);
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  level: info\n';
    const head = await h.head();
    expect(await apply('cm.yaml', cm, ['-n', 'logging', '--dry-run=server'])).toBe('configmap/settings created (server dry run)\n');
    expect(await h.head()).toBe(head);
    expect(await apply('cm.yaml', cm, ['-n', 'logging', '--server-side'])).toBe('configmap/settings serverside-applied\n');
    expect(await apply('cm.yaml', cm.replace('info', 'debug'), ['-n', 'logging', '--server-side'])).toBe('configmap/settings serverside-applied\n');
    expect(await ok(['get', 'cm', 'settings', '-n', 'logging', '-o', 'jsonpath={.data.level}'])).toBe('debug');
    await apply('watched.yaml', `apiVersion: v1\nkind: Secret\nmetadata:\n  name: watched\nstringData:\n  k: ${SECRET_VALUE}\n`, ['-n', 'logging']);
    const [added] = await w.next(1);
    w.close();
    expect(added.type).toBe('ADDED');
    expect(added.object.metadata.name).toBe('watched');
    expect(Buffer.from(added.object.data.k, 'base64').toString()).toBe(SECRET_VALUE);
    expect(added.object).not.toHaveProperty('sealedData');
    const explained = await ok(['explain', 'svc.spec.ports']);
    expect(explained).toMatch(/^KIND:\s+Service\nVERSION:\s+v1\n/);
    expect(explained).toMatch(/nodePort\s+<integer>/);
    expect(await ok(['explain', 'clusterrolebinding.roleRef'])).toMatch(/^GROUP:\s+rbac\.authorization\.k8s\.io\nKIND:\s+ClusterRoleBinding/);
  });

  it('stale resourceVersion and uid preconditions are 409 Conflict and append nothing', async () => {
    const path = '/api/v1/namespaces/logging/configmaps/settings';
    const cm = (await h.raw(path)).json<{ metadata: { resourceVersion: string; uid: string } }>();
    const head = await h.head();
    const stale = await h.raw(path, { method: 'PUT', body: { ...cm, metadata: { ...cm.metadata, resourceVersion: '1' }, data: { level: 'warn' } } });
    expect(stale.status).toBe(409);
    expect(stale.json()).toMatchObject({ kind: 'Status', reason: 'Conflict', details: { name: 'settings', kind: 'configmaps' } });
    const wrongUid = await h.raw(path, { method: 'DELETE', body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: 'not-its-uid' } } });
    expect(wrongUid.status).toBe(409);
    expect(await h.head()).toBe(head);
    const fresh = await h.raw(path, { method: 'PUT', body: { ...cm, data: { level: 'warn' } } });
    expect(fresh.status).toBe(200);
    expect(Number(fresh.json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion)).toBeGreaterThan(head);
  });

  it('a deleted Secret is shredded: past reads show its metadata and no data; a live Secret\'s past reads keep theirs', async () => {
    const before = await h.head();
    const past = (name: string) =>
      h.raw(`/api/v1/namespaces/logging/secrets?resourceVersion=${before}&resourceVersionMatch=Exact&fieldSelector=metadata.name%3D${name}`).then((r) => r.json<{ items: Record<string, unknown>[] }>().items);
    // Read once while it exists (a list the server might keep), then deleted: the same read no longer has the data.
    expect((await past('other'))[0]).toHaveProperty('data.release');
    expect(await ok(['delete', 'secret', 'other', '-n', 'logging'])).toBe('secret "other" deleted\n');
    const [shredded] = await past('other');
    expect(shredded).toMatchObject({ metadata: { name: 'other', labels: { status: 'superseded' } }, type: 'helm.sh/release.v1' });
    expect(shredded).not.toHaveProperty('data');
    expect(shredded).not.toHaveProperty('sealedData');
    const [kept] = await past('sh.helm.release.v1.agent.v1');
    expect(Buffer.from((kept.data as Record<string, string>).release, 'base64').toString()).toBe(SECRET_VALUE);
  });

  it('RBAC objects are stored and printed as upstream prints them', async () => {
    const rbac = [
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: agent-reader\nrules:\n- apiGroups: [""]\n  resources: ["pods", "nodes"]\n  verbs: ["get", "list", "watch"]',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: agent-reader\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: agent-reader\nsubjects:\n- kind: ServiceAccount\n  name: default\n  namespace: logging',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: cm-reader\n  namespace: logging\nrules:\n- apiGroups: [""]\n  resources: ["configmaps"]\n  verbs: ["get"]',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: cm-reader\n  namespace: logging\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: cm-reader\nsubjects:\n- kind: User\n  name: jane',
    ].join('\n---\n');
    expect(await apply('rbac.yaml', rbac)).toBe(
      'clusterrole.rbac.authorization.k8s.io/agent-reader created\nclusterrolebinding.rbac.authorization.k8s.io/agent-reader created\nrole.rbac.authorization.k8s.io/cm-reader created\nrolebinding.rbac.authorization.k8s.io/cm-reader created\n',
    );
    const crb = rows(await ok(['get', 'clusterrolebinding', 'agent-reader', '-o', 'wide']));
    expect(crb[0]).toEqual(['NAME', 'ROLE', 'AGE', 'USERS', 'GROUPS', 'SERVICEACCOUNTS']);
    expect([crb[1][0], crb[1][1], crb[1][3]]).toEqual(['agent-reader', 'ClusterRole/agent-reader', 'logging/default']);
    expect(rows(await ok(['get', 'roles', '-n', 'logging']))[0]).toEqual(['NAME', 'CREATED AT']);
    const bad = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: bad\n  namespace: logging\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Pod\n  name: x\n';
    const head = await h.head();
    expect(await fails(['apply', '-f', h.file('bad.yaml', bad)])).toContain('roleRef.kind: Unsupported value: "Pod"');
    expect(await h.head()).toBe(head);
  });

  it('Leases (coordination.k8s.io/v1): create, get, list -A with the holder, update with a stale resourceVersion is 409', async () => {
    const lease = 'apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata:\n  name: node-x\n  namespace: kube-node-lease\nspec:\n  holderIdentity: node-x\n  leaseDurationSeconds: 40\n  renewTime: "2026-12-02T12:00:00.000001Z"\n';
    expect(await apply('lease.yaml', lease)).toBe('lease.coordination.k8s.io/node-x created\n');
    const listed = rows(await ok(['get', 'lease', '-A']));
    expect(listed[0]).toEqual(['NAMESPACE', 'NAME', 'HOLDER', 'AGE']);
    expect(listed.find((r) => r[1] === 'node-x')?.slice(0, 3)).toEqual(['kube-node-lease', 'node-x', 'node-x']);
    const path = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-x';
    const got = (await h.raw(path)).json<{ metadata: { resourceVersion: string }; spec: Record<string, unknown> }>();
    expect(got.spec).toEqual({ holderIdentity: 'node-x', leaseDurationSeconds: 40, renewTime: '2026-12-02T12:00:00.000001Z' });
    const head = await h.head();
    const stale = await h.raw(path, { method: 'PUT', body: { ...got, metadata: { ...got.metadata, resourceVersion: '1' }, spec: { ...got.spec, renewTime: '2026-12-02T12:00:10.000001Z' } } });
    expect(stale.status).toBe(409);
    expect(stale.json()).toMatchObject({ kind: 'Status', reason: 'Conflict', details: { name: 'node-x', group: 'coordination.k8s.io', kind: 'leases' } });
    expect(await h.head()).toBe(head);
    const fresh = await h.raw(path, { method: 'PUT', body: { ...got, spec: { ...got.spec, renewTime: '2026-12-02T12:00:10.000001Z' } } });
    expect(fresh.status).toBe(200);
    expect(fresh.json<{ spec: { renewTime: string } }>().spec.renewTime).toBe('2026-12-02T12:00:10.000001Z');
    const bad = lease.replace('node-x', 'bad').replace('leaseDurationSeconds: 40', 'leaseDurationSeconds: 0');
    expect(await fails(['apply', '-f', h.file('bad-lease.yaml', bad)])).toContain('spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0');
    expect(await ok(['delete', 'lease', 'node-x', '-n', 'kube-node-lease'])).toBe('lease.coordination.k8s.io "node-x" deleted\n');
  });

  it('delete ns: Terminating refuses new content (403), then everything in it goes, then the namespace', async () => {
    const deletion = k(['delete', 'ns', 'logging', '--timeout=60s']);
    await h.until(async () => (await k(['get', 'ns', 'logging', '-o', 'jsonpath={.status.phase}'])).stdout === 'Terminating', 10_000, 'Terminating');
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: late\ndata:\n  a: b\n';
    expect(await fails(['apply', '-n', 'logging', '-f', h.file('late.yaml', cm)])).toContain(
      'configmaps "late" is forbidden: unable to create new content in namespace logging because it is being terminated',
    );
    const done = await deletion;
    expect(done.stdout).toBe('namespace "logging" deleted\n');
    expect((await k(['get', 'ns', 'logging'])).stderr).toContain('namespaces "logging" not found');
    for (const kind of ['pods', 'ds', 'controllerrevisions', 'sa', 'cm', 'svc', 'secrets', 'roles', 'rolebindings']) {
      expect(await ok(['get', kind, '-n', 'logging', '-o', 'name'])).toBe('');
    }
    // Cluster-scoped objects stay.
    expect(await ok(['get', 'clusterrole', 'agent-reader', '-o', 'name'])).toBe('clusterrole.rbac.authorization.k8s.io/agent-reader\n');
  });

  it('built-in namespaces may not be deleted', async () => {
    expect(await fails(['delete', 'ns', 'kube-system'])).toContain('namespaces "kube-system" is forbidden: this namespace may not be deleted');
  });
});

// kubectl's typed commands (`create namespace`, `create configmap`, `create secret`) send protobuf bodies.
describe('kubectl create ns / cm / secret (protobuf request bodies)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness({ nodes: 1 });
  });
  afterAll(() => h?.dispose());

  it('create namespace, then AlreadyExists; create configmap and secret in it', async () => {
    expect((await h.kubectl(['create', 'namespace', 'logging'])).stdout).toBe('namespace/logging created\n');
    expect((await h.kubectl(['create', 'namespace', 'logging'])).stderr).toBe('Error from server (AlreadyExists): namespaces "logging" already exists\n');
    expect((await h.kubectl(['create', 'configmap', 'conf', '-n', 'logging', '--from-literal=a=b'])).stdout).toBe('configmap/conf created\n');
    expect((await h.kubectl(['create', 'secret', 'generic', 'pw', '-n', 'logging', '--from-literal=p=q'])).stdout).toBe('secret/pw created\n');
    expect((await h.kubectl(['delete', 'ns', 'logging'])).stdout).toBe('namespace "logging" deleted\n');
  });
});
