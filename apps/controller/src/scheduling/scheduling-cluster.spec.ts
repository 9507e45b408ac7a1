import type { Pod } from '@daemonledger/domain/api/types';
import { nodeStream, podStream } from '@daemonledger/domain/cluster/streams';
import { ClusterView } from '@daemonledger/projections';
import { schedulingCluster } from './scheduling-cluster';

const T = '2026-11-22T10:00:00Z';
const pod = (name: string, o: { node?: string; priority?: number; phase?: 'Pending' | 'Running' | 'Succeeded'; nominated?: string } = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: `${name}-uid`, creationTimestamp: T },
  spec: { containers: [{ name: 'c', image: 'nginx' }], ...(o.node ? { nodeName: o.node } : {}), ...(o.priority !== undefined ? { priority: o.priority } : {}) },
  status: { phase: o.phase ?? 'Pending', ...(o.nominated ? { nominatedNodeName: o.nominated } : {}) },
});

const view = new ClusterView();
[
  [nodeStream('node-0'), 'NodeJoined', { node: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-0' }, spec: {} } }],
  [podStream('default', 'running'), 'PodCreated', { pod: pod('running', { node: 'node-0', phase: 'Running' }) }],
  [podStream('default', 'done'), 'PodCreated', { pod: pod('done', { node: 'node-0', phase: 'Succeeded' }) }],
  [podStream('default', 'nominated'), 'PodCreated', { pod: pod('nominated', { priority: 1000, nominated: 'node-0' }) }],
].forEach(([streamId, type, data], i) =>
  view.apply({ id: `e${i}`, type: type as string, schemaVersion: 1, data, metadata: {}, streamId: streamId as string, revision: 0, position: i + 1, recordedAt: T }),
);
const podsSeenBy = (p: Pod) => schedulingCluster(view, p).nodeState('node-0')!.pods.map((x) => x.metadata.name).sort();

describe('what a scheduling attempt sees on a node', () => {
  it('bound pods that hold room (a terminal one does not), and pods nominated there with a priority at least its own', () =>
    expect(podsSeenBy(pod('low', { priority: 0 }))).toEqual(['nominated', 'running']));

  it('a pod of higher priority than the nominated one does not see its reservation', () => expect(podsSeenBy(pod('high', { priority: 2000 }))).toEqual(['running']));

  it('the nominated pod does not see itself', () => expect(podsSeenBy(pod('nominated', { priority: 1000 }))).toEqual(['running']));

  it('an unknown node has no state; nodes are counted and listed from the view', () => {
    const cluster = schedulingCluster(view, pod('x'));
    expect(cluster.nodeState('node-9')).toBeUndefined();
    expect([cluster.nodeCount, [...cluster.nodeNames()]]).toEqual([1, ['node-0']]);
  });
});
