import type { Pod } from '../api/types';
import { evolvePod } from './evolve';
import { containerID, imageID } from './kubelet-images';
import { type KubeletObservation, kubeletPodStatus, observedByKubelet, reportedPodState } from './kubelet-status';
import { decidePod } from './pod.decider';
import { EVENT_UPCASTERS, upcastPodStatusReportedV2 } from './upcasters';

const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'nginx-ds-slv2f', namespace: 'default', uid: '6f1c2a9e-0b7d-4c43-9a51-2f0e6d1b7c10' },
  spec: { nodeName: 'node-1', containers: [{ name: 'nginx-ds', image: 'nginx:1.9.1' }] },
};
const base = { hostIP: '10.0.0.3', podIP: '10.244.1.5', startedAt: '2026-12-03T09:00:02Z' };
const cond = (o: KubeletObservation, type: string) => kubeletPodStatus(pod, o).conditions?.find((c) => c.type === type);

describe('a terminating pod goes not ready first (Killed)', () => {
  const killed: KubeletObservation = { at: '2026-12-03T09:01:00Z', state: 'Killed', ...base };
  const status = kubeletPodStatus(pod, killed);

  it('Ready and ContainersReady turn False, the container not ready', () => {
    expect(cond(killed, 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady' });
    expect(cond(killed, 'ContainersReady')).toMatchObject({ status: 'False' });
    expect(status.containerStatuses?.[0]).toMatchObject({ ready: false, started: false });
  });

  it('the container is terminated as a killed container reports: Completed, exit code 0', () => {
    expect(status.containerStatuses?.[0].state).toEqual({
      terminated: { exitCode: 0, reason: 'Completed', startedAt: base.startedAt, finishedAt: killed.at, containerID: containerID(pod.metadata.uid!, 'nginx-ds') },
    });
  });

  it('the phase stays Running (kubectl prints 0/1 Terminating, not Completed)', () => {
    expect(status.phase).toBe('Running');
    expect(reportedPodState({ kubelet: killed })).toEqual({ phase: 'Running', ready: false, running: false });
  });

  it('is recorded as the observation, which folds back to the same status', () => {
    expect(observedByKubelet(pod, status)).toEqual(killed);
    const running = evolvePod(pod, { type: 'PodStatusReported', data: { kubelet: { ...killed, state: 'Running', ready: true } } }, '2')!;
    const [event] = decidePod({ type: 'ReportPodStatus', status }, running, { now: killed.at, newUid: 'x' });
    expect(event).toEqual({ type: 'PodStatusReported', data: { kubelet: killed } });
    expect(evolvePod(running, event, '3')!.status).toEqual(status);
  });
});

describe('pod IP only after the sandbox', () => {
  const creating: KubeletObservation = { at: '2026-12-03T09:00:00Z', state: 'Waiting', reason: 'ContainerCreating', hostIP: base.hostIP };

  it('before the sandbox: no podIP nor podIPs, PodReadyToStartContainers False', () => {
    const status = kubeletPodStatus(pod, creating);
    expect(status).not.toHaveProperty('podIP');
    expect(status).not.toHaveProperty('podIPs');
    expect(cond(creating, 'PodReadyToStartContainers')).toEqual({ type: 'PodReadyToStartContainers', status: 'False', lastProbeTime: null, lastTransitionTime: creating.at });
    expect(observedByKubelet(pod, status)).toEqual(creating);
  });

  it('with the sandbox up: the IP, PodReadyToStartContainers True, still ContainerCreating', () => {
    const up = { ...creating, podIP: base.podIP };
    const status = kubeletPodStatus(pod, up);
    expect(status).toMatchObject({ podIP: base.podIP, podIPs: [{ ip: base.podIP }], phase: 'Pending' });
    expect(cond(up, 'PodReadyToStartContainers')?.status).toBe('True');
    expect(observedByKubelet(pod, status)).toEqual(up);
  });
});

describe('runtime ids in a running container’s status', () => {
  const running: KubeletObservation = { at: '2026-12-03T09:00:02Z', state: 'Running', ready: true, ...base };

  it('imageID <repo>@sha256:<64 hex>, containerID containerd://<64 hex>', () => {
    const cs = kubeletPodStatus(pod, running).containerStatuses![0];
    expect(cs.imageID).toBe(imageID('nginx:1.9.1'));
    expect(cs.imageID).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    expect(cs.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
  });

  it('a failed container has its ids too (a v2 report had none)', () => {
    const failed: KubeletObservation = { at: '2026-12-03T09:00:05Z', state: 'Failed', ...base };
    const cs = kubeletPodStatus(pod, failed).containerStatuses![0];
    expect(cs.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(cs.state?.terminated).toMatchObject({ exitCode: 1, reason: 'Error', containerID: cs.containerID });
    expect(observedByKubelet(pod, kubeletPodStatus(pod, failed))).toEqual(failed);
    const legacy = kubeletPodStatus(pod, { ...failed, legacy: true }).containerStatuses![0];
    expect(legacy).not.toHaveProperty('containerID');
    expect(legacy.imageID).toBe('');
  });

  it('the pulls of the starting report are recorded with the observation', () => {
    const status = kubeletPodStatus(pod, running);
    expect(observedByKubelet(pod, status, [null])).toEqual({ ...running, pulls: [null] });
    expect(observedByKubelet(pod, status, [1200])).toEqual({ ...running, pulls: [1200] });
    // One per container, or none.
    expect(observedByKubelet(pod, status, [1, 2])).toEqual(running);
  });

  it('a v2 report (recorded before runtime ids) still folds to the status it recorded', () => {
    expect(EVENT_UPCASTERS.some((u) => u.type === 'PodStatusReported' && u.fromVersion === 2)).toBe(true);
    const v2 = { kubelet: running };
    const v3 = upcastPodStatusReportedV2(v2) as { kubelet: KubeletObservation };
    const cs = kubeletPodStatus(pod, v3.kubelet).containerStatuses![0];
    expect(cs.imageID).toBe('nginx:1.9.1');
    expect(cs.containerID).toBe('containerd://6f1c2a9e0b7d4c439a512f0e6d1b7c108');
    expect(upcastPodStatusReportedV2({ status: { phase: 'Running' } })).toEqual({ status: { phase: 'Running' } });
  });
});
