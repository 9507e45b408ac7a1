import type { Node } from '../api/types';
import { evolveNode } from './evolve';
import type { NodeEvent } from './events';
import { decideNode } from './node.decider';
import { DEFAULT_NODE_SIZE, LEGACY_NODE_SIZE, parseNodeSize, registeredNodeStatus, simulatedNode, stampConditionTimes } from './simulated-node';
import { EVENT_UPCASTERS, upcastNodeJoinedV2, upcastNodeJoinedV3 } from './upcasters';

const join = (node: Node) => decideNode({ type: 'JoinNode', node }, undefined, { now: '2026-12-02T09:00:00Z', newUid: 'node-uid' })[0];
const fold = (e: NodeEvent) => evolveNode(undefined, e, '1')!;

describe('SIM_NODE_CAPACITY (parseNodeSize)', () => {
  it.each([
    ['empty is the default, cpu 4, memory 8Gi, 110 pods', '', DEFAULT_NODE_SIZE, []],
    ['every key', 'cpu=8,memory=32Gi,pods=250', { cpu: '8', memory: '32Gi', pods: '250' }, []],
    ['a subset keeps the default for the rest', 'memory=2Gi', { ...DEFAULT_NODE_SIZE, memory: '2Gi' }, []],
    ['millicores', 'cpu=1500m', { ...DEFAULT_NODE_SIZE, cpu: '1500m' }, []],
  ])('%s', (_n, text, size, problems) => expect(parseNodeSize(text)).toEqual({ size, problems }));

  it('reports every bad part with the variable\'s name', () => {
    expect(parseNodeSize('cpu=lots,memory=-1Gi,pods=1.5,gpu=1').problems).toEqual([
      'SIM_NODE_CAPACITY: "cpu=lots": cpu must be a positive quantity (e.g. cpu=4, memory=8Gi)',
      'SIM_NODE_CAPACITY: "memory=-1Gi": memory must be a positive quantity (e.g. cpu=4, memory=8Gi)',
      'SIM_NODE_CAPACITY: "pods=1.5": pods must be a whole number',
      'SIM_NODE_CAPACITY: "gpu=1": expected cpu=<quantity>, memory=<quantity> or pods=<number>',
    ]);
  });
});

describe('a simulated node\'s size in the log (NodeJoined v3)', () => {
  it('sets capacity and allocatable from the size', () => {
    const n = simulatedNode(0, {}, { cpu: '2', memory: '1Gi', pods: '10' });
    expect(n.status?.capacity).toEqual({ cpu: '2', memory: '1Gi', pods: '10', 'ephemeral-storage': '100Gi' });
    expect(n.status?.allocatable).toEqual(n.status?.capacity);
  });

  it('a default-sized node is recorded by its index alone and folds to cpu 4, memory 8Gi, 110 pods', () => {
    const e = join(simulatedNode(0));
    expect(e.data).toEqual({ simulated: { index: 0, uid: 'node-uid', created: '2026-12-02T09:00:00Z' } });
    expect(fold(e).status?.capacity).toEqual({ cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '100Gi' });
  });

  it('another size is recorded in the ref and folds to the node registered', () => {
    const node = simulatedNode(3, {}, { cpu: '1', memory: '512Mi', pods: '5' });
    const e = join(node);
    expect(e.data).toEqual({ simulated: expect.objectContaining({ index: 3, capacity: { cpu: '1', memory: '512Mi', pods: '5' } }) });
    const whole = { type: 'NodeJoined', data: { node: stampConditionTimes({ ...node, metadata: { ...node.metadata, uid: 'node-uid', creationTimestamp: '2026-12-02T09:00:00Z' } }, '2026-12-02T09:00:00Z') } } as NodeEvent;
    expect(fold(e)).toEqual(fold(whole));
  });

  it('a v2 event (recorded before sizes) still folds to the 16Gi node it always did', () => {
    const v2 = { simulated: { index: 1, uid: 'u', created: '2026-01-01T00:00:00Z' } };
    expect(EVENT_UPCASTERS.some((u) => u.type === 'NodeJoined' && u.fromVersion === 2)).toBe(true);
    const v3 = upcastNodeJoinedV2(v2) as NodeEvent['data'];
    expect(fold({ type: 'NodeJoined', data: v3 } as NodeEvent).status?.capacity).toEqual({ ...LEGACY_NODE_SIZE, 'ephemeral-storage': '100Gi' });
    expect(upcastNodeJoinedV2({ node: { metadata: { name: 'x' } } })).toEqual({ node: { metadata: { name: 'x' } } });
  });
});

