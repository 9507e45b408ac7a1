import type { Pod } from '../api/types';
import { endpointSlicesFor, endpointsFor, findPort, HEADLESS_LABEL, MANAGED_BY_LABEL, SERVICE_NAME_LABEL, sliceName } from './endpoints';
import type { Service } from './service';

const svc = (spec: Partial<Service['spec']> = {}, name = 'agent'): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'ops', uid: `uid-${name}`, labels: { team: 'infra' } },
  spec: { selector: { app: 'agent' }, ports: [{ name: 'metrics', port: 80, targetPort: 'metrics', protocol: 'TCP' }], clusterIP: '10.96.1.1', ...spec },
});

interface PodOpts {
  ip?: string;
  node?: string;
  ready?: boolean;
  phase?: string;
  deleting?: boolean;
  labels?: Record<string, string>;
  namespace?: string;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
}
const pod = (name: string, o: PodOpts = {}): Pod =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.namespace ?? 'ops', uid: `uid-${name}`, labels: o.labels ?? { app: 'agent' }, ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: o.node ?? `node-${name}`, containers: [{ name: 'c', image: 'i', ports: o.ports ?? [{ name: 'metrics', containerPort: 9100, protocol: 'TCP' }] }] },
    status: {
      phase: (o.phase ?? 'Running') as never,
      ...(o.ip === '' ? {} : { podIP: o.ip ?? `10.0.0.${name.length}` }),
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
    },
  }) as Pod;

const ips = (e: ReturnType<typeof endpointsFor>) => ({
  ready: (e?.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)),
  notReady: (e?.subsets ?? []).flatMap((s) => (s.notReadyAddresses ?? []).map((a) => a.ip)),
});

describe('Endpoints of a Service (upstream endpoints controller)', () => {
  it('ready pods are addresses, not-ready ones notReadyAddresses, each with nodeName and a Pod targetRef', () => {
    const e = endpointsFor(svc(), [pod('a', { ip: '10.0.0.1', node: 'node-0' }), pod('b', { ip: '10.0.0.2', ready: false })]);
    expect(ips(e)).toEqual({ ready: ['10.0.0.1'], notReady: ['10.0.0.2'] });
    expect(e!.subsets![0].addresses![0]).toEqual({ ip: '10.0.0.1', nodeName: 'node-0', targetRef: { kind: 'Pod', namespace: 'ops', name: 'a', uid: 'uid-a' } });
  });

  it('a named targetPort is the container port of that name; a pod without it is left out', () => {
    const e = endpointsFor(svc(), [pod('a', { ip: '10.0.0.1' }), pod('b', { ip: '10.0.0.2', ports: [{ name: 'other', containerPort: 1 }] })]);
    expect(e!.subsets).toEqual([expect.objectContaining({ ports: [{ name: 'metrics', port: 9100, protocol: 'TCP' }] })]);
    expect(ips(e).ready).toEqual(['10.0.0.1']);
  });

  it.each([
    ['a numeric targetPort is itself', 8080, 8080],
    ['no targetPort is the Service port', undefined, 80],
    ['a numeric string targetPort is the number', '8081', 8081],
    ['a name with another protocol does not match', 'udp-metrics', undefined],
  ])('findPort: %s', (_n, targetPort, want) => {
    const p = pod('a', { ports: [{ name: 'udp-metrics', containerPort: 53, protocol: 'UDP' }] });
    expect(findPort(p, { port: 80, protocol: 'TCP', ...(targetPort !== undefined ? { targetPort } : {}) })).toBe(want);
  });

  it('pods without an IP, terminal pods, pods being deleted, other namespaces and unselected pods are not endpoints', () => {
    const e = endpointsFor(svc(), [
      pod('ok', { ip: '10.0.0.9' }),
      pod('noip', { ip: '' }),
      pod('done', { phase: 'Succeeded' }),
      pod('failed', { phase: 'Failed' }),
      pod('gone', { deleting: true }),
      pod('elsewhere', { namespace: 'other' }),
      pod('unlabelled', { labels: { app: 'web' } }),
    ]);
    expect(ips(e)).toEqual({ ready: ['10.0.0.9'], notReady: [] });
  });

  it('publishNotReadyAddresses lists not-ready and terminating pods as addresses', () => {
    const e = endpointsFor(svc({ publishNotReadyAddresses: true }), [pod('a', { ip: '10.0.0.1', ready: false }), pod('b', { ip: '10.0.0.2', deleting: true })]);
    expect(ips(e)).toEqual({ ready: ['10.0.0.1', '10.0.0.2'], notReady: [] });
  });

  it('a headless Service over a DaemonSet lists one address per node, and is labelled headless', () => {
    const daemonPods = [0, 1, 2].map((i) => pod(`agent-${i}`, { ip: `10.0.${i}.5`, node: `node-${i}` }));
    const e = endpointsFor(svc({ clusterIP: 'None' }), daemonPods)!;
    expect(e.subsets![0].addresses!.map((a) => a.nodeName)).toEqual(['node-0', 'node-1', 'node-2']);
    expect(e.metadata.labels).toEqual({ team: 'infra', [HEADLESS_LABEL]: '' });
  });

  it('a headless Service without ports lists bare addresses', () => {
    const e = endpointsFor(svc({ clusterIP: 'None', ports: [] }), [pod('a', { ip: '10.0.0.1' })])!;
    expect(e.subsets).toEqual([{ addresses: [expect.objectContaining({ ip: '10.0.0.1' })] }]);
  });

  it('a Service without a selector gets none (its Endpoints would be the user\'s); one selecting nothing gets empty Endpoints', () => {
    expect(endpointsFor(svc({ selector: undefined }), [pod('a')])).toBeUndefined();
    expect(endpointsFor(svc({ selector: {} }), [pod('a')])).toBeUndefined();
    expect(endpointsFor(svc(), [])).toEqual(expect.not.objectContaining({ subsets: expect.anything() }));
  });

  it('the same pods give the same object, whatever their order (a replay gives the same Endpoints)', () => {
    const ps = [pod('a', { ip: '10.0.0.1' }), pod('b', { ip: '10.0.0.2' }), pod('c', { ip: '10.0.0.3', ready: false })];
    expect(endpointsFor(svc(), [...ps].reverse())).toEqual(endpointsFor(svc(), ps));
  });
});

