import type { DaemonSet, Pod } from '@daemonledger/domain/api/types';
import type { PodEvent } from '@daemonledger/domain/cluster/events';
import { evolvePod } from '@daemonledger/domain/cluster/evolve';
import { podStream } from '@daemonledger/domain/cluster/streams';
import { MERGE_PATCH, NODES_API, PODS_API } from '../src/api/local-api';
import { SchedulerService } from '../src/scheduling';
import { startHarness, type Harness } from './harness';

/**
 * The default scheduler in the whole loop, on a real SQLite log (issue 11
 * §1–§3): one simulated node of 4 CPUs; pods that do not fit stay Pending
 * with upstream's FailedScheduling text, recorded once; room appearing binds
 * them; a higher-priority daemon pod preempts lower ones; a pod naming
 * another scheduler is left alone.
 */
const IMAGE = 'nginx:1.25';
const PRIORITY_CLASSES_API = { group: 'scheduling.k8s.io', resource: 'priorityclasses' };

const aDaemonSet = (name: string, cpu: string, o: { priorityClassName?: string; schedulerName?: string } = {}): DaemonSet =>
  ({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: 'c', image: IMAGE, resources: { requests: { cpu } } }],
          ...(o.priorityClassName ? { priorityClassName: o.priorityClassName } : {}),
          ...(o.schedulerName ? { schedulerName: o.schedulerName } : {}),
        },
      },
    },
  }) as DaemonSet;

const aPod = (name: string, cpu: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', image: IMAGE, resources: { requests: { cpu } } }] },
});

const scheduledCondition = (p: Pod | undefined) => p?.status?.conditions?.find((c) => c.type === 'PodScheduled');
const running = (p: Pod | undefined) => p?.status?.phase === 'Running';