describe('a Node a user created, as its simulated kubelet registers it (registeredNodeStatus)', () => {
  const userNode = (status?: Node['status']): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n9' }, spec: {}, ...(status ? { status } : {}) }) as Node;

  it('gets its machine’s capacity, all allocatable, keeping what the Node said', () => {
    const size = { cpu: '2', memory: '4Gi', pods: '20' };
    expect(registeredNodeStatus(userNode({ addresses: [{ type: 'InternalIP', address: '10.1.0.9' }] }), size)).toEqual({
      addresses: [{ type: 'InternalIP', address: '10.1.0.9' }],
      capacity: { cpu: '2', memory: '4Gi', pods: '20', 'ephemeral-storage': '100Gi' },
      allocatable: { cpu: '2', memory: '4Gi', pods: '20', 'ephemeral-storage': '100Gi' },
    });
  });

  it('a Node that says what it has is left as it is', () => {
    expect(registeredNodeStatus(userNode({ capacity: { cpu: '1' } }), DEFAULT_NODE_SIZE)).toBeUndefined();
    expect(registeredNodeStatus(userNode({ allocatable: { cpu: '1' } }), DEFAULT_NODE_SIZE)).toBeUndefined();
  });
});

describe('a simulated node’s conditions as its kubelet posts them (NodeJoined v4)', () => {
  const node = fold(join(simulatedNode(2)));

  it('orders MemoryPressure, DiskPressure, PIDPressure, Ready (the kubelet’s defaultNodeStatusFuncs)', () =>
    expect(node.status?.conditions?.map((c) => c.type)).toEqual(['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']));

  it('stamps every condition with the registration time as heartbeat and transition (never year 0001)', () => {
    for (const c of node.status?.conditions ?? []) expect([c.lastHeartbeatTime, c.lastTransitionTime]).toEqual(['2026-12-02T09:00:00Z', '2026-12-02T09:00:00Z']);
  });

  it('reports its kubelet endpoint (daemonEndpoints, port 10250)', () => expect(node.status?.daemonEndpoints).toEqual({ kubeletEndpoint: { Port: 10250 } }));

  it('a v3 event (recorded before) still folds to the node it always did: Ready first, no times', () => {
    expect(EVENT_UPCASTERS.some((u) => u.type === 'NodeJoined' && u.fromVersion === 3)).toBe(true);
    const v3 = { simulated: { index: 1, uid: 'u', created: '2026-01-01T00:00:00Z' } };
    const old = fold({ type: 'NodeJoined', data: upcastNodeJoinedV3(v3) } as NodeEvent);
    expect(old.status?.conditions?.map((c) => c.type)).toEqual(['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']);
    expect(old.status?.conditions?.[0].lastHeartbeatTime).toBeUndefined();
    expect(old.status?.daemonEndpoints).toBeUndefined();
    expect(upcastNodeJoinedV3({ node: { metadata: { name: 'x' } } })).toEqual({ node: { metadata: { name: 'x' } } });
  });
});

describe('the node lifecycle controller marking a node Unknown (nodelifecycle tryUpdateNodeHealth)', () => {
  const node = fold(join(simulatedNode(2)));
  const [changed] = decideNode({ type: 'SetNodeReadiness', status: 'Unknown' }, node, { now: '2026-12-02T09:10:00Z', newUid: 'x' });
  const ready = (changed.data as { conditions: NonNullable<Node['status']>['conditions'] }).conditions!.at(-1)!;

  it('keeps the last heartbeat (none came) and moves the transition time to now; Ready stays last', () => {
    expect(ready.type).toBe('Ready');
    expect([ready.status, ready.lastHeartbeatTime, ready.lastTransitionTime]).toEqual(['Unknown', '2026-12-02T09:00:00Z', '2026-12-02T09:10:00Z']);
  });
});

describe('readiness and the pressure conditions (nodelifecycle tryUpdateNodeHealth)', () => {
  const node = fold(join(simulatedNode(2)));
  const apply = (n: Node, status: 'True' | 'Unknown', now: string) => evolveNode(n, decideNode({ type: 'SetNodeReadiness', status }, n, { now, newUid: 'x' })[0], '2')!;
  const unknown = apply(node, 'Unknown', '2026-12-02T09:10:00Z');

  it('Unknown turns every kubelet condition Unknown, "Kubelet stopped posting node status.", heartbeats kept', () => {
    expect(unknown.status?.conditions?.map((c) => [c.type, c.status, c.reason, c.lastHeartbeatTime, c.lastTransitionTime])).toEqual(
      ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'].map((t) => [t, 'Unknown', 'NodeStatusUnknown', '2026-12-02T09:00:00Z', '2026-12-02T09:10:00Z']),
    );
  });

  it('back to True: the kubelet posts them again, no pressure, in its order', () => {
    const back = apply(unknown, 'True', '2026-12-02T09:20:00Z');
    expect(back.status?.conditions?.map((c) => [c.type, c.status, c.reason, c.lastHeartbeatTime])).toEqual([
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', '2026-12-02T09:20:00Z'],
      ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', '2026-12-02T09:20:00Z'],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID', '2026-12-02T09:20:00Z'],
      ['Ready', 'True', 'KubeletReady', '2026-12-02T09:20:00Z'],
    ]);
  });
});