describe('EndpointSlices of a Service (upstream endpointslice controller)', () => {
  it('IPv4 slices with conditions, nodeName, targetRef, resolved ports and the controller\'s labels, owned by the Service', () => {
    const [s] = endpointSlicesFor(svc(), [pod('a', { ip: '10.0.0.1', node: 'node-0' }), pod('b', { ip: '10.0.0.2', ready: false })]);
    expect(s.addressType).toBe('IPv4');
    expect(s.ports).toEqual([{ name: 'metrics', port: 9100, protocol: 'TCP' }]);
    expect(s.metadata.labels).toEqual({ team: 'infra', [SERVICE_NAME_LABEL]: 'agent', [MANAGED_BY_LABEL]: 'endpointslice-controller.k8s.io' });
    expect(s.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Service', name: 'agent', uid: 'uid-agent', controller: true, blockOwnerDeletion: true }]);
    expect(s.endpoints).toEqual([
      { addresses: ['10.0.0.1'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'node-0', targetRef: { kind: 'Pod', namespace: 'ops', name: 'a', uid: 'uid-a' } },
      { addresses: ['10.0.0.2'], conditions: { ready: false, serving: false, terminating: false }, nodeName: 'node-b', targetRef: { kind: 'Pod', namespace: 'ops', name: 'b', uid: 'uid-b' } },
    ]);
  });

  it('a terminating pod stays in the slice, serving but not ready; publishNotReadyAddresses keeps it ready', () => {
    const p = pod('a', { ip: '10.0.0.1', deleting: true });
    expect(endpointSlicesFor(svc(), [p])[0].endpoints[0].conditions).toEqual({ ready: false, serving: true, terminating: true });
    expect(endpointSlicesFor(svc({ publishNotReadyAddresses: true }), [p])[0].endpoints[0].conditions).toEqual({ ready: true, serving: true, terminating: true });
  });

  it('slices are cut at 100 endpoints, named <service>-<5 characters>, deterministically', () => {
    const many = Array.from({ length: 250 }, (_, i) => pod(`p${i}`, { ip: `10.1.${Math.floor(i / 200)}.${i % 200}` }));
    const slices = endpointSlicesFor(svc(), many);
    expect(slices.map((s) => s.endpoints.length)).toEqual([100, 100, 50]);
    expect(new Set(slices.flatMap((s) => s.endpoints.map((e) => e.addresses[0]))).size).toBe(250);
    expect(slices.map((s) => s.metadata.name)).toEqual([0, 1, 2].map((i) => sliceName(svc(), i)));
    for (const s of slices) expect(s.metadata.name).toMatch(/^agent-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(new Set(slices.map((s) => s.metadata.name)).size).toBe(3);
    expect(endpointSlicesFor(svc(), [...many].reverse())).toEqual(slices);
  });

  it('pods that resolve different ports go to different slices', () => {
    const slices = endpointSlicesFor(svc(), [pod('a', { ip: '10.0.0.1' }), pod('b', { ip: '10.0.0.2', ports: [{ name: 'metrics', containerPort: 9200 }] })]);
    expect(slices.map((s) => [s.ports?.[0].port, s.endpoints.length])).toEqual([[9100, 1], [9200, 1]]);
  });

  it('a Service selecting nothing has one empty placeholder slice; without a selector, none', () => {
    expect(endpointSlicesFor(svc(), []).map((s) => [s.endpoints, s.ports])).toEqual([[[], null]]);
    expect(endpointSlicesFor(svc({ selector: undefined }), [pod('a')])).toEqual([]);
  });

  it('a headless Service over a DaemonSet: one endpoint per node, labelled headless', () => {
    const [s] = endpointSlicesFor(svc({ clusterIP: 'None' }), [0, 1, 2].map((i) => pod(`agent-${i}`, { ip: `10.0.${i}.5`, node: `node-${i}` })));
    expect(s.endpoints.map((e) => e.nodeName)).toEqual(['node-0', 'node-1', 'node-2']);
    expect(s.metadata.labels[HEADLESS_LABEL]).toBe('');
  });
});
