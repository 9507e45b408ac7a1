import type { Pod } from '../api/types';
import { awaitsDefaultScheduler, schedulingCommands, schedulingOrder } from './scheduling-attempt';

const aPod = (name: string, o: { node?: string; priority?: number; created?: string; schedulerName?: string; deleting?: boolean; phase?: 'Pending' | 'Running' | 'Failed' } = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'default',
    uid: `${name}-uid`,
    creationTimestamp: o.created ?? '2026-11-22T10:00:00Z',
    ...(o.deleting ? { deletionTimestamp: '2026-11-22T10:01:00Z' } : {}),
  },
  spec: {
    containers: [{ name: 'c', image: 'nginx' }],
    ...(o.node ? { nodeName: o.node } : {}),
    ...(o.priority !== undefined ? { priority: o.priority } : {}),
    ...(o.schedulerName ? { schedulerName: o.schedulerName } : {}),
  },
  status: { phase: o.phase ?? 'Pending' },
});
const FIT = '0/1 nodes are available: 1 Insufficient cpu.';

describe('which pods the default scheduler takes (issue 11 §3)', () => {
  it.each([
    ['an unbound pod with no schedulerName', aPod('p'), true],
    ['an unbound pod naming default-scheduler', aPod('p', { schedulerName: 'default-scheduler' }), true],
    ['a pod naming another scheduler: left Pending, no event from us', aPod('p', { schedulerName: 'other' }), false],
    ['a bound pod', aPod('p', { node: 'node-0' }), false],
    ['a pod being deleted', aPod('p', { deleting: true }), false],
    ['a terminal pod', aPod('p', { phase: 'Failed' }), false],
  ])('%s', (_, pod, expected) => expect(awaitsDefaultScheduler(pod)).toBe(expected));
});

describe("an attempt's commands", () => {
  const pod = aPod('critical', { priority: 1000 });

  it('bind: BindPod to the chosen node', () =>
    expect(schedulingCommands(pod, { kind: 'bind', nodeName: 'node-0' })).toEqual([{ namespace: 'default', name: 'critical', command: { type: 'BindPod', nodeName: 'node-0' } }]));

  it('unschedulable: the message, for the decider to record only when it changed', () =>
    expect(schedulingCommands(pod, { kind: 'unschedulable', message: FIT })).toEqual([
      { namespace: 'default', name: 'critical', command: { type: 'MarkPodUnschedulable', message: FIT, expectedUid: 'critical-uid' } },
    ]));

  it('preempt: every victim deleted for the pod (reason preempted, naming it and the node), then the nomination with the message', () => {
    const victims = [aPod('low-a', { node: 'node-0' }), aPod('low-b', { node: 'node-0' })];
    const preemptedBy = { namespace: 'default', name: 'critical', uid: 'critical-uid', nodeName: 'node-0' };
    expect(schedulingCommands(pod, { kind: 'preempt', nodeName: 'node-0', victims, message: FIT })).toEqual([
      { namespace: 'default', name: 'low-a', command: { type: 'RequestPodDeletion', reason: 'preempted', preemptedBy, expectedUid: 'low-a-uid' } },
      { namespace: 'default', name: 'low-b', command: { type: 'RequestPodDeletion', reason: 'preempted', preemptedBy, expectedUid: 'low-b-uid' } },
      { namespace: 'default', name: 'critical', command: { type: 'MarkPodUnschedulable', message: FIT, nominatedNodeName: 'node-0', expectedUid: 'critical-uid' } },
    ]);
  });

});

describe("pending pods are tried in upstream's queue order", () => {
  it('higher priority first, then the earlier created, then by name', () => {
    const pods = [
      aPod('b', { created: '2026-11-22T10:00:01Z' }),
      aPod('a', { created: '2026-11-22T10:00:01Z' }),
      aPod('old', { created: '2026-11-22T09:00:00Z' }),
      aPod('high', { priority: 100, created: '2026-11-22T11:00:00Z' }),
    ];
    expect(pods.sort(schedulingOrder).map((p) => p.metadata.name)).toEqual(['high', 'old', 'a', 'b']);
  });
});
