import { fitErrorMessage } from './fit-error';
import { leastAllocatedScore, nodeNamesFromAffinity, schedulePod } from './schedule';
import { cluster, node, on, pod } from './spec-builders';
import type { NodeState, SchedulingCluster } from './types';

describe('FailedScheduling text: upstream FitError, "0/N nodes are available: <histogram>." then the preemption part', () => {
  it('one node short of memory, nothing to preempt', () =>
    expect(schedulePod(pod('p', { memory: '5Gi' }), cluster(on(node('a'), pod('x', { memory: '4Gi' }))))).toEqual({
      kind: 'unschedulable',
      message: '0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    }));

  it('a request larger than the whole node: preemption is not helpful there', () =>
    expect(schedulePod(pod('p', { memory: '9Gi', priority: 100 }), cluster(on(node('a'), pod('x', { memory: '4Gi' }))))).toEqual({
      kind: 'unschedulable',
      message: '0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    }));

  it('orders the histogram as strings of "<count> <reason>"', () => {
    const states = [
      on(node('a'), pod('x', { memory: '7Gi' })),
      on(node('b'), pod('y', { memory: '7Gi' })),
      on(node('c'), pod('z', { memory: '7Gi' })),
      on(node('d', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] })),
      on(node('e', { unschedulable: true })),
    ];
    expect(schedulePod(pod('p', { memory: '2Gi' }), cluster(...states))).toEqual({
      kind: 'unschedulable',
      message:
        '0/5 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable, 3 Insufficient memory. ' +
        'preemption: 0/5 nodes are available: 2 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.',
    });
  });

  it('sorts counts as text, as Go sort.Strings does: "10 …" before "2 …"', () => {
    const nodeReasons = new Map<string, string[]>();
    for (let i = 0; i < 10; i++) nodeReasons.set(`n${i}`, ['Insufficient cpu']);
    nodeReasons.set('x', ['node(s) were unschedulable']);
    nodeReasons.set('y', ['node(s) were unschedulable']);
    expect(fitErrorMessage(12, { nodeReasons, absentReasons: [] })).toBe('0/12 nodes are available: 10 Insufficient cpu, 2 node(s) were unschedulable.');
  });

  it('counts every reason of a node that lacks several resources', () =>
    expect(schedulePod(pod('p', { cpu: '5', memory: '9Gi', preemptionPolicy: 'Never' }), cluster(on(node('a', { pods: '0' }))))).toEqual({
      kind: 'unschedulable',
      message: '0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 Too many pods. preemption: not eligible due to preemptionPolicy=Never.',
    }));

  it('a pinned pod reports the nodes the NodeAffinity PreFilter left out as not satisfying [NodeAffinity]', () =>
    expect(schedulePod(pod('ds-a', { pinnedTo: 'a', memory: '5Gi' }), cluster(on(node('a'), pod('x', { memory: '4Gi' })), on(node('b')), on(node('c'))))).toEqual({
      kind: 'unschedulable',
      message:
        "0/3 nodes are available: 1 Insufficient memory, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. " +
        'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
    }));

  it('a pod pinned to a node that does not exist: every node is left out', () =>
    expect(schedulePod(pod('ds-z', { pinnedTo: 'z' }), cluster(on(node('a')), on(node('b'))))).toEqual({
      kind: 'unschedulable',
      message:
        "0/2 nodes are available: 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
    }));

  it('contradictory name terms fail in the PreFilter, whose message replaces the histogram', () => {
    const p = pod('p', {
      spec: {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                {
                  matchFields: [
                    { key: 'metadata.name', operator: 'In', values: ['a'] },
                    { key: 'metadata.name', operator: 'In', values: ['b'] },
                  ],
                },
              ],
            },
          },
        },
      },
    });
    expect(schedulePod(p, cluster(on(node('a')), on(node('b'))))).toEqual({
      kind: 'unschedulable',
      message: '0/2 nodes are available: pod affinity terms conflict. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    });
  });

  it('an empty cluster: no nodes available', () =>
    expect(schedulePod(pod('p'), cluster())).toEqual({ kind: 'unschedulable', message: 'no nodes available to schedule pods' }));
});

describe('NodeAffinity PreFilter: only nodes named by matchFields metadata.name In are looked at', () => {
  it('takes the union over terms and the intersection within a term', () => {
    const p = pod('p', {
      spec: {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                {
                  matchFields: [
                    { key: 'metadata.name', operator: 'In', values: ['a', 'b'] },
                    { key: 'metadata.name', operator: 'In', values: ['b', 'c'] },
                  ],
                },
                { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['d'] }] },
              ],
            },
          },
        },
      },
    });
    expect(nodeNamesFromAffinity(p)).toEqual(new Set(['b', 'd']));
  });
  it('a term without a name requirement means every node', () => {
    const p = pod('p', {
      spec: {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }] },
                { matchExpressions: [{ key: 'zone', operator: 'Exists' }] },
              ],
            },
          },
        },
      },
    });
    expect(nodeNamesFromAffinity(p)).toBeUndefined();
    expect(nodeNamesFromAffinity(pod('p', { spec: { nodeSelector: { a: 'b' } } }))).toBeUndefined();
  });

  describe('a pinned daemon pod in a cluster of 10,000 nodes is evaluated on its node only', () => {
    const big = (pinnedState: (n: ReturnType<typeof node>) => NodeState) => {
      const states = new Map<string, NodeState>();
      for (let i = 0; i < 10_000; i++) {
        const n = node(`node-${i}`);
        states.set(n.metadata.name!, i === 4242 ? pinnedState(n) : on(n));
      }
      const calls: string[] = [];
      const nodeNames = jest.fn(() => states.keys());
      const c: SchedulingCluster = {
        nodeCount: states.size,
        nodeNames,
        nodeState: (name) => {
          calls.push(name);
          return states.get(name);
        },
      };
      return { c, calls, nodeNames };
    };

    it('binds it after one look-up, without listing the nodes', () => {
      const { c, calls, nodeNames } = big((n) => on(n));
      expect(schedulePod(pod('ds-4242', { pinnedTo: 'node-4242', memory: '1Gi' }), c)).toEqual({ kind: 'bind', nodeName: 'node-4242' });
      expect(calls).toEqual(['node-4242']);
      expect(nodeNames).not.toHaveBeenCalled();
    });

    it('preempts on its node after one look-up', () => {
      const low = pod('low', { memory: '8Gi', priority: 0 });
      const { c, calls, nodeNames } = big((n) => on(n, low));
      const decision = schedulePod(pod('ds-4242', { pinnedTo: 'node-4242', memory: '1Gi', priority: 2_000_001_000 }), c);
      expect(decision).toEqual({
        kind: 'preempt',
        nodeName: 'node-4242',
        victims: [low],
        message: "0/10000 nodes are available: 1 Insufficient memory, 9999 node(s) didn't satisfy plugin(s) [NodeAffinity].",
      });
      expect(calls).toEqual(['node-4242']);
      expect(nodeNames).not.toHaveBeenCalled();
    });
  });
});

