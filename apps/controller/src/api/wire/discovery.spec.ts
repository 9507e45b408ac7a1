import {
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroupList,
  apiResourceList,
  apiVersions,
  negotiateDiscovery,
  versionInfo,
} from './discovery';

const DISC = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

describe('discovery content negotiation (kubectl-wire §2)', () => {
  it('uses the exact aggregated content type client-go recognises', () => {
    expect(AGGREGATED_DISCOVERY_CONTENT_TYPE).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  });
  it.each([
    ['kubectl 1.32', DISC, { format: 'aggregated', version: 'v2', contentType: AGGREGATED_DISCOVERY_CONTENT_TYPE }],
    ['v2beta1 only', 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList', { format: 'aggregated', version: 'v2beta1', contentType: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList' }],
    ['params in another order, with spaces', 'application/json; as=APIGroupDiscoveryList; v=v2; g=apidiscovery.k8s.io', { format: 'aggregated', version: 'v2' }],
    ['protobuf aggregated then json', 'application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json', { format: 'legacy', contentType: 'application/json' }],
    ['legacy client', 'application/json, */*', { format: 'legacy', contentType: 'application/json' }],
    ['no Accept', undefined, { format: 'legacy' }],
    ['wildcard', '*/*', { format: 'legacy' }],
    ['unknown aggregated version', 'application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList', { format: 'notAcceptable' }],
    ['yaml only', 'application/yaml', { format: 'notAcceptable' }],
  ])('%s', (_n, accept, want) => expect(negotiateDiscovery(accept)).toMatchObject(want));
});

describe('aggregated discovery documents', () => {
  it('GET /api: one unnamed group, core v1 resources with what kubectl needs', () => {
    const doc = aggregatedDiscovery('core');
    expect(doc).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {} });
    expect(doc.items).toHaveLength(1);
    expect(doc.items[0].metadata).toEqual({ creationTimestamp: null });
    const v1 = doc.items[0].versions[0];
    expect(v1).toMatchObject({ version: 'v1', freshness: 'Current' });
    expect(v1.resources.map((r) => r.resource)).toEqual(['configmaps', 'endpoints', 'events', 'namespaces', 'nodes', 'pods', 'secrets', 'serviceaccounts', 'services']);
    expect(v1.resources.find((r) => r.resource === 'pods')).toEqual({
      resource: 'pods',
      responseKind: { group: '', version: 'v1', kind: 'Pod' },
      scope: 'Namespaced',
      singularResource: 'pod',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['po'],
      categories: ['all'],
      subresources: [
        { subresource: 'status', responseKind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get', 'patch', 'update'] },
        { subresource: 'log', responseKind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get'] },
      ],
    });
    expect(v1.resources.find((r) => r.resource === 'nodes')).toMatchObject({ scope: 'Cluster', shortNames: ['no'] });
    expect(v1.resources.find((r) => r.resource === 'namespaces')).toMatchObject({ scope: 'Cluster', shortNames: ['ns'] });
    expect(v1.resources.find((r) => r.resource === 'events')).toMatchObject({ scope: 'Namespaced', shortNames: ['ev'] });
  });

  it('GET /apis: the apps group with daemonsets, controllerrevisions and replicasets', () => {
    const doc = aggregatedDiscovery('apis', 'v2beta1');
    expect(doc.apiVersion).toBe('apidiscovery.k8s.io/v2beta1');
    expect(doc.items.map((g) => g.metadata)).toEqual([
      { name: 'apps', creationTimestamp: null },
      { name: 'authorization.k8s.io', creationTimestamp: null },
      { name: 'authentication.k8s.io', creationTimestamp: null },
      { name: 'rbac.authorization.k8s.io', creationTimestamp: null },
      { name: 'coordination.k8s.io', creationTimestamp: null },
      { name: 'scheduling.k8s.io', creationTimestamp: null },
      { name: 'discovery.k8s.io', creationTimestamp: null },
      { name: 'ledger.daemonledger.io', creationTimestamp: null },
    ]);
    const res = doc.items[0].versions[0].resources;
    expect(res.map((r) => r.resource)).toEqual(['controllerrevisions', 'daemonsets', 'replicasets']);
    expect(res[1]).toMatchObject({ responseKind: { group: 'apps', version: 'v1', kind: 'DaemonSet' }, shortNames: ['ds'], categories: ['all'], singularResource: 'daemonset' });
    expect(res[1].subresources).toEqual([{ subresource: 'status', responseKind: { group: 'apps', version: 'v1', kind: 'DaemonSet' }, verbs: ['get', 'patch', 'update'] }]);
    expect(res[2]).toMatchObject({ shortNames: ['rs'], categories: ['all'], verbs: ['list'] });
    expect(res[0]).not.toHaveProperty('shortNames');
  });
});

