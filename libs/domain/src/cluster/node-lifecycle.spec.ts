import type { Node } from '../api/types';
import { aDaemonSet, aNode, nodes } from '../controller/testing/builders';
import { Cluster } from '../controller/testing/simulator';
import { nodeShouldRunDaemonPod } from '../controller/scheduling';
import { microTimeOf } from '../kinds/lease';
import { evolveNode } from './evolve';
import { decideNode } from './node.decider';
import { NODE_STATUS_UNKNOWN_MESSAGE, NODE_STATUS_UNKNOWN_REASON, planNodeLifecycle, type NodeLifecycleStep } from './node-lifecycle';

const T0 = Date.parse('2026-12-02T12:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);
const GRACE = 40;

/** A node that joined at T0 with the given Ready status (none: no Ready condition yet). */
const node = (name: string, ready?: 'True' | 'False' | 'Unknown'): Node => ({
  ...aNode(name),
  metadata: { ...aNode(name).metadata, uid: `uid-${name}`, creationTimestamp: '2026-12-02T12:00:00Z' },
  ...(ready ? { status: { conditions: [{ type: 'Ready', status: ready }] } } : {}),
});

const plan = (o: { nodes: Node[]; renewals?: Record<string, number>; now: number; leaderSince?: number }): string[] =>
  planNodeLifecycle({
    nodes: o.nodes,
    renewTimeOf: (n) => (o.renewals?.[n] !== undefined ? microTimeOf(at(o.renewals[n])) : undefined),
    now: at(o.now),
    leaderSince: at(o.leaderSince ?? 0),
    graceSeconds: GRACE,
  }).map((s: NodeLifecycleStep) => `${s.nodeName}→${s.command.status}`);

describe('node lifecycle: the grace period after the last renewal', () => {
  it.each<[string, number, string[]]>([
    ['renewed 39 s ago: still Ready', 100 + 39, []],
    ['exactly the grace period: not yet (upstream marks once now is after probe + grace)', 100 + 40, []],
    ['a millisecond past it (the clock\'s precision): Unknown', 100 + 40.001, ['node-0→Unknown']],
    ['long after: Unknown', 100 + 400, ['node-0→Unknown']],
  ])('%s', (_name, now, want) => expect(plan({ nodes: [node('node-0', 'True')], renewals: { 'node-0': 100 }, now })).toEqual(want));

  it('a node already Unknown is not marked again (a repeated check appends nothing)', () => {
    expect(plan({ nodes: [node('node-0', 'Unknown')], renewals: { 'node-0': 100 }, now: 1000 })).toEqual([]);
  });

  it('marks with upstream\'s reason and message', () => {
    const [step] = planNodeLifecycle({ nodes: [node('node-0', 'True')], renewTimeOf: () => undefined, now: at(100), leaderSince: at(0), graceSeconds: GRACE });
    expect(step.command).toEqual({ type: 'SetNodeReadiness', status: 'Unknown', reason: NODE_STATUS_UNKNOWN_REASON, message: NODE_STATUS_UNKNOWN_MESSAGE });
    expect(NODE_STATUS_UNKNOWN_MESSAGE).toBe('Kubelet stopped posting node status.');
  });

  it('only the silent nodes of many are marked', () => {
    const all = [node('node-0', 'True'), node('node-1', 'True'), node('node-2', 'True')];
    expect(plan({ nodes: all, renewals: { 'node-0': 90, 'node-1': 50, 'node-2': 10 }, now: 95 })).toEqual(['node-1→Unknown', 'node-2→Unknown']);
  });
});

describe('node lifecycle: measured from when this process became leader', () => {
  it('a new leader gives every node a full grace period, however old its last renewal', () => {
    const n = [node('node-0', 'True')];
    expect(plan({ nodes: n, renewals: { 'node-0': 10 }, leaderSince: 500, now: 540 })).toEqual([]);
    expect(plan({ nodes: n, renewals: { 'node-0': 10 }, leaderSince: 500, now: 541 })).toEqual(['node-0→Unknown']);
  });

  it('a renewal after the leader started counts from the renewal', () => {
    expect(plan({ nodes: [node('node-0', 'True')], renewals: { 'node-0': 520 }, leaderSince: 500, now: 559 })).toEqual([]);
    expect(plan({ nodes: [node('node-0', 'True')], renewals: { 'node-0': 520 }, leaderSince: 500, now: 561 })).toEqual(['node-0→Unknown']);
  });

  it('a node that never renewed is judged from its creation or the leader start, whichever is later', () => {
    expect(plan({ nodes: [node('node-0')], now: 40 })).toEqual([]);
    expect(plan({ nodes: [node('node-0')], now: 41 })).toEqual(['node-0→Unknown']);
    expect(plan({ nodes: [node('node-0')], leaderSince: 100, now: 139 })).toEqual([]);
  });

  it('a new leader does not bring an Unknown node back on an old renewal', () => {
    expect(plan({ nodes: [node('node-0', 'Unknown')], renewals: { 'node-0': 10 }, leaderSince: 500, now: 510 })).toEqual([]);
  });
});

describe('node lifecycle: back to Ready', () => {
  it('an Unknown node whose renewals come back is Ready again', () => {
    expect(plan({ nodes: [node('node-0', 'Unknown')], renewals: { 'node-0': 200 }, now: 201 })).toEqual(['node-0→True']);
  });

  it('a renewal older than the grace period does not bring it back', () => {
    expect(plan({ nodes: [node('node-0', 'Unknown')], renewals: { 'node-0': 200 }, now: 241 })).toEqual([]);
  });

  it('a node the kubelet reported NotReady (False) is left to the kubelet while it renews', () => {
    expect(plan({ nodes: [node('node-0', 'False')], renewals: { 'node-0': 200 }, now: 201 })).toEqual([]);
  });

  it('Unknown → True through the decider removes the unreachable taints, and marks them with timeAdded', () => {
    const ctx = { now: '2026-12-02T12:01:00Z', newUid: 'u' };
    const steps = planNodeLifecycle({ nodes: [node('node-0', 'True')], renewTimeOf: () => undefined, now: at(60), leaderSince: at(0), graceSeconds: GRACE });
    const down = evolveNode(node('node-0', 'True'), decideNode(steps[0].command, node('node-0', 'True'), ctx)[0], '2')!;
    expect(down.spec.taints).toEqual([
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: ctx.now },
    ]);
    expect(down.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    const back = planNodeLifecycle({ nodes: [down], renewTimeOf: () => microTimeOf(at(100)), now: at(101), leaderSince: at(0), graceSeconds: GRACE });
    const up = evolveNode(down, decideNode(back[0].command, down, ctx)[0], '3')!;
    expect(up.spec.taints).toEqual([]);
    expect(up.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });
});

describe('an unreachable node keeps its daemon pod (upstream NodeShouldRunDaemonPod)', () => {
  const unreachable = (name: string): Node => {
    const n = node(name, 'True');
    return evolveNode(n, decideNode({ type: 'SetNodeReadiness', status: 'Unknown' }, n, { now: '2026-12-02T12:01:00Z', newUid: 'u' })[0], '2')!;
  };

  it('daemon pods tolerate unreachable:NoExecute, so they should continue running; NoSchedule stops new ones', () => {
    expect(nodeShouldRunDaemonPod(unreachable('node-0'), aDaemonSet())).toEqual({ shouldRun: false, shouldContinueRunning: true });
  });

  it('a sync over a cluster with one unreachable node deletes nothing and creates nothing there', () => {
    const c = new Cluster(aDaemonSet(), nodes(3));
    c.settle();
    c.markReady();
    c.nodes[1] = unreachable('node-1');
    const s = c.sync();
    expect([s.creates, s.deletes]).toEqual([0, 0]);
    expect(c.podsOn('node-1')).toHaveLength(1);
  });
});
