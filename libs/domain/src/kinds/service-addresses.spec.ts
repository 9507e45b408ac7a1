import { isDomainError } from '../errors';
import type { StoredObject } from './kind-def';
import { allocatedAddresses, allocateServiceAddresses, firstServiceIP, kubernetesService, parseServiceRange } from './service';

const range = parseServiceRange('10.96.0.0/12');
const svc = (spec: Record<string, unknown>, name = 's'): StoredObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'ci' }, spec: { type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP' }], ...spec } });
const none = { clusterIPs: new Set<string>(), nodePorts: new Set<number>() };
const ipOf = (o: StoredObject) => (o.spec as { clusterIP?: string }).clusterIP;
const message = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (isDomainError(e)) return e.message;
    throw e;
  }
  return 'allocated';
};

describe('ClusterIP and node port allocation', () => {
  it.each([
    ['the kubernetes Service gets the first address of the range', () => ipOf(kubernetesService(range, 6443)), '10.96.0.1'],
    ['a /12 range', () => range.cidr, '10.96.0.0/12'],
    ['a dynamic address comes from above the static band (256 addresses of a /12)', () => ipOf(allocateServiceAddresses(svc({}), none, range)), '10.96.1.1'],
    ['the next free one when taken', () => ipOf(allocateServiceAddresses(svc({}), allocatedAddresses([allocateServiceAddresses(svc({}), none, range)]), range)), '10.96.1.2'],
    ['a requested free address in range is kept', () => ipOf(allocateServiceAddresses(svc({ clusterIP: '10.96.0.10' }), none, range)), '10.96.0.10'],
    ['a headless service gets none', () => ipOf(allocateServiceAddresses(svc({ clusterIP: 'None' }), none, range)), 'None'],
    ['an ExternalName service gets none', () => ipOf(allocateServiceAddresses(svc({ type: 'ExternalName', externalName: 'db.example.com', ports: [] }), none, range)), undefined],
    ['a small range: static band of 16', () => parseServiceRange('10.0.0.0/24').staticBand, 16],
    ['first address of a small range', () => firstServiceIP(parseServiceRange('10.0.0.0/24')), '10.0.0.1'],
  ])('%s', (_name, got, want) => expect(got()).toBe(want));

  it('an address outside the range, or one already taken, is upstream\'s 422', () => {
    expect(message(() => allocateServiceAddresses(svc({ clusterIP: '192.168.0.1' }), none, range))).toContain(
      'spec.clusterIPs: Invalid value: []string{"192.168.0.1"}: failed to allocate IP 192.168.0.1: the provided IP (192.168.0.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
    );
    expect(message(() => allocateServiceAddresses(svc({ clusterIP: '10.96.0.1' }), allocatedAddresses([kubernetesService(range, 443)]), range))).toContain('provided IP is already allocated');
  });

  it('NodePort services get the lowest free node port unless they name one; a taken one is refused', () => {
    const first = allocateServiceAddresses(svc({ type: 'NodePort', ports: [{ port: 80, protocol: 'TCP' }, { port: 81, protocol: 'TCP', nodePort: 30001 }] }), none, range);
    expect((first.spec as { ports: { nodePort: number }[] }).ports.map((p) => p.nodePort)).toEqual([30000, 30001]);
    const used = allocatedAddresses([first]);
    expect((allocateServiceAddresses(svc({ type: 'NodePort' }), used, range).spec as { ports: { nodePort: number }[] }).ports[0].nodePort).toBe(30002);
    expect(message(() => allocateServiceAddresses(svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30001 }] }), used, range))).toContain('provided port is already allocated');
  });

  it('the range is released with the Service: its address is free again once it is gone', () => {
    const a = allocateServiceAddresses(svc({}), none, range);
    expect(ipOf(allocateServiceAddresses(svc({}, 'b'), allocatedAddresses([]), range))).toBe(ipOf(a));
  });
});
