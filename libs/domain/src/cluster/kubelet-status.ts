import type { ContainerStatus, Pod, PodCondition, PodStatus, VolumeMountStatus } from '../api/types';
import { sameJson } from './equality';
import { containerID, imageID } from './kubelet-images';

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
  /**
   * Killed (v3): the kubelet stopped the containers of a pod being deleted
   * (pkg/kubelet/kuberuntime killContainersWithSyncResult): each terminated,
   * exit code 0, `Completed`, not ready; the phase stays Running until the pod is gone,
   * so kubectl shows `0/1 Terminating`.
   */
  state: 'Waiting' | 'Running' | 'Failed' | 'Killed';
  /** Running: the containers pass their readiness. Absent = false. */
  ready?: boolean;
  /** Waiting: ContainerCreating, ErrImagePull, ImagePullBackOff or CrashLoopBackOff, and its message. */
  reason?: string;
  message?: string;
  hostIP: string;
  /** Absent (v3) while the sandbox is not up: no podIP, PodReadyToStartContainers False (upstream sets both once RunPodSandbox returned). */
  podIP?: string;
  /** When the containers first started; absent while they never have (startTime is then `at`). */
  startedAt?: string;
  /** Absent = 0. */
  restarts?: number;
  /**
   * v3, on the report that starts the containers: per container, how long its
   * image pull took (ms), or null when the image was already present. Not in
   * the status: the kube-events projection reads it for the Pulling/Pulled events.
   */
  pulls?: (number | null)[];
  /** Recorded by a v2 kubelet (set by the v2→v3 upcaster): its status had the ids of then (imageID = the image, a short containerID). */
  legacy?: true;
}

/** The ids a v2 kubelet gave: kept so that old logs fold to the statuses they recorded. */
const legacyIds = (pod: Pod, c: { name: string; image?: string }) => ({
  imageID: `${c.image}`,
  containerID: `containerd://${pod.metadata.uid!.replace(/-/g, '')}${c.name.length}`,
});

/** The PodStatus a kubelet posts for an observation (field order as the API serves it). */
const mountStatus = (m: { name: string; mountPath: string; readOnly?: boolean }): VolumeMountStatus => ({
  name: m.name,
  mountPath: m.mountPath,
  ...(m.readOnly ? { readOnly: true, recursiveReadOnly: 'Disabled' } : {}),
});

export const kubeletPodStatus = (pod: Pod, o: KubeletObservation): PodStatus => {
  const running = o.state === 'Running';
  const failed = o.state === 'Failed';
  const ready = running && o.ready === true;
  const cond = (type: string, ok: boolean): PodCondition => ({
    type,
    status: ok ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: o.at,
    ...(ok || type === 'PodScheduled' || type === 'Initialized' || type === 'PodReadyToStartContainers'
      ? {}
      : { reason: 'ContainersNotReady', message: `containers with unready status: [${pod.spec.containers.map((c) => c.name).join(' ')}]` }),
  });
  const killed = o.state === 'Killed';
  // A failed container ran too: it has its ids (a v2 kubelet gave it none).
  const ran = running || killed || (failed && !o.legacy);
  const containerStatuses: ContainerStatus[] = pod.spec.containers.map((c) => {
    const ids = o.legacy ? legacyIds(pod, c) : { imageID: imageID(c.image ?? ''), containerID: containerID(pod.metadata.uid!, c.name, o.restarts ?? 0) };
    return {
      name: c.name,
      image: c.image ?? '',
      imageID: ran ? ids.imageID : '',
      ready,
      restartCount: o.restarts ?? 0,
      started: running,
      state: failed
        ? { terminated: { exitCode: 1, reason: 'Error', startedAt: o.startedAt, finishedAt: o.at, ...(o.legacy ? {} : { containerID: ids.containerID }) } }
        : killed
          ? { terminated: { exitCode: 0, reason: 'Completed', startedAt: o.startedAt, finishedAt: o.at, containerID: ids.containerID } }
          : running
            ? { running: { startedAt: o.startedAt } }
            : { waiting: { reason: o.reason, ...(o.message ? { message: o.message } : {}) } },
      ...(ran ? { containerID: ids.containerID } : {}),
      // A v3 kubelet's report, as a v1.32 kubelet gives it: no previous termination (`lastState: {}`, which
      // Go always prints), and its mounts (read-only ones with recursiveReadOnly Disabled: convertToAPIContainerStatuses).
      ...(o.legacy ? {} : { lastState: {}, ...(c.volumeMounts?.length ? { volumeMounts: c.volumeMounts.map(mountStatus) } : {}) }),
    };
  });
  const started = running || killed || o.reason === 'CrashLoopBackOff';
  return {
    phase: failed ? 'Failed' : started ? 'Running' : 'Pending',
    ...(failed ? { reason: 'Error', message: 'the container exited with code 1' } : {}),
    conditions: [
      cond('PodReadyToStartContainers', o.podIP !== undefined),
      cond('Initialized', true),
      cond('Ready', ready),
      cond('ContainersReady', ready),
      cond('PodScheduled', true),
    ],
    hostIP: o.hostIP,
    hostIPs: [{ ip: o.hostIP }],
    ...(o.podIP !== undefined ? { podIP: o.podIP, podIPs: [{ ip: o.podIP }] } : {}),
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
export const observedByKubelet = (pod: Pod, status: PodStatus, pulls?: (number | null)[]): KubeletObservation | undefined => {
  const cs = status.containerStatuses?.[0];
  const at = status.conditions?.[0]?.lastTransitionTime;
  if (!cs || typeof at !== 'string' || !status.hostIP || !pod.metadata.uid) return undefined;
  const terminated = cs.state?.terminated;
  const state = status.phase === 'Failed' ? 'Failed' : cs.state?.running ? 'Running' : terminated?.reason === 'Completed' ? 'Killed' : 'Waiting';
  const startedAt = cs.state?.running?.startedAt ?? terminated?.startedAt ?? (status.startTime !== at ? status.startTime : undefined);
  const o: KubeletObservation = {
    at,
    state,
    ...(state === 'Running' && cs.ready ? { ready: true } : {}),
    ...(state === 'Waiting' && cs.state?.waiting?.reason !== undefined ? { reason: cs.state.waiting.reason } : {}),
    ...(state === 'Waiting' && cs.state?.waiting?.message ? { message: cs.state.waiting.message } : {}),
    hostIP: status.hostIP,
    ...(status.podIP ? { podIP: status.podIP } : {}),
    ...(typeof startedAt === 'string' ? { startedAt } : {}),
    ...(cs.restartCount ? { restarts: cs.restartCount } : {}),
    ...(state === 'Running' && pulls?.length === pod.spec.containers.length ? { pulls } : {}),
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
      phase: o.state === 'Failed' ? 'Failed' : running || o.state === 'Killed' || o.reason === 'CrashLoopBackOff' ? 'Running' : 'Pending',
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
