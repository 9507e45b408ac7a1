import type { Pod } from '@daemonledger/domain/api/types';
import type { Service } from '@daemonledger/domain/kinds/service';
import { ServiceEndpoints } from './service-endpoints';

const svc: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'agent', namespace: 'd', uid: 'svc-uid' }, spec: { clusterIP: 'None', selector: { app: 'agent' } } };
const pod = (name: string, ready: boolean, ip = `10.0.0.${name.length}`): Pod =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'd', uid: name, labels: { app: 'agent' } },
    spec: { nodeName: 'node-0', containers: [{ name: 'c', image: 'i' }] },
    status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  }) as Pod;

describe('the endpoints fold', () => {
  it('an object takes the position of the event that changed its content, and keeps it otherwise', () => {
    const f = new ServiceEndpoints();
    let pods: Pod[] = [];
    f.serviceChanged(1, 't1', 'd', 'agent', svc, () => pods);
    expect(f.changedAt(1).map((c) => [c.kind, c.type])).toEqual([['endpoints', 'ADDED'], ['endpointslice', 'ADDED']]);
    pods = [pod('a', false)];
    f.podChanged(2, 't2', 'd', undefined, pods[0], [svc], () => pods);
    expect(f.endpoints.get('d/agent')!.metadata.resourceVersion).toBe('2');
    expect(f.endpoints.get('d/agent')!.metadata.creationTimestamp).toBe('t1');
    // The same pod again (a report that changes nothing endpoints show): nothing changes, no watch event.
    f.podChanged(3, 't3', 'd', pods[0], pods[0], [svc], () => pods);
    expect(f.changedAt(3)).toEqual([]);
    expect(f.endpoints.get('d/agent')!.metadata.resourceVersion).toBe('2');
    const before = pods[0];
    pods = [pod('a', true)];
    f.podChanged(4, 't4', 'd', before, pods[0], [svc], () => pods);
    expect(f.endpoints.get('d/agent')!.subsets![0].addresses!.map((a) => a.ip)).toEqual(['10.0.0.1']);
    expect(f.changedAt(4).map((c) => c.type)).toEqual(['MODIFIED', 'MODIFIED']);
  });

  it('a pod the Service does not select changes nothing; a deleted Service takes its objects with it', () => {
    const f = new ServiceEndpoints();
    f.serviceChanged(1, 't', 'd', 'agent', svc, () => []);
    const other = { ...pod('x', true), metadata: { name: 'x', namespace: 'd', uid: 'x', labels: { app: 'web' } } } as Pod;
    f.podChanged(2, 't', 'd', undefined, other, [svc], () => [other]);
    expect(f.changedAt(2)).toEqual([]);
    f.serviceChanged(3, 't', 'd', 'agent', undefined, () => []);
    expect(f.changedAt(3).map((c) => [c.kind, c.type, c.object.metadata.resourceVersion])).toEqual([['endpoints', 'DELETED', '3'], ['endpointslice', 'DELETED', '3']]);
    expect(f.listEndpoints()).toEqual([]);
    expect(f.listSlices()).toEqual([]);
  });

  it('survives a snapshot round trip', () => {
    const f = new ServiceEndpoints();
    f.serviceChanged(1, 't', 'd', 'agent', svc, () => [pod('a', true)]);
    const g = new ServiceEndpoints();
    g.fromSnapshot(JSON.parse(JSON.stringify(f.toSnapshot())));
    expect(g.listEndpoints()).toEqual(f.listEndpoints());
    expect(g.listSlices()).toEqual(f.listSlices());
  });
});
