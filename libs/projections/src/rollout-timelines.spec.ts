import type { DaemonSet, Pod, PodStatus } from '@daemonledger/domain/api/types';
import type { RecordedEvent } from '@daemonledger/event-store/event-store.port';
import { KEEP_TIMELINES, RolloutTimelines, statusProgress, type TimelineSource } from './rollout-timelines';

/**
 * The rollout timeline fold, driven by a scripted log: each event is applied
 * with the cluster as the projection would hold it right after that event
 * (a fake source the script updates), so these tests do not depend on how
 * pod payloads are stored.
 */
const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const UID = 'ds-uid';

const pod = (name: string, node: string, hash: string, extra: Partial<Pod['metadata']> = {}, status?: PodStatus): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'default',
    labels: { app: 'nginx-ds', 'controller-revision-hash': hash },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'nginx-ds', uid: UID, controller: true }],
    ...extra,
  },
  spec: { nodeName: node, containers: [{ name: 'nginx', image: hash === 'new' ? 'nginx:1.9.1' : 'nginx:1.7.9' }] },
  ...(status ? { status } : {}),
});

const creating: PodStatus = { phase: 'Pending', containerStatuses: [{ name: 'nginx', image: 'nginx:1.9.1', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] };
const ready: PodStatus = {
  phase: 'Running',
  conditions: [{ type: 'Ready', status: 'True' }],
  containerStatuses: [{ name: 'nginx', image: 'nginx:1.9.1', imageID: 'nginx:1.9.1', ready: true, restartCount: 0, started: true, state: { running: {} } }],
};
const pullFailed: PodStatus = {
  phase: 'Pending',
  containerStatuses: [{ name: 'nginx', image: 'nginx:1.91', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ErrImagePull', message: 'manifest unknown' } } }],
};

class Script implements TimelineSource {
  readonly timelines = new RolloutTimelines();
  readonly pods = new Map<string, Pod>();
  position = 0;
  minReadySeconds = 0;

  constructor(oldPods: string[]) {
    oldPods.forEach((n, i) => this.pods.set(`old-${i}`, pod(`old-${i}`, n, 'old')));
  }
  pod = (_ns: string, name: string) => this.pods.get(name);
  daemonSet = () => ({ spec: { minReadySeconds: this.minReadySeconds } }) as unknown as DaemonSet;
  podsForController = () => [...this.pods.values()];

  /** Appends one event at the next position, `seconds` after T0. */
  event(streamId: string, type: string, data: object, meta: { corr?: string; actor?: string; seconds?: number; podBefore?: Pod } = {}): number {
    const position = ++this.position;
    const e: RecordedEvent = {
      id: `e${position}`,
      type,
      schemaVersion: 1,
      data,
      streamId,
      revision: 0,
      position,
      recordedAt: new Date(T0 + (meta.seconds ?? position) * 1000).toISOString(),
      metadata: { correlationId: meta.corr ?? 'C', actor: meta.actor ?? 'daemonset-controller', wallTime: new Date(T0 + (meta.seconds ?? position) * 1000).toISOString() },
    };
    this.timelines.apply(e, this, meta.podBefore);
    return position;
  }
  podEvent(name: string, type: string, data: object, meta: Parameters<Script['event']>[3] = {}) {
    return this.event(`pod-default.${name}`, type, data, meta);
  }
  stop(name: string) {
    const p = this.pods.get(name)!;
    this.pods.set(name, { ...p, metadata: { ...p.metadata, deletionTimestamp: '2026-12-01T10:00:00Z' } });
    return this.podEvent(name, 'PodDeletionRequested', { deletionTimestamp: '', gracePeriodSeconds: 30, reason: 'rolling-update' });
  }
  gone(name: string) {
    const before = this.pods.get(name)!;
    this.pods.delete(name);
    return this.podEvent(name, 'PodDeleted', { reason: 'terminated' }, { actor: `node-agent:${before.spec.nodeName}`, podBefore: before });
  }
  create(name: string, node: string) {
    this.pods.set(name, pod(name, node, 'new'));
    const created = this.podEvent(name, 'PodCreated', {});
    this.podEvent(name, 'PodBound', { nodeName: node });
    return created;
  }
  report(name: string, status: PodStatus) {
    const p = this.pods.get(name)!;
    this.pods.set(name, { ...p, status });
    return this.podEvent(name, 'PodStatusReported', { status }, { actor: `node-agent:${p.spec.nodeName}` });
  }
  started(strategy = { maxUnavailable: 1, maxSurge: 0 }) {
    return this.event('rollout-default.nginx-ds-2', 'RolloutStarted', {
      daemonSet: 'nginx-ds', namespace: 'default', uid: UID, rollout: 2, generation: 2, fromRevision: 1, toRevision: 2, toHash: 'new',
      strategy: 'RollingUpdate', ...strategy, nodeCount: 3, changeCause: 'kubectl set image', requestedBy: 'user:admin',
    });
  }
  fact(type: string, counts: { updated: number; available: number; unavailable: number }, extra: object = {}) {
    return this.event('rollout-default.nginx-ds-2', type, { desired: 3, ...counts, created: [], deleted: [], ...extra });
  }
}

const stepsOf = (s: Script, node: string) =>
  s.timelines.get('default', 'nginx-ds-2')!.view().nodes().find((n) => n.node === node)?.steps.map((st) => `${st.step}@${st.position}`);

describe('rollout timelines: a RollingUpdate with maxUnavailable 1', () => {
  const s = new Script(['node-0', 'node-1', 'node-2']);
  s.event('daemonset-default.nginx-ds', 'DaemonSetSpecChanged', { templateChanged: true }, { actor: 'user:admin' }); // 1
  s.event('controllerrevision-default.nginx-ds-abc', 'ControllerRevisionCreated', {}); // 2
  s.stop('old-0'); // 3: the first sync acts before the tracker records RolloutStarted
  s.started(); // 4
  s.fact('RolloutProgressed', { updated: 0, available: 2, unavailable: 1 }); // 5: budget spent, node-1 and node-2 wait
  s.gone('old-0'); // 6
  s.create('new-0', 'node-0'); // 7, 8
  s.event('daemonset-default.other', 'DaemonSetStatusChanged', {}, { corr: 'someone-else' }); // 9
  s.report('new-0', creating); // 10
  s.report('new-0', ready); // 11
  s.stop('old-1'); // 12
  s.fact('RolloutProgressed', { updated: 1, available: 2, unavailable: 1 }); // 13

  it('records each node\'s steps in log order, with positions', () => {
    expect(stepsOf(s, 'node-0')).toEqual([
      'OldPodStopRequested@3', 'OldPodDeleted@6', 'NewPodCreated@7', 'Scheduled@8', 'Pulling@10', 'Pulled@11', 'Started@11', 'Ready@11', 'Available@11',
    ]);
  });

  it('derives a wait for maxUnavailable for every node the spent budget held back, ending with its stop', () => {
    expect(stepsOf(s, 'node-1')).toEqual(['WaitingForMaxUnavailable@5', 'OldPodStopRequested@12']);
    expect(stepsOf(s, 'node-2')).toEqual(['WaitingForMaxUnavailable@5']);
    const wait = s.timelines.get('default', 'nginx-ds-2')!.view().nodes()[2];
    expect(wait).toMatchObject({ node: 'node-2', oldPod: 'old-2', steps: [{ message: '1 unavailable, maxUnavailable 1', actor: 'daemonset-controller', time: '2026-12-01T10:00:05.000Z' }] });
  });

  it('names the pods and actors of a node', () => {
    const node0 = s.timelines.get('default', 'nginx-ds-2')!.view().nodes()[0];
    expect(node0).toMatchObject({ node: 'node-0', oldPod: 'old-0', newPod: 'new-0' });
    expect(node0.steps.find((x) => x.step === 'OldPodDeleted')!.actor).toBe('node-agent:node-0');
    expect(node0.steps.find((x) => x.step === 'NewPodCreated')!.message).toBe('nginx:1.9.1');
  });

  it('indexes every correlated event, the prelude before RolloutStarted included, as runs of positions', () => {
    const rec = s.timelines.get('default', 'nginx-ds-2')!;
    expect([...rec.runs.pairs()]).toEqual([[1, 8], [10, 4]]);
    expect(rec.runs.count).toBe(12);
    expect(rec.lastPosition).toBe(13);
  });

  it('tells watches which rollout a rollout-stream event changed, and only those', () => {
    expect(s.timelines.changedAt(13)?.summary.counts.updated).toBe(1);
    expect(s.timelines.changedAt(12)).toBeUndefined();
  });

  it('keeps the timeline as it was at an earlier step count (what a watch event shows)', () => {
    const rec = s.timelines.get('default', 'nginx-ds-2')!;
    const before = rec.view();
    s.report('new-0', creating); // 14: not ready any more
    s.report('new-0', ready); // 15: Ready again
    expect(before.nodes()[0].steps).toHaveLength(9);
    expect(stepsOf(s, 'node-0')!.slice(-2)).toEqual(['Ready@15', 'Available@15']);
  });

  it('survives a snapshot round trip unchanged, and keeps folding from it', () => {
    const restored = RolloutTimelines.fromSnapshot(JSON.parse(JSON.stringify(s.timelines.toSnapshot())));
    const a = s.timelines.get('default', 'nginx-ds-2')!.view();
    const b = restored.get('default', 'nginx-ds-2')!.view();
    expect(b.summary).toEqual(a.summary);
    expect(b.nodes()).toEqual(a.nodes());
    expect([...restored.get('default', 'nginx-ds-2')!.runs.pairs()]).toEqual([...s.timelines.get('default', 'nginx-ds-2')!.runs.pairs()]);
  });

  it('completes: state Complete with an end time', () => {
    s.fact('RolloutCompleted', { updated: 3, available: 3, unavailable: 0 });
    const { summary } = s.timelines.get('default', 'nginx-ds-2')!.view();
    expect(summary).toMatchObject({ state: 'Complete', counts: { desired: 3, updated: 3 }, endedAt: expect.any(String) });
  });
});

describe('rollout timelines: other paths', () => {
  it('minReadySeconds: Available comes once the pod has been ready that long, at the first later event', () => {
    const s = new Script(['node-0']);
    s.minReadySeconds = 10;
    s.event('daemonset-default.nginx-ds', 'DaemonSetSpecChanged', { templateChanged: true });
    s.started();
    s.stop('old-0');
    s.create('new-0', 'node-0');
    s.report('new-0', ready); // position 6, at T0+6s
    s.fact('RolloutProgressed', { updated: 1, available: 0, unavailable: 1 }); // 7, T0+7s: too early
    expect(stepsOf(s, 'node-0')).not.toContain('Available@7');
    s.event('rollout-default.nginx-ds-2', 'RolloutProgressed', { desired: 3, updated: 1, available: 1, unavailable: 0, created: [], deleted: [] }, { seconds: 17 });
    const available = s.timelines.get('default', 'nginx-ds-2')!.view().nodes()[0].steps.at(-1)!;
    expect(available).toMatchObject({ step: 'Available', position: 8, time: '2026-12-01T10:00:16.000Z' });
  });

  it('a pull failure is one PullFailed step with the kubelet\'s reason, and the stall is the rollout\'s message', () => {
    const s = new Script(['node-0', 'node-1']);
    s.event('daemonset-default.nginx-ds', 'DaemonSetSpecChanged', { templateChanged: true });
    s.started();
    s.stop('old-0');
    s.create('new-0', 'node-0');
    s.report('new-0', pullFailed);
    s.report('new-0', pullFailed);
    s.fact('RolloutStalled', { updated: 1, available: 1, unavailable: 1 }, { reason: 'ErrImagePull', message: '1 new pod(s) cannot start', pods: ['new-0'] });
    expect(stepsOf(s, 'node-0')).toEqual(['OldPodStopRequested@3', 'NewPodCreated@4', 'Scheduled@5', 'Pulling@6', 'PullFailed@6']);
    expect(stepsOf(s, 'node-1')).toEqual(['WaitingForMaxUnavailable@8']);
    const { summary } = s.timelines.get('default', 'nginx-ds-2')!.view();
    expect(summary).toMatchObject({ state: 'Stalled', message: '1 new pod(s) cannot start' });
  });

  it('maxSurge: nodes wait while as many new pods as maxSurge are not yet available', () => {
    const s = new Script(['node-0', 'node-1', 'node-2']);
    s.event('daemonset-default.nginx-ds', 'DaemonSetSpecChanged', { templateChanged: true });
    s.create('new-0', 'node-0'); // 2, 3: surge pod beside old-0
    s.started({ maxUnavailable: 0, maxSurge: 1 }); // 4
    s.fact('RolloutProgressed', { updated: 1, available: 3, unavailable: 0 }); // 5
    expect(stepsOf(s, 'node-1')).toEqual(['WaitingForMaxSurge@5']);
    expect(stepsOf(s, 'node-0')).toEqual(['NewPodCreated@2', 'Scheduled@3']);
  });

  it('an open rollout of a deleted DaemonSet ends there and says why', () => {
    const s = new Script(['node-0']);
    s.event('daemonset-default.nginx-ds', 'DaemonSetSpecChanged', { templateChanged: true });
    s.started();
    const deleted = s.event('daemonset-default.nginx-ds', 'DaemonSetDeleted', { uid: UID, propagationPolicy: 'Orphan' }, { corr: 'other' });
    const { summary, position } = s.timelines.get('default', 'nginx-ds-2')!.view();
    expect(summary).toMatchObject({ state: 'Progressing', message: 'the DaemonSet was deleted (propagation Orphan)', endedAt: '2026-12-01T10:00:03.000Z' });
    expect(position).toBe(deleted);
    expect(s.timelines.changedAt(deleted)?.summary.rollout).toBe(2);
  });

  it('keeps the per-node timeline of the newest rollouts of a DaemonSet only', () => {
    const s = new Script(['node-0']);
    for (let n = 1; n <= KEEP_TIMELINES + 1; n++) {
      s.event('daemonset-default.nginx-ds', 'DaemonSetSpecChanged', { templateChanged: true }, { corr: `C${n}` });
      s.event(`rollout-default.nginx-ds-${n}`, 'RolloutStarted', {
        daemonSet: 'nginx-ds', namespace: 'default', uid: UID, rollout: n, generation: n, fromRevision: null, toRevision: n, toHash: 'new',
        strategy: 'RollingUpdate', maxUnavailable: 1, maxSurge: 0, nodeCount: 1,
      }, { corr: `C${n}` });
      s.event(`rollout-default.nginx-ds-${n}`, 'RolloutProgressed', { desired: 1, updated: 0, available: 0, unavailable: 1, created: [], deleted: [] }, { corr: `C${n}` });
    }
    expect(s.timelines.get('default', 'nginx-ds-1')!.view().summary.timelinePruned).toBe(true);
    expect(s.timelines.get('default', 'nginx-ds-1')!.view().nodes()).toEqual([]);
    expect(s.timelines.get('default', 'nginx-ds-2')!.view().nodes()).toHaveLength(1);
    expect(s.timelines.list('default')).toHaveLength(KEEP_TIMELINES + 1);
  });

  it.each([
    ['creating', creating, { level: 1 }],
    ['ready', ready, { level: 4 }],
    ['pull failed', pullFailed, { level: 1, pullFailed: 'ErrImagePull: manifest unknown' }],
    ['failed', { phase: 'Failed', reason: 'Error' } as PodStatus, { level: 1, failed: 'phase Failed (Error)' }],
  ])('statusProgress: %s', (_name, status, expected) => expect(statusProgress(status)).toEqual(expected));
});
