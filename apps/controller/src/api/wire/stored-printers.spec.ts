import { toTable } from './tables';

const now = new Date('2026-12-02T12:00:00Z');
const meta = (name: string) => ({ name, namespace: 'default', creationTimestamp: '2026-12-02T11:00:00Z' });
const cells = (resource: string, o: object) => toTable(resource, [o as never], { now }).rows[0].cells;
const columns = (resource: string) => toTable(resource, [], { now }).columnDefinitions!.map((c) => (c.priority ? `(${c.name})` : c.name));

describe('Tables of the stored kinds, as kube-apiserver prints them', () => {
  it.each([
    ['services', ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', '(Selector)']],
    ['secrets', ['Name', 'Type', 'Data', 'Age']],
    ['configmaps', ['Name', 'Data', 'Age']],
    ['serviceaccounts', ['Name', 'Secrets', 'Age']],
    ['roles', ['Name', 'Created At']],
    ['clusterrolebindings', ['Name', 'Role', 'Age', '(Users)', '(Groups)', '(ServiceAccounts)']],
    ['leases', ['Name', 'Holder', 'Age']],
    ['priorityclasses', ['Name', 'Value', 'Global-Default', 'Age', 'PreemptionPolicy']],
  ])('%s columns', (resource, want) => expect(columns(resource)).toEqual(want));

  it.each<[string, object, (string | number)[]]>([
    ['ClusterIP', { type: 'ClusterIP', clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ports: [{ port: 443, protocol: 'TCP' }] }, ['ClusterIP', '10.96.0.1', '<none>', '443/TCP']],
    ['NodePort', { type: 'NodePort', clusterIPs: ['10.96.1.1'], ports: [{ port: 80, nodePort: 30000, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] }, ['NodePort', '10.96.1.1', '<none>', '80:30000/TCP,53/UDP']],
    ['LoadBalancer without ingress', { type: 'LoadBalancer', clusterIPs: ['10.96.1.2'], ports: [{ port: 80, nodePort: 30001, protocol: 'TCP' }] }, ['LoadBalancer', '10.96.1.2', '<pending>', '80:30001/TCP']],
    ['ExternalName', { type: 'ExternalName', externalName: 'db.example.com' }, ['ExternalName', '<none>', 'db.example.com', '<none>']],
    ['headless with external IPs', { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], externalIPs: ['1.2.3.4'], ports: [{ port: 80, protocol: 'TCP' }] }, ['ClusterIP', 'None', '1.2.3.4', '80/TCP']],
  ])('service %s', (_name, spec, want) => expect(cells('services', { metadata: meta('s'), spec }).slice(1, 5)).toEqual(want));

  it('secrets count their data keys; bindings print Kind/name and their subjects', () => {
    expect(cells('secrets', { metadata: meta('s'), type: 'helm.sh/release.v1', data: { release: 'eA==' } })).toEqual(['s', 'helm.sh/release.v1', 1, '60m']);
    expect(cells('configmaps', { metadata: meta('c'), data: { a: '1' }, binaryData: { b: 'eA==' } })).toEqual(['c', 2, '60m']);
    expect(
      cells('rolebindings', {
        metadata: meta('b'),
        roleRef: { kind: 'ClusterRole', name: 'view' },
        subjects: [{ kind: 'User', name: 'jane' }, { kind: 'Group', name: 'ops' }, { kind: 'ServiceAccount', name: 'default', namespace: 'ci' }],
      }),
    ).toEqual(['b', 'ClusterRole/view', '60m', 'jane', 'ops', 'ci/default']);
  });

  it('priority classes print value, default and policy as upstream (an integer, a boolean, the policy)', () => {
    expect(cells('priorityclasses', { metadata: meta('gold'), value: 1000, globalDefault: true, preemptionPolicy: 'Never' })).toEqual(['gold', 1000, true, '60m', 'Never']);
    expect(cells('priorityclasses', { metadata: meta('zero') })).toEqual(['zero', 0, false, '60m', '']);
  });

  it('leases print their holder, empty when nobody holds them', () => {
    expect(cells('leases', { metadata: meta('node-1'), spec: { holderIdentity: 'node-1', renewTime: '2026-12-02T11:59:59.000000Z' } })).toEqual(['node-1', 'node-1', '60m']);
    expect(cells('leases', { metadata: meta('free'), spec: {} })).toEqual(['free', '', '60m']);
  });
});
