import type { Pod } from '../api/types';
import { candidatesToFind, moreImportantFirst, pickOneNodeForPreemption, selectVictimsOnNode } from './preemption';
import { schedulePod } from './schedule';
import { cluster, node, on, pod } from './spec-builders';

const names = (pods: readonly Pod[]) => pods.map((p) => p.metadata.name);

describe('victim order (upstream MoreImportantPod): higher priority first, then the one that started earlier', () => {
  it('sorts by priority, then start time, then creation time when a pod has not started', () => {
    const late = pod('late', { priority: 1, started: '2024-01-01T10:00:00Z' });
    const early = pod('early', { priority: 1, started: '2024-01-01T09:00:00Z' });
    const high = pod('high', { priority: 5, started: '2024-01-01T11:00:00Z' });
    const unstarted = pod('unstarted', { priority: 1 }); // created 2024-01-01T00:00:00Z
    expect(names([late, early, high, unstarted].sort(moreImportantFirst))).toEqual(['high', 'unstarted', 'early', 'late']);
  });
});

describe('selectVictimsOnNode: remove every lower-priority pod, then reprieve the most important ones while the pod still fits', () => {
  const incoming = pod('incoming', { cpu: '2', priority: 10 });
  const high = pod('high', { cpu: '1', priority: 100 });
  const lowEarly = pod('low-early', { cpu: '1', priority: 1, started: '2024-01-01T09:00:00Z' });
  const lowLate = pod('low-late', { cpu: '1', priority: 1, started: '2024-01-01T10:00:00Z' });
  const lowest = pod('lowest', { cpu: '1', priority: 0 });

  it('keeps the earlier-started of two equal pods and evicts the rest, most important first', () =>
    // 4 cpu: high (1) stays; the incoming 2 leave room for one more: low-early is reprieved.
    expect(selectVictimsOnNode(incoming, on(node('n'), lowest, lowLate, high, lowEarly))).toEqual({ ok: true, victims: [lowLate, lowest] }));

  it('never takes pods of equal or higher priority', () => {
    const equal = pod('equal', { cpu: '3', priority: 10 });
    expect(selectVictimsOnNode(incoming, on(node('n'), equal, lowest))).toEqual({ ok: false, status: { code: 'unschedulable', reasons: ['Insufficient cpu'] } });
  });

  it('says there are no victims on a node without lower-priority pods', () =>
    expect(selectVictimsOnNode(incoming, on(node('n'), pod('peer', { cpu: '3', priority: 10 })))).toEqual({
      ok: false,
      status: { code: 'unresolvable', reasons: ['No preemption victims found for incoming pod'] },
    }));

  it('evicts a lower-priority pod holding the host port the pod needs', () => {
    const holder = pod('holder', { hostPorts: [{ hostPort: 9100 }], priority: 0 });
    const other = pod('other', { priority: 0 });
    expect(selectVictimsOnNode(pod('ds', { hostPorts: [{ hostPort: 9100 }], priority: 10 }), on(node('n'), other, holder))).toEqual({ ok: true, victims: [holder] });
  });

  it('a host port held by an equal-or-higher-priority pod cannot be freed', () => {
    const holder = pod('holder', { hostPorts: [{ hostPort: 9100 }], priority: 10 });
    expect(selectVictimsOnNode(pod('ds', { hostPorts: [{ hostPort: 9100 }], priority: 10 }), on(node('n'), holder, pod('low', { priority: 0 })))).toEqual({
      ok: false,
      status: { code: 'unschedulable', reasons: ["node(s) didn't have free ports for the requested pod ports"] },
    });
  });

  it('pods already being deleted are counted as gone but are not victims again', () => {
    const leaving = pod('leaving', { memory: '4Gi', priority: 0, deleting: true });
    const staying = pod('staying', { memory: '2Gi', priority: 0 });
    expect(selectVictimsOnNode(pod('p', { memory: '5Gi', priority: 10 }), on(node('n'), leaving, staying))).toEqual({ ok: true, victims: [] });
  });
});

describe('pickOneNodeForPreemption: lowest highest-victim priority, lowest priority sum, fewest victims, latest start, then the first', () => {
  const v = (name: string, priority: number, started = '2024-01-01T09:00:00Z') => pod(name, { priority, started });
  it('prefers the node whose most important victim has the lowest priority, even with more victims', () =>
    expect(pickOneNodeForPreemption([{ nodeName: 'a', victims: [v('a1', 5)] }, { nodeName: 'b', victims: [v('b1', 1), v('b2', 1)] }])?.nodeName).toBe('b'));
  it('then the lowest sum of priorities', () =>
    expect(pickOneNodeForPreemption([{ nodeName: 'a', victims: [v('a1', 3), v('a2', 3)] }, { nodeName: 'b', victims: [v('b1', 3), v('b2', 1)] }])?.nodeName).toBe('b'));
  it('then the fewest victims', () =>
    expect(pickOneNodeForPreemption([{ nodeName: 'a', victims: [v('a1', 0), v('a2', 0)] }, { nodeName: 'b', victims: [v('b1', 0)] }])?.nodeName).toBe('b'));
  it('then the node whose highest-priority victims started latest', () =>
    expect(
      pickOneNodeForPreemption([
        { nodeName: 'a', victims: [v('a1', 2, '2024-01-01T09:00:00Z')] },
        { nodeName: 'b', victims: [v('b1', 2, '2024-01-01T11:00:00Z')] },
      ])?.nodeName,
    ).toBe('b'));
  it('then the first candidate', () =>
    expect(pickOneNodeForPreemption([{ nodeName: 'a', victims: [v('a1', 2)] }, { nodeName: 'b', victims: [v('b1', 2)] }])?.nodeName).toBe('a'));
  it('a node with nothing left to evict wins at once', () =>
    expect(pickOneNodeForPreemption([{ nodeName: 'a', victims: [v('a1', -5)] }, { nodeName: 'b', victims: [] }])?.nodeName).toBe('b'));
  it('no candidates, no node', () => expect(pickOneNodeForPreemption([])).toBeUndefined());
});

