import type { Node, Pod } from '@daemonledger/domain/api/types';
import { nodeStream, podStream } from '@daemonledger/domain/cluster/streams';
import type { RecordedEvent } from '@daemonledger/event-store/event-store.port';
import { ClusterView } from './cluster-view';
import { captureView, restoreView } from './snapshot-codec';

/** The live view's side of the default scheduler: its kube Events and the pods-by-node index. */
const T = '2026-11-22T10:00:00Z';
const node = (name: string): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: {} });
const pod = (name: string, o: { node?: string; pinnedTo?: string } = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: `${name}-uid`, creationTimestamp: T },
  spec: {
    containers: [{ name: 'c', image: 'nginx' }],
    ...(o.node ? { nodeName: o.node } : {}),
    ...(o.pinnedTo
      ? { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [o.pinnedTo] }] }] } } } }
      : {}),
  },
  status: { phase: 'Pending' },
});

const logOf = (steps: [string, string, unknown][]): RecordedEvent[] => {
  const revisions = new Map<string, number>();
  return steps.map(([streamId, type, data], i) => {
    const revision = (revisions.get(streamId) ?? -1) + 1;
    revisions.set(streamId, revision);
    return { id: `e${i}`, type, schemaVersion: 1, data, metadata: { actor: 'default-scheduler', wallTime: T }, streamId, revision, position: i + 1, recordedAt: T };
  });
};
const viewOf = (events: RecordedEvent[]) => {
  const view = new ClusterView();
  events.forEach((e) => view.apply(e));
  return view;
};
const names = (pods: Iterable<Pod>) => [...pods].map((p) => p.metadata.name).sort();

const MSG = '0/1 nodes are available: 1 Insufficient cpu.';
const preemptedBy = { namespace: 'default', name: 'critical', uid: 'critical-uid', nodeName: 'node-0' };
const log = logOf([
  [nodeStream('node-0'), 'NodeJoined', { node: node('node-0') }],
  [nodeStream('node-1'), 'NodeJoined', { node: node('node-1') }],
  [podStream('default', 'low'), 'PodCreated', { pod: pod('low', { node: 'node-0' }) }],
  [podStream('default', 'critical'), 'PodCreated', { pod: pod('critical', { pinnedTo: 'node-0' }) }],
  [podStream('default', 'loose'), 'PodCreated', { pod: pod('loose') }],
  [podStream('default', 'elsewhere'), 'PodCreated', { pod: pod('elsewhere', { pinnedTo: 'node-1' }) }],
  [podStream('default', 'low'), 'PodDeletionRequested', { deletionTimestamp: T, gracePeriodSeconds: 30, reason: 'preempted', preemptedBy }],
  [podStream('default', 'critical'), 'PodNominated', { nodeName: 'node-0' }],
  [podStream('default', 'critical'), 'PodUnschedulable', { message: MSG, at: T }],
]);

describe("the scheduler's kube Events", () => {
  const events = viewOf(log).events.list('default');

  it('FailedScheduling: a Warning from default-scheduler with the attempt\'s message', () =>
    expect(events.find((e) => e.reason === 'FailedScheduling')).toMatchObject({
      type: 'Warning',
      message: MSG,
      source: { component: 'default-scheduler' },
      involvedObject: { kind: 'Pod', name: 'critical', uid: 'critical-uid' },
      count: 1,
    }));

  it("Preempted: the victim's Normal event naming the preemptor's uid and the node, as upstream", () =>
    expect(events.find((e) => e.reason === 'Preempted')).toMatchObject({
      type: 'Normal',
      message: 'Preempted by pod critical-uid on node node-0',
      source: { component: 'default-scheduler' },
      involvedObject: { kind: 'Pod', name: 'low' },
    }));
});

describe('pods by node in the live view (derived from pods, rebuilt on restore)', () => {
  it('bound pods by node; unbound ones by the node they are pinned to, with the unpinned ones for every node', () => {
    const view = viewOf(log);
    expect(names(view.podsOnNode('node-0'))).toEqual(['low']);
    expect(names(view.podsOnNode('node-1'))).toEqual([]);
    expect(names(view.unboundPods('node-0'))).toEqual(['critical', 'loose']);
    expect(names(view.unboundPods('node-1'))).toEqual(['elsewhere', 'loose']);
    expect(names(view.unboundPods())).toEqual(['critical', 'elsewhere', 'loose']);
    expect(names(view.nominatedTo('node-0'))).toEqual(['critical']);
    expect(names(view.nominatedTo('node-1'))).toEqual([]);
  });

  it('follows binding and deletion', () => {
    const view = viewOf([
      ...log,
      ...logOf([
        [podStream('default', 'low'), 'PodDeleted', { reason: 'preempted' }],
        [podStream('default', 'critical'), 'PodBound', { nodeName: 'node-0', at: T }],
      ]).map((e, i) => ({ ...e, position: log.length + i + 1, revision: e.streamId === podStream('default', 'low') ? 2 : 3 })),
    ]);
    expect(names(view.podsOnNode('node-0'))).toEqual(['critical']);
    expect(names(view.unboundPods('node-0'))).toEqual(['loose']);
    expect(view.lastPodChange?.before?.spec.nodeName).toBeUndefined();
    expect(view.lastPodChange?.after?.spec.nodeName).toBe('node-0');
  });

  it('a view restored from a snapshot has the same index (it is not stored: rebuilt from the pods)', () => {
    const view = viewOf(log);
    const restored = restoreView(captureView(view));
    expect(names(restored.podsOnNode('node-0'))).toEqual(['low']);
    expect(names(restored.unboundPods('node-1'))).toEqual(['elsewhere', 'loose']);
  });
});
