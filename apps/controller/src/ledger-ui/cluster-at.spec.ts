import type { ControllerRevision, DaemonSet, Node, Pod } from '@daemonledger/domain/api/types';
import { daemonSetSummary, nodeGrid, podState, targetNode } from './cluster-at';

const owner = [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'nginx-ds', uid: 'u', controller: true }];
const aNode = (name: string, o: { ready?: boolean; unschedulable?: boolean } = {}) =>
  ({ metadata: { name }, spec: { unschedulable: o.unschedulable }, status: { conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] } }) as unknown as Node;
const aRevision = (hash: string, revision: number) =>
  ({ metadata: { name: `nginx-ds-${hash}`, labels: { 'controller-revision-hash': hash }, ownerReferences: owner }, revision, data: {} }) as unknown as ControllerRevision;
const aPod = (name: string, node: string, hash: string, o: { phase?: string; ready?: boolean; deleting?: boolean; waiting?: string; owned?: boolean } = {}) =>
  ({
    metadata: {
      name,
      labels: { app: 'nginx-ds', 'controller-revision-hash': hash },
      ...(o.owned === false ? {} : { ownerReferences: owner }),
      ...(o.deleting ? { deletionTimestamp: '2026-12-02T10:00:00Z' } : {}),
    },
    spec: { nodeName: node, containers: [] },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
      containerStatuses: o.waiting ? [{ name: 'c', state: { waiting: { reason: o.waiting } } }] : [],
    },
  }) as unknown as Pod;
const aDaemonSet = {
  metadata: { name: 'nginx-ds', namespace: 'default', generation: 3 },
  spec: { selector: { matchLabels: { app: 'nginx-ds' } }, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.9.1' }] } } },
  status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 1, numberAvailable: 2, numberUnavailable: 1, observedGeneration: 3 },
} as unknown as DaemonSet;

describe('a pod’s state, in kubectl’s words', () => {
  it.each([
    ['Ready', {}],
    ['Running', { ready: false }],
    ['Pending', { phase: 'Pending', ready: false }],
    ['Terminating', { deleting: true }],
    ['ErrImagePull', { phase: 'Pending', ready: false, waiting: 'ErrImagePull' }],
  ])('%s', (want, o) => expect(podState(aPod('p', 'n', 'h', o))).toBe(want));
});

describe('the node a daemon pod is for', () => {
  const unbound = (values: string[]) =>
    ({
      metadata: { name: 'p' },
      spec: { containers: [], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values }] }] } } } },
    }) as unknown as Pod;

  it('is its nodeName once bound', () => expect(targetNode(aPod('p', 'node-3', 'h'))).toBe('node-3'));
  it('is the node its required affinity names before that', () => expect(targetNode(unbound(['node-7']))).toBe('node-7'));
  it('is unknown when the affinity names several', () => expect(targetNode(unbound(['a', 'b']))).toBeUndefined());
});

describe('the node grid at a position', () => {
  const grid = nodeGrid({
    daemonSet: 'nginx-ds',
    daemonSetObject: aDaemonSet,
    nodes: [aNode('node-10'), aNode('node-2', { unschedulable: true }), aNode('node-1', { ready: false })],
    revisions: [aRevision('aaa', 1), aRevision('bbb', 2)],
    pods: [
      aPod('nginx-ds-x', 'node-2', 'bbb', { phase: 'Pending', ready: false, waiting: 'ContainerCreating' }),
      aPod('nginx-ds-y', 'node-2', 'aaa', { deleting: true }),
      aPod('nginx-ds-z', 'node-10', 'aaa'),
      aPod('orphan', 'node-1', 'bbb', { owned: false }),
      { ...aPod('other', 'node-1', 'aaa', { owned: false }), metadata: { name: 'other', labels: { app: 'else' } } } as Pod,
      aPod('gone', 'node-9', 'zzz'),
    ],
  });

  it('has one cell per node in natural order, plus any node only a pod names', () => {
    expect(grid.map((c) => [c.node, c.known])).toEqual([
      ['node-1', true],
      ['node-2', true],
      ['node-9', false],
      ['node-10', true],
    ]);
  });

  it('gives each pod its revision number by hash, and colours the cell by the newest', () => {
    const node2 = grid.find((c) => c.node === 'node-2')!;
    expect(node2.pods.map((p) => [p.name, p.revision, p.state])).toEqual([
      ['nginx-ds-y', 1, 'Terminating'],
      ['nginx-ds-x', 2, 'ContainerCreating'],
    ]);
    expect(node2.revision).toBe(2);
    expect(node2.cordoned).toBe(true);
  });

  it('counts an orphan matching the selector, not another app’s pod; an unknown hash has no revision', () => {
    expect(grid.find((c) => c.node === 'node-1')!.pods.map((p) => p.name)).toEqual(['orphan']);
    expect(grid.find((c) => c.node === 'node-1')!.nodeReady).toBe(false);
    expect(grid.find((c) => c.node === 'node-9')!.revision).toBeNull();
  });
});

describe('the DaemonSet at a position', () => {
  it('reads like kubectl get ds, with the newest revision and the images', () => {
    expect(daemonSetSummary(aDaemonSet, [aRevision('aaa', 1), aRevision('bbb', 4)])).toEqual({
      desired: 3,
      current: 3,
      ready: 2,
      upToDate: 1,
      available: 2,
      unavailable: 1,
      generation: 3,
      observedGeneration: 3,
      revision: 4,
      images: ['nginx:1.9.1'],
    });
  });

  it('is null before the DaemonSet existed', () => expect(daemonSetSummary(undefined, [])).toBeNull());
});
