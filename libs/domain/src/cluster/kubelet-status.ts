import type { ContainerStatus, Pod, PodCondition, PodStatus } from '../api/types';
import { sameJson } from './equality';

/**
 * What a (simulated) kubelet observed of one pod at one moment. Everything
 * else in the status it posts follows from this and the pod itself
 * (container names and images, uid), so the log records only this
 * (`PodStatusReported { kubelet }`) and the fold rebuilds the status with
 * `kubeletPodStatus`, the very function the kubelet builds its report with.
 */
export interface KubeletObservation {
  /** When (RFC 3339, whole seconds): the lastTransitionTime of every condition. */
  at: string;
  state: 'Waiting' | 'Running' | 'Failed';
  /** Running: the containers pass their readiness. Absent = false. */
  ready?: boolean;
  /** Waiting: ContainerCreating, ErrImagePull, ImagePullBackOff or CrashLoopBackOff, and its message. */
  reason?: string;
  message?: string;
  hostIP: string;
  podIP: string;
  /** When the containers first started; absent while they never have (startTime is then `at`). */
  startedAt?: string;
  /** Absent = 0. */
  restarts?: number;
}

/** The PodStatus a kubelet posts for an observation (field order as the API serves it). */
export const kubeletPodStatus = (pod: Pod, o: KubeletObservation): PodStatus => {
  const running = o.state === 'Running';
  const failed = o.state === 'Failed';
  const ready = running && o.ready === true;
  const cond = (type: string, ok: boolean): PodCondition => ({
    type,
    status: ok ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: o.at,
    ...(ok || type === 'PodScheduled' || type === 'Initialized'
      ? {}
      : { reason: 'ContainersNotReady', message: `containers with unready status: [${pod.spec.containers.map((c) => c.name).join(' ')}]` }),
  });
  const containerStatuses: ContainerStatus[] = pod.spec.containers.map((c) => ({
    name: c.name,
    image: c.image ?? '',
    imageID: running ? `${c.image}` : '',
    ready,
    restartCount: o.restarts ?? 0,
    started: running,
    state: failed
      ? { terminated: { exitCode: 1, reason: 'Error', startedAt: o.startedAt, finishedAt: o.at } }
      : running
        ? { running: { startedAt: o.startedAt } }
        : { waiting: { reason: o.reason, ...(o.message ? { message: o.message } : {}) } },
    ...(running ? { containerID: `containerd://${pod.metadata.uid!.replace(/-/g, '')}${c.name.length}` } : {}),
  }));
  const started = running || o.reason === 'CrashLoopBackOff';
  return {
    phase: failed ? 'Failed' : started ? 'Running' : 'Pending',
    ...(failed ? { reason: 'Error', message: 'the container exited with code 1' } : {}),
    conditions: [cond('PodReadyToStartContainers', true), cond('Initialized', true), cond('Ready', ready), cond('ContainersReady', ready), cond('PodScheduled', true)],
    hostIP: o.hostIP,
    hostIPs: [{ ip: o.hostIP }],
    podIP: o.podIP,
    podIPs: [{ ip: o.podIP }],
    startTime: o.startedAt ?? o.at,
    containerStatuses,
    qosClass: 'BestEffort',
  };
};

/**
 * The observation a reported status was built from, when `kubeletPodStatus`
 * rebuilds it exactly (key order included); `undefined` for any other status
 * (a user's PUT of pods/status, a real kubelet's richer report): those are
 * recorded whole.
 */
export const observedByKubelet = (pod: Pod, status: PodStatus): KubeletObservation | undefined => {
  const cs = status.containerStatuses?.[0];
  const at = status.conditions?.[0]?.lastTransitionTime;
  if (!cs || typeof at !== 'string' || !status.hostIP || !status.podIP || !pod.metadata.uid) return undefined;
  const state = status.phase === 'Failed' ? 'Failed' : cs.state?.running ? 'Running' : 'Waiting';
  const startedAt = cs.state?.running?.startedAt ?? cs.state?.terminated?.startedAt ?? (status.startTime !== at ? status.startTime : undefined);
  const o: KubeletObservation = {
    at,
    state,
    ...(state === 'Running' && cs.ready ? { ready: true } : {}),
    ...(state === 'Waiting' && cs.state?.waiting?.reason !== undefined ? { reason: cs.state.waiting.reason } : {}),
    ...(state === 'Waiting' && cs.state?.waiting?.message ? { message: cs.state.waiting.message } : {}),
    hostIP: status.hostIP,
    podIP: status.podIP,
    ...(typeof startedAt === 'string' ? { startedAt } : {}),
    ...(cs.restartCount ? { restarts: cs.restartCount } : {}),
  };
  return sameJson(kubeletPodStatus(pod, o), status) ? o : undefined;
};

/**
 * What a PodStatusReported says, in either recorded form (a kubelet's
 * observation or a whole status), for readers that follow reports without
 * folding pods (audits, timelines): the phase, the first waiting reason,
 * readiness, and whether every container runs.
 */
export const reportedPodState = (
  data: { kubelet: KubeletObservation; status?: undefined } | { status: PodStatus; kubelet?: undefined },
): { phase: string; waiting?: string; ready: boolean; running: boolean } => {
  if (data.kubelet) {
    const o = data.kubelet;
    const running = o.state === 'Running';
    return {
      phase: o.state === 'Failed' ? 'Failed' : running || o.reason === 'CrashLoopBackOff' ? 'Running' : 'Pending',
      ...(o.state === 'Waiting' && o.reason !== undefined ? { waiting: o.reason } : {}),
      ready: running && o.ready === true,
      running,
    };
  }
  const s = data.status;
  const waiting = s.containerStatuses?.find((c) => c.state?.waiting)?.state?.waiting?.reason;
  return {
    phase: s.phase ?? '',
    ...(waiting !== undefined ? { waiting } : {}),
    ready: s.conditions?.find((c) => c.type === 'Ready')?.status === 'True',
    running: Boolean(s.containerStatuses?.length && s.containerStatuses.every((c) => c.state?.running)),
  };
};