describe('endpoints and endpointslices (derived, read-only)', () => {
  it('core v1 endpoints (short name ep) and discovery.k8s.io/v1 endpointslices take get, list and watch only', () => {
    const v1 = aggregatedDiscovery('core').items[0].versions[0].resources;
    expect(v1.find((r) => r.resource === 'endpoints')).toMatchObject({ scope: 'Namespaced', singularResource: 'endpoints', shortNames: ['ep'], verbs: ['get', 'list', 'watch'] });
    expect(apiResourceList('discovery.k8s.io/v1')!.resources).toEqual([
      { name: 'endpointslices', singularName: 'endpointslice', namespaced: true, kind: 'EndpointSlice', verbs: ['get', 'list', 'watch'] },
    ]);
  });
});

describe('ledger.daemonledger.io/v1', () => {
  it('aggregated: rollouts are read-only, short name ro, with the audit subresource answering RolloutAudit', () => {
    const ledger = aggregatedDiscovery('apis').items.find((g) => g.metadata.name === 'ledger.daemonledger.io')!;
    expect(ledger.versions[0].resources).toEqual([
      {
        resource: 'rollouts',
        responseKind: { group: 'ledger.daemonledger.io', version: 'v1', kind: 'Rollout' },
        scope: 'Namespaced',
        singularResource: 'rollout',
        verbs: ['get', 'list', 'watch'],
        shortNames: ['ro'],
        subresources: [{ subresource: 'audit', responseKind: { group: 'ledger.daemonledger.io', version: 'v1', kind: 'RolloutAudit' }, verbs: ['get'] }],
      },
    ]);
  });
  it('legacy: APIResourceList with rollouts and rollouts/audit', () => {
    expect(apiResourceList('ledger.daemonledger.io/v1')).toEqual({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'ledger.daemonledger.io/v1',
      resources: [
        { name: 'rollouts', singularName: 'rollout', namespaced: true, kind: 'Rollout', verbs: ['get', 'list', 'watch'], shortNames: ['ro'] },
        { name: 'rollouts/audit', singularName: '', namespaced: true, kind: 'RolloutAudit', verbs: ['get'] },
      ],
    });
  });
});