describe('choosing among the nodes that fit: the least allocated (cpu and memory share left free), ties by name', () => {
  it('prefers the emptier node', () =>
    expect(schedulePod(pod('p', { cpu: '1', memory: '1Gi' }), cluster(on(node('a'), pod('x', { cpu: '2', memory: '4Gi' })), on(node('b'))))).toEqual({
      kind: 'bind',
      nodeName: 'b',
    }));
  it('breaks a tie by node name', () =>
    expect(schedulePod(pod('p', { cpu: '1' }), cluster(on(node('b')), on(node('a'))))).toEqual({ kind: 'bind', nodeName: 'a' }));
  it('spreads pods that request nothing, counting them as 100m / 200Mi', () =>
    expect(schedulePod(pod('p'), cluster(on(node('a'), pod('x')), on(node('b'))))).toEqual({ kind: 'bind', nodeName: 'b' }));
  it('scores on a 0–100 scale averaged over cpu and memory', () => {
    // cpu: (4000-1000)*100/4000 = 75; memory: (8Gi-2Gi)*100/8Gi = 75.
    expect(leastAllocatedScore(pod('p', { cpu: '1', memory: '2Gi' }), on(node('n')))).toBe(75);
  });
  it('skips nodes that do not fit', () =>
    expect(schedulePod(pod('p', { memory: '5Gi' }), cluster(on(node('a'), pod('x', { memory: '4Gi' })), on(node('z'))))).toEqual({
      kind: 'bind',
      nodeName: 'z',
    }));
  it('takes the nominated node first when the pod fits there', () =>
    expect(schedulePod(pod('p', { nominated: 'b' }), cluster(on(node('a')), on(node('b'), pod('x', { cpu: '3' }))))).toEqual({
      kind: 'bind',
      nodeName: 'b',
    }));
  it('looks each node up once per attempt', () => {
    const c = cluster(on(node('a')), on(node('b')), on(node('c')));
    schedulePod(pod('p', { nominated: 'b', memory: '9Gi' }), c);
    expect([...c.lookups.values()]).toEqual([1, 1, 1]);
  });
});
