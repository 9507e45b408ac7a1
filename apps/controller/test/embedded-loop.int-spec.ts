import { CHANGE_CAUSE_ANNOTATION } from '@daemonledger/domain/cluster/daemon-set.decider';
import { renderMetrics } from '../src/api/metrics';
import { ControllerMetrics } from '../src/metrics/controller-metrics';
import { startHarness, manifest, type Harness } from './harness';

const hashOf = (p: { metadata: { labels?: Record<string, string> } }) => p.metadata.labels?.['controller-revision-hash'];
const ready = (p: { status?: { conditions?: { type: string; status: string }[] } }) =>
  p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

describe('the whole loop on a real SQLite log (embedded mode)', () => {
  let h: Harness;
  afterEach(async () => h?.dispose());

  it('runs one ready daemon pod per node, rolls out a new image, and undoes it with revision renumbering', async () => {
    h = await startHarness({ nodes: 4 });
    await h.settle();
    expect(h.state.view.nodes.size).toBe(4);

    await h.apply(manifest('nginx-ds.yaml'));
    await h.settle();
    let pods = h.pods();
    expect(pods).toHaveLength(4);
    expect(new Set(pods.map((p) => p.spec.nodeName))).toEqual(new Set(['node-0', 'node-1', 'node-2', 'node-3']));
    expect(pods.every(ready)).toBe(true);
    const ds = h.ds('nginx-ds')!;
    expect(ds.status).toMatchObject({ desiredNumberScheduled: 4, currentNumberScheduled: 4, numberReady: 4, updatedNumberScheduled: 4, numberAvailable: 4, observedGeneration: 1 });
    const events = h.state.view.events.list('default');
    const forDs = events.filter((e) => e.involvedObject.kind === 'DaemonSet' && e.involvedObject.name === 'nginx-ds');
    expect(forDs.map((e) => e.reason)).toEqual(['SuccessfulCreate', 'SuccessfulCreate', 'SuccessfulCreate', 'SuccessfulCreate']);
    expect(forDs[0]).toMatchObject({ type: 'Normal', source: { component: 'daemonset-controller' }, count: 1 });
    expect(forDs.map((e) => e.message).sort()).toEqual(pods.map((p) => `Created pod: ${p.metadata.name}`).sort());
    expect(events.filter((e) => e.reason === 'Scheduled')).toHaveLength(4);
    expect(events.filter((e) => e.reason === 'Started')).toHaveLength(4);
    const metrics = renderMetrics(h.state.view, h.app.get(ControllerMetrics));
    expect(metrics).toContain('kube_daemonset_status_desired_number_scheduled{namespace="default",daemonset="nginx-ds"} 4');
    expect(metrics).toContain('kube_daemonset_status_number_available{namespace="default",daemonset="nginx-ds"} 4');
    expect(metrics).toMatch(/^daemonledger_reconcile_duration_seconds_count [1-9]\d*$/m);
    expect(metrics).toContain(`daemonledger_log_head_position ${h.state.view.position}`);
    const rev1 = h.state.view.revisionsIn('default');
    expect(rev1.map((r) => r.revision)).toEqual([1]);

    await h.writes.setImage('default', 'nginx-ds', { '*': 'nginx:1.9.1' }, { user: 'test', changeCause: 'kubectl set image ds/nginx-ds nginx=nginx:1.9.1 --record=true' });
    await h.settle();
    pods = h.pods();
    expect(pods).toHaveLength(4);
    expect(pods.every((p) => p.spec.containers[0].image === 'nginx:1.9.1' && ready(p))).toBe(true);
    expect(h.ds('nginx-ds')!.metadata.annotations![CHANGE_CAUSE_ANNOTATION]).toContain('set image');
    expect(h.state.view.revisionsIn('default').map((r) => r.revision).sort()).toEqual([1, 2]);

    await h.writes.rolloutUndo('default', 'nginx-ds', 0, { user: 'test' });
    await h.settle();
    const revs = h.state.view.revisionsIn('default').sort((a, b) => a.revision - b.revision);
    // seed: "revision 1 becomes revision 3"
    expect(revs.map((r) => r.revision)).toEqual([2, 3]);
    const current = revs[1];
    pods = h.pods();
    expect(pods.every((p) => hashOf(p) === current.metadata.labels!['controller-revision-hash'] && ready(p))).toBe(true);
    expect(pods.every((p) => p.spec.containers[0].image !== 'nginx:1.9.1')).toBe(true);

    const rollouts = h.state.view.rolloutsOf('default', 'nginx-ds');
    expect(rollouts.map((r) => [r.rollout, r.state, r.started.fromRevision, r.started.toRevision])).toEqual([
      [1, 'completed', null, 1],
      [2, 'completed', 1, 2],
      [3, 'completed', 2, 3],
    ]);
  }, 30_000);

  it('the nginx:1.91 typo stalls the rollout at maxUnavailable; undo recovers it', async () => {
    h = await startHarness({ nodes: 5 });
    await h.apply(manifest('nginx-ds.yaml'));
    await h.settle();
    await h.writes.setImage('default', 'nginx-ds', { '*': 'nginx:1.91' }, { user: 'test' });
    await h.settle();
    await new Promise((r) => setTimeout(r, 200));
    await h.settle();
    const pods = h.pods();
    const bad = pods.filter((p) => p.spec.containers[0].image === 'nginx:1.91');
    expect(bad).toHaveLength(1); // maxUnavailable 1: one node replaced, its new pod cannot pull
    expect(pods.filter((p) => ready(p))).toHaveLength(4);
    const waiting = bad[0].status?.containerStatuses?.[0].state?.waiting?.reason;
    expect(['ErrImagePull', 'ImagePullBackOff']).toContain(waiting);
    const rollout = h.state.view.rolloutsOf('default', 'nginx-ds').at(-1)!;
    expect(rollout.state).toBe('stalled');
    const failed = h.state.view.events.list('default').filter((e) => e.involvedObject.name === bad[0].metadata.name && e.type === 'Warning');
    expect(failed.map((e) => e.message)).toEqual(expect.arrayContaining(['Error: ErrImagePull']));

    await h.writes.rolloutUndo('default', 'nginx-ds', 0, { user: 'test' });
    await h.settle();
    const after = h.pods();
    expect(after).toHaveLength(5);
    expect(after.every((p) => ready(p) && p.spec.containers[0].image !== 'nginx:1.91')).toBe(true);
    expect(h.state.view.rolloutsOf('default', 'nginx-ds').map((r) => r.state)).toEqual(['completed', 'superseded', 'completed']);
  }, 30_000);
});
