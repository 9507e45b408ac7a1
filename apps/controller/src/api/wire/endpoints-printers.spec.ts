import type { EndpointSlice, Endpoints } from '@daemonledger/domain/kinds/endpoints';
import { formatDiscoveryEndpoints, formatDiscoveryPorts, formatEndpoints } from './endpoints-printers';
import { columnDefinitions, toTable } from './tables';

const ref = { kind: 'Pod' as const, namespace: 'd', name: 'p', uid: 'u' };
const ep = (subsets?: Endpoints['subsets']): Endpoints => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'agent', namespace: 'd', uid: 'x', labels: {} }, ...(subsets ? { subsets } : {}) });
const addr = (ip: string) => ({ ip, targetRef: ref });
const slice = (ips: string[], ports: EndpointSlice['ports']): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'agent-bcdfg', namespace: 'd', uid: 'y', labels: {} },
  addressType: 'IPv4',
  endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true, serving: true, terminating: false }, targetRef: ref })),
  ports,
});

describe('printing Endpoints and EndpointSlices as upstream (printers.go)', () => {
  it.each([
    ['no subsets: <none>', ep(), '<none>'],
    ['ip:port of ready addresses', ep([{ addresses: [addr('10.0.0.1'), addr('10.0.0.2')], ports: [{ port: 80, protocol: 'TCP' }] }]), '10.0.0.1:80,10.0.0.2:80'],
    ['three at most, then + N more...', ep([{ addresses: ['1', '2', '3', '4', '5'].map((i) => addr(`10.0.0.${i}`)), ports: [{ port: 80, protocol: 'TCP' }] }]), '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...'],
    ['a portless headless Service: bare addresses', ep([{ addresses: [addr('10.0.0.1')] }]), '10.0.0.1'],
    ['only not-ready addresses: empty', ep([{ notReadyAddresses: [addr('10.0.0.1')], ports: [{ port: 80, protocol: 'TCP' }] }]), ''],
  ])('Endpoints: %s', (_n, e, want) => expect(formatEndpoints(e)).toBe(want));

  it('EndpointSlice: ports and addresses, <unset> when empty, + N more... past three', () => {
    expect(formatDiscoveryPorts(slice([], null))).toBe('<unset>');
    expect(formatDiscoveryEndpoints(slice([], null))).toBe('<unset>');
    const s = slice(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'], [{ port: 9100, protocol: 'TCP' }]);
    expect(formatDiscoveryPorts(s)).toBe('9100');
    expect(formatDiscoveryEndpoints(s)).toBe('10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...');
  });

  it('the columns are upstream\'s', () => {
    expect(columnDefinitions('endpoints').map((c) => c.name)).toEqual(['Name', 'Endpoints', 'Age']);
    expect(columnDefinitions('endpointslices').map((c) => c.name)).toEqual(['Name', 'AddressType', 'Ports', 'Endpoints', 'Age']);
    const t = toTable('endpointslices', [slice(['10.0.0.1'], [{ port: 9100, protocol: 'TCP' }])], { now: new Date('2026-12-02T00:00:00Z') });
    expect(t.rows[0].cells.slice(0, 4)).toEqual(['agent-bcdfg', 'IPv4', '9100', '10.0.0.1']);
  });
});