describe('legacy discovery documents (kubectl-wire §2.2)', () => {
  it('GET /api: APIVersions', () => {
    expect(apiVersions('10.0.0.1:6443')).toEqual({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '10.0.0.1:6443' }] });
  });
  it('GET /apis: APIGroupList with preferred versions', () => {
    expect(apiGroupList()).toEqual({
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [
        { name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } },
        { name: 'authorization.k8s.io', versions: [{ groupVersion: 'authorization.k8s.io/v1', version: 'v1' }], preferredVersion: { groupVersion: 'authorization.k8s.io/v1', version: 'v1' } },
        { name: 'authentication.k8s.io', versions: [{ groupVersion: 'authentication.k8s.io/v1', version: 'v1' }], preferredVersion: { groupVersion: 'authentication.k8s.io/v1', version: 'v1' } },
        { name: 'rbac.authorization.k8s.io', versions: [{ groupVersion: 'rbac.authorization.k8s.io/v1', version: 'v1' }], preferredVersion: { groupVersion: 'rbac.authorization.k8s.io/v1', version: 'v1' } },
        { name: 'coordination.k8s.io', versions: [{ groupVersion: 'coordination.k8s.io/v1', version: 'v1' }], preferredVersion: { groupVersion: 'coordination.k8s.io/v1', version: 'v1' } },
        { name: 'scheduling.k8s.io', versions: [{ groupVersion: 'scheduling.k8s.io/v1', version: 'v1' }], preferredVersion: { groupVersion: 'scheduling.k8s.io/v1', version: 'v1' } },
        { name: 'discovery.k8s.io', versions: [{ groupVersion: 'discovery.k8s.io/v1', version: 'v1' }], preferredVersion: { groupVersion: 'discovery.k8s.io/v1', version: 'v1' } },
        { name: 'ledger.daemonledger.io', versions: [{ groupVersion: 'ledger.daemonledger.io/v1', version: 'v1' }], preferredVersion: { groupVersion: 'ledger.daemonledger.io/v1', version: 'v1' } },
      ],
    });
  });
  it('GET /apis/apps/v1: APIResourceList with subresources as their own entries', () => {
    const list = apiResourceList('apps/v1')!;
    expect(list).toMatchObject({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'apps/v1' });
    expect(list.resources.map((r) => r.name)).toEqual(['controllerrevisions', 'daemonsets', 'daemonsets/status', 'replicasets']);
    expect(list.resources[1]).toEqual({
      name: 'daemonsets', singularName: 'daemonset', namespaced: true, kind: 'DaemonSet',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ds'], categories: ['all'],
    });
    expect(list.resources[2]).toEqual({ name: 'daemonsets/status', singularName: '', namespaced: true, kind: 'DaemonSet', verbs: ['get', 'patch', 'update'] });
  });
  it('core v1: sa, cm and svc short names; services in the `all` category (kubectl get all lists them)', () => {
    const v1 = aggregatedDiscovery('core').items[0].versions[0].resources;
    const of = (r: string) => v1.find((x) => x.resource === r)!;
    expect(of('serviceaccounts')).toMatchObject({ shortNames: ['sa'], scope: 'Namespaced' });
    expect(of('configmaps')).toMatchObject({ shortNames: ['cm'] });
    expect(of('services')).toMatchObject({ shortNames: ['svc'], categories: ['all'] });
    expect(of('namespaces')).toMatchObject({ shortNames: ['ns'], scope: 'Cluster' });
    expect(of('secrets')).not.toHaveProperty('categories');
    const rbac = apiResourceList('rbac.authorization.k8s.io/v1')!.resources;
    expect(rbac.map((r) => [r.name, r.namespaced])).toEqual([['clusterrolebindings', false], ['clusterroles', false], ['rolebindings', true], ['roles', true]]);
  });
  it('coordination.k8s.io/v1: namespaced leases with every verb, no short name (as upstream)', () => {
    expect(apiResourceList('coordination.k8s.io/v1')).toEqual({
      kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'coordination.k8s.io/v1',
      resources: [{ name: 'leases', singularName: 'lease', namespaced: true, kind: 'Lease', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] }],
    });
  });
  it('scheduling.k8s.io/v1: cluster-scoped priorityclasses with every verb, short name pc (as upstream)', () => {
    expect(apiResourceList('scheduling.k8s.io/v1')).toEqual({
      kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'scheduling.k8s.io/v1',
      resources: [{ name: 'priorityclasses', singularName: 'priorityclass', namespaced: false, kind: 'PriorityClass', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['pc'] }],
    });
  });
  it('GET /api/v1: no apiVersion field, cluster-scoped nodes and namespaces', () => {
    const list = apiResourceList('v1')!;
    expect(list).not.toHaveProperty('apiVersion');
    expect(list.resources.map((r) => r.name)).toEqual(['configmaps', 'endpoints', 'events', 'namespaces', 'nodes', 'nodes/status', 'pods', 'pods/status', 'pods/log', 'secrets', 'serviceaccounts', 'services']);
    expect(list.resources.find((r) => r.name === 'nodes')).toMatchObject({ namespaced: false, shortNames: ['no'] });
  });
  it('an unserved group/version is undefined (404)', () => expect(apiResourceList('batch/v1')).toBeUndefined());
});

describe('/version', () => {
  it('reports 1.32 so the kubectl dispatcher runs kubectl 1.32 (kubectl-wire §0.1)', () => {
    expect(versionInfo()).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.4', platform: 'linux/amd64' });
    expect(versionInfo({ gitCommit: 'abc', gitTreeState: 'dirty', buildDate: '2026-12-03T09:00:00Z' })).toMatchObject({ gitCommit: 'abc', gitTreeState: 'dirty', buildDate: '2026-12-03T09:00:00Z' });
    // Unknown: what upstream's binaries say when their build set nothing.
    expect(versionInfo()).toMatchObject({ gitCommit: '', gitTreeState: '', buildDate: '1970-01-01T00:00:00Z' });
  });
});
