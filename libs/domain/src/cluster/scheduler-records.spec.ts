import type { Pod, PodStatus } from '../api/types';
import type { PodEvent } from './events';
import { evolvePod } from './evolve';
import { kubeletPodStatus } from './kubelet-status';
import { decidePod, type PodCommand } from './pod.decider';

/** What the default scheduler records on pods: given a pod, when a command, then these events and this pod. */
const T0 = '2026-11-22T10:00:00Z';
const T1 = '2026-11-22T10:00:05Z';
const at = (now: string) => ({ now, newUid: 'unused' });
const pending: Pod = evolvePod(
  undefined,
  {
    type: 'PodCreated',
    data: {
      pod: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'agent-x', namespace: 'default', uid: 'agent-uid', creationTimestamp: T0 },
        spec: { containers: [{ name: 'c', image: 'nginx' }] },
        status: { phase: 'Pending' },
      },
    },
  },
  '1',
)!;

const run = (pod: Pod, cmd: PodCommand, now = T0): { events: PodEvent[]; pod: Pod } => {
  const events = decidePod(cmd, pod, at(now));
  return { events, pod: events.reduce<Pod>((p, e, i) => evolvePod(p, e, String(10 + i))!, pod) };
};
const scheduled = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'PodScheduled');
const MSG = '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.';

describe('an unschedulable pod: PodScheduled False, reason Unschedulable, the FitError message (as upstream)', () => {
  it('records the message and sets the condition', () => {
    const { events, pod } = run(pending, { type: 'MarkPodUnschedulable', message: MSG });
    expect(events).toEqual([{ type: 'PodUnschedulable', data: { message: MSG, at: T0 } }]);
    expect(pod.status).toEqual({
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: T0, reason: 'Unschedulable', message: MSG }],
    });
  });

  it('the same message again records nothing: a pending pod does not grow the log per retry', () => {
    const once = run(pending, { type: 'MarkPodUnschedulable', message: MSG }).pod;
    expect(run(once, { type: 'MarkPodUnschedulable', message: MSG }, T1).events).toEqual([]);
  });

  it('a new message replaces the condition and keeps when it turned False', () => {
    const once = run(pending, { type: 'MarkPodUnschedulable', message: MSG }).pod;
    const { events, pod } = run(once, { type: 'MarkPodUnschedulable', message: '0/1 nodes are available: 1 Too many pods.' }, T1);
    expect(events).toHaveLength(1);
    expect(pod.status?.conditions).toHaveLength(1);
    expect(scheduled(pod)).toMatchObject({ status: 'False', lastTransitionTime: T0, message: '0/1 nodes are available: 1 Too many pods.' });
  });

  it('a bound pod, or one being deleted, is no longer the scheduler\'s: nothing is recorded', () => {
    const bound = run(pending, { type: 'BindPod', nodeName: 'node-0' }).pod;
    expect(run(bound, { type: 'MarkPodUnschedulable', message: MSG }).events).toEqual([]);
    const deleting = run(pending, { type: 'RequestPodDeletion', reason: 'user' }).pod;
    expect(run(deleting, { type: 'MarkPodUnschedulable', message: MSG }).events).toEqual([]);
  });
});

describe('a nomination: status.nominatedNodeName, recorded with the attempt\'s message in one decision', () => {
  it('records PodNominated then PodUnschedulable, and neither again', () => {
    const { events, pod } = run(pending, { type: 'MarkPodUnschedulable', message: MSG, nominatedNodeName: 'node-0' });
    expect(events.map((e) => e.type)).toEqual(['PodNominated', 'PodUnschedulable']);
    expect(pod.status?.nominatedNodeName).toBe('node-0');
    expect(run(pod, { type: 'MarkPodUnschedulable', message: MSG, nominatedNodeName: 'node-0' }, T1).events).toEqual([]);
  });
});

describe('binding a pod the scheduler had found unschedulable turns PodScheduled True (upstream\'s binding)', () => {
  it('records the time with the binding and sets the condition True', () => {
    const unschedulable = run(pending, { type: 'MarkPodUnschedulable', message: MSG }).pod;
    const { events, pod } = run(unschedulable, { type: 'BindPod', nodeName: 'node-0' }, T1);
    expect(events).toEqual([{ type: 'PodBound', data: { nodeName: 'node-0', at: T1 } }]);
    expect(pod.spec.nodeName).toBe('node-0');
    expect(pod.status?.conditions).toEqual([{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: T1 }]);
  });

  it('a pod bound at its first attempt records the node only, as before', () => {
    expect(run(pending, { type: 'BindPod', nodeName: 'node-0' }).events).toEqual([{ type: 'PodBound', data: { nodeName: 'node-0' } }]);
  });
});

describe('a preemption victim: deletion with preemptedBy, DisruptionTarget PreemptionByScheduler (upstream)', () => {
  const running = run(pending, { type: 'BindPod', nodeName: 'node-0' }).pod;
  const preemptedBy = { namespace: 'kube-system', name: 'critical-abc', uid: 'critical-uid', nodeName: 'node-0' };

  it('records who it is evicted for and marks it as a disruption target', () => {
    const { events, pod } = run(running, { type: 'RequestPodDeletion', reason: 'preempted', preemptedBy }, T1);
    expect(events).toEqual([{ type: 'PodDeletionRequested', data: { deletionTimestamp: T1, gracePeriodSeconds: 30, reason: 'preempted', preemptedBy } }]);
    expect(pod.metadata.deletionTimestamp).toBe(T1);
    expect(pod.status?.conditions).toEqual([
      {
        type: 'DisruptionTarget',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: T1,
        reason: 'PreemptionByScheduler',
        message: 'default-scheduler: preempting to accommodate a higher priority pod',
      },
    ]);
  });

  it('any other deletion adds no condition', () => {
    expect(run(running, { type: 'RequestPodDeletion', reason: 'user' }).pod.status).toEqual(running.status);
  });

  it("a kubelet's report keeps the scheduler's DisruptionTarget and nominatedNodeName (the kubelet keeps conditions it does not own)", () => {
    const victim = run(running, { type: 'RequestPodDeletion', reason: 'preempted', preemptedBy }, T1).pod;
    const observation = { at: T1, state: 'Running' as const, ready: true, hostIP: '10.0.0.1', podIP: '10.244.0.5', startedAt: T0 };
    const reported: PodStatus = kubeletPodStatus(victim, observation);
    const { events, pod } = run(victim, { type: 'ReportPodStatus', status: reported }, T1);
    expect(events).toEqual([{ type: 'PodStatusReported', data: { kubelet: observation } }]);
    expect(pod.status?.conditions?.map((c) => c.type)).toEqual(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled', 'DisruptionTarget']);
    // The same report again is nothing new.
    expect(run(pod, { type: 'ReportPodStatus', status: reported }, T1).events).toEqual([]);
  });
});