describe('schedulePod preempts when the pod fits nowhere and lower-priority pods are in the way', () => {
  const low = (name: string, memory: string, started = '2024-01-01T09:00:00Z') => pod(name, { memory, priority: 0, started });

  it('evicts the fewest pods needed on the best node and reports the filter histogram', () => {
    const a1 = low('a1', '4Gi');
    const a2 = low('a2', '4Gi');
    const b1 = low('b1', '6Gi');
    const b2 = low('b2', '2Gi');
    const decision = schedulePod(pod('ds', { memory: '5Gi', priority: 1000 }), cluster(on(node('a'), a1, a2), on(node('b'), b1, b2)));
    // a: both must go (4+5 > 8 with either kept); b: b2 can stay (2+5 ≤ 8), only b1 goes.
    expect(decision).toEqual({ kind: 'preempt', nodeName: 'b', victims: [b1], message: '0/2 nodes are available: 2 Insufficient memory.' });
  });

  it('preempts nothing when preemptionPolicy is Never', () =>
    expect(schedulePod(pod('p', { memory: '5Gi', priority: 1000, preemptionPolicy: 'Never' }), cluster(on(node('a'), low('a1', '4Gi'))))).toEqual({
      kind: 'unschedulable',
      message: '0/1 nodes are available: 1 Insufficient memory. preemption: not eligible due to preemptionPolicy=Never.',
    }));

  it('does not try nodes whose failure removing pods cannot fix (taint, affinity, cordon)', () => {
    const tainted = node('t', { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] });
    expect(schedulePod(pod('p', { memory: '5Gi', priority: 1000 }), cluster(on(tainted, low('t1', '8Gi')), on(node('u', { unschedulable: true }), low('u1', '8Gi'))))).toEqual({
      kind: 'unschedulable',
      message:
        '0/2 nodes are available: 1 node(s) had untolerated taint {k: v}, 1 node(s) were unschedulable. ' +
        'preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    });
  });

  it('reports why preemption would not help on a node where even removing every lower pod is not enough', () => {
    const peer = pod('peer', { memory: '6Gi', priority: 1000 });
    expect(schedulePod(pod('p', { memory: '5Gi', priority: 1000 }), cluster(on(node('a'), peer, low('a1', '1Gi'))))).toEqual({
      kind: 'unschedulable',
      message: '0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 Insufficient memory.',
    });
  });

  it('nominates the node without new victims when the pods in the way are already being deleted', () =>
    expect(schedulePod(pod('p', { memory: '5Gi', priority: 1000 }), cluster(on(node('a'), pod('old', { memory: '4Gi', priority: 0, deleting: true }))))).toEqual({
      kind: 'preempt',
      nodeName: 'a',
      victims: [],
      message: '0/1 nodes are available: 1 Insufficient memory.',
    }));

  it('a pod nominated to a node where lower-priority pods are terminating waits for them', () =>
    expect(
      schedulePod(
        pod('p', { memory: '5Gi', priority: 1000, nominated: 'a' }),
        cluster(on(node('a'), pod('old', { memory: '4Gi', priority: 0, deleting: true }), low('other', '1Gi'))),
      ),
    ).toEqual({
      kind: 'unschedulable',
      message: '0/1 nodes are available: 1 Insufficient memory. preemption: not eligible due to a terminating pod on the nominated node.',
    }));

  it('a pod whose nominated node can no longer take it may preempt elsewhere', () => {
    const cordoned = node('a', { unschedulable: true });
    const b1 = low('b1', '4Gi');
    expect(
      schedulePod(pod('p', { memory: '5Gi', priority: 1000, nominated: 'a' }), cluster(on(cordoned, pod('old', { priority: 0, deleting: true })), on(node('b'), b1))),
    ).toEqual({ kind: 'preempt', nodeName: 'b', victims: [b1], message: '0/2 nodes are available: 1 Insufficient memory, 1 node(s) were unschedulable.' });
  });
});

describe('the dry run stops after 10% of the potential nodes (at least 100) are candidates, as upstream', () => {
  it('looks for at least 100 candidates, or every node when there are fewer', () => {
    expect(candidatesToFind(5)).toBe(5);
    expect(candidatesToFind(500)).toBe(100);
    expect(candidatesToFind(5000)).toBe(500);
  });
});