describe('the default scheduler (embedded, SQLite)', () => {
  let h: Harness;
  afterEach(async () => h?.dispose());

  const podsOf = (ds: string) => h.pods().filter((p) => p.metadata.labels?.app === ds);
  const eventsOf = (name: string, reason: string) => h.state.view.events.list('default').filter((e) => e.involvedObject.name === name && e.reason === reason);
  const logOf = async (name: string) => (await h.store.readStream(podStream('default', name))).map((e) => e.type);

  it('a pod that does not fit stays Pending with the FailedScheduling text, recorded once; it binds when room appears', async () => {
    h = await startHarness({ nodes: 1 });
    await h.settle();
    // Pods of a user (no nodeName): the scheduler places them too.
    await h.writes.create(PODS_API, 'default', aPod('filler-a', '1500m'), { user: 'test' });
    await h.writes.create(PODS_API, 'default', aPod('filler-b', '1500m'), { user: 'test' });
    await h.until(() => running(h.state.view.pod('default', 'filler-a')) && running(h.state.view.pod('default', 'filler-b')));
    expect(h.state.view.pod('default', 'filler-a')!.spec.nodeName).toBe('node-0');

    await h.apply(aDaemonSet('agent', '2'));
    await h.until(() => podsOf('agent').length === 1 && scheduledCondition(podsOf('agent')[0])?.status === 'False');
    const pending = podsOf('agent')[0];
    const name = pending.metadata.name!;
    expect(pending.spec.nodeName).toBeUndefined();
    expect(pending.status?.phase).toBe('Pending');
    const message = scheduledCondition(pending)!.message!;
    expect(message).toMatch(/^0\/1 nodes are available: 1 Insufficient cpu\. preemption: 0\/1 nodes are available: 1 No preemption victims found for incoming pod\.$/);
    expect(scheduledCondition(pending)).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    // Upstream's DaemonSet controller counts the pod it created, scheduled or not.
    expect(h.ds('agent')!.status).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 1, numberReady: 0 });

    // Retries (a node change wakes every pending pod of the node) record nothing new.
    const attempts = h.app.get(SchedulerService).attempts;
    await h.writes.patch(NODES_API, '', 'node-0', { metadata: { labels: { retry: 'please' } } }, { user: 'test', ...MERGE_PATCH });
    await h.settle();
    expect(h.app.get(SchedulerService).attempts).toBeGreaterThan(attempts);
    expect((await logOf(name)).filter((t) => t === 'PodUnschedulable')).toHaveLength(1);
    const failed = eventsOf(name, 'FailedScheduling');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ type: 'Warning', message, count: 1, source: { component: 'default-scheduler' } });

    // Room appears: the pending daemon pod binds and runs.
    await h.writes.delete(PODS_API, 'default', 'filler-a', {}, { user: 'test' });
    await h.until(() => running(h.state.view.pod('default', name)));
    const bound = h.state.view.pod('default', name)!;
    expect(bound.spec.nodeName).toBe('node-0');
    expect(scheduledCondition(bound)?.status).toBe('True');
    expect(eventsOf(name, 'Scheduled')[0]).toMatchObject({ message: `Successfully assigned default/${name} to node-0` });
  }, 30_000);

  it('a higher-priority daemon pod preempts lower ones: victims evicted for it, nominated, then bound', async () => {
    h = await startHarness({ nodes: 1, podStopMs: 300 });
    await h.settle();
    await h.writes.create(PODS_API, 'default', aPod('filler', '1500m'), { user: 'test' });
    await h.apply(aDaemonSet('agent', '2'));
    await h.until(() => running(h.state.view.pod('default', 'filler')) && podsOf('agent').some(running));
    const victim = podsOf('agent')[0];

    // 1500m + 2000m used of 4: a 2500m pod fits only without the 2000m one (the filler is reprieved).
    await h.writes.create(PRIORITY_CLASSES_API, '', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 }, { user: 'test' });
    await h.apply(aDaemonSet('critical', '2500m', { priorityClassName: 'high' }));
    await h.until(() => podsOf('critical').some(running));
    const critical = podsOf('critical')[0];
    expect(critical.spec).toMatchObject({ nodeName: 'node-0', priorityClassName: 'high', priority: 1000, preemptionPolicy: 'PreemptLowerPriority' });
    expect(critical.status?.nominatedNodeName).toBe('node-0');
    // Nominated with the failed attempt, bound once the victim was gone.
    const criticalLog = (await logOf(critical.metadata.name!)).filter((t) => t !== 'PodStatusReported');
    expect(criticalLog.slice(0, 3)).toEqual(['PodCreated', 'PodNominated', 'PodUnschedulable']);
    expect(criticalLog[criticalLog.length - 1]).toBe('PodBound');

    // The victim: the log says which pod it was evicted for; it was marked and told, as upstream does.
    const victimName = victim.metadata.name!;
    const victimLog = await h.store.readStream(podStream('default', victimName));
    const at = victimLog.findIndex((e) => e.type === 'PodDeletionRequested');
    expect(victimLog[at].data).toMatchObject({ reason: 'preempted', preemptedBy: { namespace: 'default', name: critical.metadata.name, uid: critical.metadata.uid, nodeName: 'node-0' } });
    expect(victimLog[at].metadata.actor).toBe('default-scheduler');
    expect(victimLog.map((e) => e.type)).toContain('PodDeleted');
    const context = { namespace: 'default', name: victimName, daemonSetAt: h.state.view.daemonSetAt };
    const evicted = victimLog.slice(0, at + 1).reduce<Pod | undefined>((pod, e) => evolvePod(pod, e as unknown as PodEvent, String(e.position), context), undefined)!;
    expect(evicted.status?.conditions?.find((c) => c.type === 'DisruptionTarget')).toMatchObject({
      status: 'True',
      reason: 'PreemptionByScheduler',
      message: 'default-scheduler: preempting to accommodate a higher priority pod',
    });
    expect(eventsOf(victimName, 'Preempted')[0]).toMatchObject({
      type: 'Normal',
      message: `Preempted by pod ${critical.metadata.uid} on node node-0`,
      source: { component: 'default-scheduler' },
    });
    // The filler was reprieved: removing the daemon pod alone made room.
    expect(h.state.view.pod('default', 'filler')!.metadata.deletionTimestamp).toBeUndefined();
    // The agent's replacement (priority 0) does not fit and has no one to preempt: Pending.
    await h.until(() => podsOf('agent').some((p) => scheduledCondition(p)?.status === 'False'));
    expect(podsOf('agent').filter((p) => p.spec.nodeName)).toEqual([]);
  }, 30_000);

  it('a pod naming another scheduler stays Pending with no event from the default scheduler (issue 11 §3)', async () => {
    h = await startHarness({ nodes: 1 });
    await h.apply(aDaemonSet('custom', '100m', { schedulerName: 'other' }));
    await h.until(() => podsOf('custom').length === 1);
    await h.settle();
    const pod = podsOf('custom')[0];
    expect(pod.spec.nodeName).toBeUndefined();
    expect(pod.status).toEqual({ phase: 'Pending' });
    expect(h.state.view.events.list('default').filter((e) => e.involvedObject.name === pod.metadata.name && e.source.component === 'default-scheduler')).toEqual([]);
    expect(await logOf(pod.metadata.name!)).toEqual(['PodCreated']);
    expect(h.ds('custom')!.status).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 1, numberReady: 0 });
  }, 30_000);
});
