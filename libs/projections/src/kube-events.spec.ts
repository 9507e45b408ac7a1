import type { Pod } from '@daemonledger/domain/api/types';
import { evolvePod } from '@daemonledger/domain/cluster/evolve';
import type { PodEvent } from '@daemonledger/domain/cluster/events';
import { imageSizeBytes } from '@daemonledger/domain/cluster/kubelet-images';
import type { KubeletObservation } from '@daemonledger/domain/cluster/kubelet-status';
import type { RecordedEvent } from '@daemonledger/event-store/event-store.port';
import { KubeEvents } from './kube-events';

/** One pod's log replayed into the kubelet's events: the fold makes the pods, KubeEvents tells the events. */
const replay = (steps: { at: string; event: PodEvent }[]) => {
  const events = new KubeEvents();
  let pod: Pod | undefined = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'nginx-ds-6fggj', namespace: 'default', uid: 'uid-1' },
    spec: { nodeName: 'node-1', containers: [{ name: 'nginx-ds', image: 'nginx:1.9.1' }] },
  };
  steps.forEach(({ at, event }, i) => {
    const before = pod;
    pod = evolvePod(pod, event, String(i + 1));
    const recorded: RecordedEvent = { id: `e${i}`, type: event.type, schemaVersion: 3, data: event.data, metadata: { wallTime: at }, streamId: 'pod-default.nginx-ds-6fggj', revision: i, position: i + 1, recordedAt: at };
    events.record(recorded, before, pod);
  });
  return events.list().map((e) => [e.reason, e.message, e.firstTimestamp]);
};
const T = (s: number) => `2026-12-03T09:00:0${s}Z`;
const node = { hostIP: '10.0.0.3' };
const report = (at: string, o: Omit<KubeletObservation, 'at' | 'hostIP'>): { at: string; event: PodEvent } => ({ at, event: { type: 'PodStatusReported', data: { kubelet: { at, ...node, ...o } } } });
const creating = report(T(0), { state: 'Waiting', reason: 'ContainerCreating' });
const sandboxUp = report(T(1), { state: 'Waiting', reason: 'ContainerCreating', podIP: '10.244.1.5' });
const running = (pulls: (number | null)[]) => report(T(3), { state: 'Running', ready: true, podIP: '10.244.1.5', startedAt: T(3), pulls });
const deletion = (at: string): { at: string; event: PodEvent } => ({ at, event: { type: 'PodDeletionRequested', data: { deletionTimestamp: at, gracePeriodSeconds: 30, reason: 'user' } as never } });

describe('the kubelet’s events (pkg/kubelet/events, images/image_manager.go)', () => {
  it('a pulled image: Pulling when the pull began, Pulled with its duration and size, then Created and Started', () => {
    expect(replay([creating, sandboxUp, running([1500])])).toEqual([
      ['Pulling', 'Pulling image "nginx:1.9.1"', '2026-12-03T09:00:01Z'],
      ['Pulled', `Successfully pulled image "nginx:1.9.1" in 1.5s (1.5s including waiting). Image size: ${imageSizeBytes('nginx:1.9.1')} bytes.`, T(3)],
      ['Created', 'Created container: nginx-ds', T(3)],
      ['Started', 'Started container nginx-ds', T(3)],
    ]);
  });

  it('an image already present: Pulled "already present on machine", no Pulling', () => {
    expect(replay([creating, sandboxUp, running([null])]).map(([r, m]) => [r, m])).toEqual([
      ['Pulled', 'Container image "nginx:1.9.1" already present on machine'],
      ['Created', 'Created container: nginx-ds'],
      ['Started', 'Started container nginx-ds'],
    ]);
  });

  it('a running container is killed on deletion: Killing', () => {
    expect(replay([creating, sandboxUp, running([null]), deletion(T(5))]).map(([r]) => r)).toContain('Killing');
  });

  it('a container that never started gets no Killing (deleted while its image was pulling)', () => {
    expect(replay([creating, sandboxUp, deletion(T(2))]).map(([r]) => r)).not.toContain('Killing');
  });

  it('a report recorded by a v2 kubelet keeps the events it always made (Pulling at ContainerCreating)', () => {
    const legacy = (s: { at: string; event: PodEvent }) => {
      const data = s.event.data as { kubelet: KubeletObservation };
      return { ...s, event: { type: 'PodStatusReported', data: { kubelet: { ...data.kubelet, podIP: '10.244.1.5', legacy: true } } } as PodEvent };
    };
    expect(replay([legacy(creating), legacy(report(T(3), { state: 'Running', ready: true, startedAt: T(3) }))]).map(([r, m]) => [r, m])).toEqual([
      ['Pulling', 'Pulling image "nginx:1.9.1"'],
      ['Pulled', 'Successfully pulled image "nginx:1.9.1"'],
      ['Created', 'Created container: nginx-ds'],
      ['Started', 'Started container nginx-ds'],
    ]);
  });
});
