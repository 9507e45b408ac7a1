import type { RolloutRecordView, RolloutSummary } from '@daemonledger/projections';
import { toTable } from '../wire';
import { wireJson } from '../http/wire-json';
import { matches, parseListOptions } from './list-options';
import { ROLLOUTS_RESOURCE, rolloutObject } from './rollouts.resource';

const summary = (over: Partial<RolloutSummary> = {}): RolloutSummary => ({
  streamId: 'rollout-default.nginx-ds-2',
  namespace: 'default',
  daemonSet: 'nginx-ds',
  rollout: 2,
  correlationId: 'corr',
  started: {
    daemonSet: 'nginx-ds', namespace: 'default', uid: 'ds-uid', rollout: 2, generation: 2, fromRevision: 1, toRevision: 2, toHash: 'abc',
    strategy: 'RollingUpdate', maxUnavailable: 1, maxSurge: 0, nodeCount: 3, changeCause: 'kubectl set image', requestedBy: 'user:admin',
  },
  minReadySeconds: 0,
  state: 'Complete',
  counts: { desired: 3, updated: 3, available: 3, unavailable: 0 },
  startedAt: '2026-12-01T10:00:00.500Z',
  endedAt: '2026-12-01T10:01:30.000Z',
  startPosition: 100,
  factPosition: 180,
  ...over,
});

const view = (s: RolloutSummary, rendered = { count: 0 }): RolloutRecordView => ({
  summary: s,
  position: 181,
  nodes: () => {
    rendered.count++;
    return [{ node: 'node-0', oldPod: 'nginx-ds-old', newPod: 'nginx-ds-new', steps: [{ step: 'OldPodStopRequested', time: '2026-12-01T10:00:01.000Z', position: 101, actor: 'daemonset-controller' }] }];
  },
});

describe('rollouts resource', () => {
  it('renders the shared shape: name <daemonset>-<n>, the DaemonSet label, resourceVersion the last change', () => {
    const o = JSON.parse(wireJson(rolloutObject(view(summary()))));
    expect(o).toEqual({
      apiVersion: 'ledger.daemonledger.io/v1',
      kind: 'Rollout',
      metadata: {
        name: 'nginx-ds-2', namespace: 'default', uid: expect.stringMatching(/^[0-9a-f]{8}-/), resourceVersion: '181',
        creationTimestamp: '2026-12-01T10:00:00Z', labels: { 'ledger.daemonledger.io/daemonset': 'nginx-ds' },
      },
      spec: {
        daemonSet: 'nginx-ds', daemonSetUID: 'ds-uid', rollout: 2, fromRevision: 1, toRevision: 2, toHash: 'abc', strategy: 'RollingUpdate',
        maxUnavailable: 1, maxSurge: 0, nodeCount: 3, changeCause: 'kubectl set image', requestedBy: 'user:admin',
      },
      status: {
        state: 'Complete', desired: 3, updated: 3, available: 3, unavailable: 0, startedAt: '2026-12-01T10:00:00.500Z', endedAt: '2026-12-01T10:01:30.000Z',
        startPosition: 100, lastPosition: 181,
        nodes: [{ node: 'node-0', oldPod: 'nginx-ds-old', newPod: 'nginx-ds-new', steps: [{ step: 'OldPodStopRequested', time: '2026-12-01T10:00:01.000Z', position: 101, actor: 'daemonset-controller' }] }],
      },
    });
    expect(rolloutObject(view(summary())).metadata.uid).toBe(rolloutObject(view(summary({ state: 'Progressing' }))).metadata.uid);
  });

  it('prints the Table row without building the per-node timeline', () => {
    const rendered = { count: 0 };
    const table = toTable('rollouts', [rolloutObject(view(summary(), rendered))], { now: new Date('2026-12-01T10:05:00.500Z') });
    expect(table.columnDefinitions!.map((c) => c.name)).toEqual(['Name', 'DaemonSet', 'From', 'To', 'State', 'Updated', 'Started', 'Duration', 'By', 'Cause']);
    expect(table.rows[0].cells).toEqual(['nginx-ds-2', 'nginx-ds', 1, 2, 'Complete', '3/3', '5m', '89s', 'user:admin', 'kubectl set image']);
    expect(rendered.count).toBe(0);
  });

  it('prints <none> for a first rollout, and a running one\'s duration up to now', () => {
    const first = summary({ started: { ...summary().started, fromRevision: null, requestedBy: undefined, changeCause: undefined }, state: 'Progressing', endedAt: undefined });
    const table = toTable('rollouts', [rolloutObject(view(first))], { now: new Date('2026-12-01T10:00:30.500Z') });
    expect(table.rows[0].cells).toEqual(['nginx-ds-2', 'nginx-ds', '<none>', 2, 'Progressing', '3/3', '30s', '30s', '<none>', '<none>']);
  });

  it('a pruned rollout says so instead of listing nodes', () => {
    const o = rolloutObject(view(summary({ timelinePruned: true })));
    expect(o.status.nodesPruned).toBe(true);
    expect(o.status).not.toHaveProperty('nodes');
  });

  it.each([
    ['labelSelector', 'ledger.daemonledger.io/daemonset=nginx-ds', true],
    ['labelSelector', 'ledger.daemonledger.io/daemonset=other', false],
    ['fieldSelector', 'status.state=Complete', true],
    ['fieldSelector', 'spec.daemonSet=other', false],
    ['fieldSelector', 'metadata.name=nginx-ds-2', true],
  ])('selects with %s %s → %s', (param, value, expected) => {
    const options = parseListOptions({ [param]: value }, ROLLOUTS_RESOURCE);
    expect(matches(ROLLOUTS_RESOURCE, options, rolloutObject(view(summary())))).toBe(expected);
  });

  it('refuses a field selector on a field it does not index', () => {
    expect(() => parseListOptions({ fieldSelector: 'spec.toHash=abc' }, ROLLOUTS_RESOURCE)).toThrow(/field label not supported/);
  });
});
