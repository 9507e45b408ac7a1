import type { DaemonSet, Pod } from '../api/types';
import { newDaemonPod, podTargetNode } from '../controller/pods';
import { parseTime } from '../controller/time';
import { sameJson } from './equality';

/**
 * A daemon pod as the log records it: what it was built from, not the pod.
 * The pod is `newDaemonPod` of that DaemonSet version for that node, with
 * this uid, revision hash and creation time: the fold rebuilds it exactly.
 */
export interface DaemonPodRef {
  /** The owning DaemonSet (same namespace as the pod). */
  daemonSet: string;
  /** The resourceVersion of the DaemonSet the controller built the pod from. */
  version: number;
  node: string;
  uid: string;
  /** The controller-revision-hash label: the ControllerRevision the pod belongs to. */
  hash: string;
  /** creationTimestamp (RFC 3339, whole seconds). */
  created: string;
  /** The priority the controller resolved for the pod (issue 11 §2); absent in pods built before priorities (none then). */
  priority?: ResolvedPriority;
}

/** What priority resolution gave a pod: `spec.priority`, `spec.preemptionPolicy` and the class named (or the global default's). */
export interface ResolvedPriority {
  value: number;
  preemptionPolicy: string;
  className?: string;
}

/**
 * The spec with a resolved priority, laid out as the Priority admission
 * plugin leaves it (`resolvePodPriority`): priorityClassName (when there is
 * one), priority and preemptionPolicy last. Both the controller and the fold
 * build daemon pods with it, so the rebuild is exact.
 */
export const withResolvedPriority = <S extends { priorityClassName?: string; priority?: number; preemptionPolicy?: string }>(spec: S, p: ResolvedPriority): S => {
  const { priorityClassName: _name, priority: _value, preemptionPolicy: _policy, ...rest } = spec;
  return { ...rest, ...(p.className ? { priorityClassName: p.className } : {}), priority: p.value, preemptionPolicy: p.preemptionPolicy } as S;
};

/** What the controller tells the pod decider about a pod it built with `newDaemonPod`. */
export interface DaemonPodSource {
  daemonSet: DaemonSet;
  nodeName: string;
  hash: string;
  /** The priority resolved for the pod, when it was (see `withResolvedPriority`). */
  priority?: ResolvedPriority;
}

/** Finds the DaemonSet `name` of `namespace` as it was at `version` (what the fold keeps for this). */
export type DaemonSetAt = (namespace: string, name: string, version: number) => DaemonSet | undefined;

/**
 * `newDaemonPod` of the DaemonSet version for the ref's node, with its name,
 * uid, hash and creation time, and the priority resolved then: the same JSON,
 * key order included. The parts the pods of one version have in common are
 * shared (`daemonTemplatePod`): a fold of a rollout rebuilds thousands.
 */
export const rebuildDaemonPod = (ref: DaemonPodRef, ds: DaemonSet, podName: string): Pod => {
  const pod = newDaemonPod(ds, ref.node, { name: podName, uid: ref.uid, hash: ref.hash, now: parseTime(ref.created) ?? 0 });
  return ref.priority ? { ...pod, spec: withResolvedPriority(pod.spec, ref.priority) } : pod;
};

/**
 * The reference that rebuilds `pod` exactly (key order included) from its
 * source, or `undefined` when it would not (the pod is then recorded whole).
 */
export const daemonPodRef = (pod: Pod, source: DaemonPodSource): DaemonPodRef | undefined => {
  const version = Number(source.daemonSet.metadata.resourceVersion);
  const { uid, creationTimestamp, name } = pod.metadata;
  if (!Number.isSafeInteger(version) || !uid || !creationTimestamp || !name || !source.daemonSet.metadata.name) return undefined;
  const ref: DaemonPodRef = {
    daemonSet: source.daemonSet.metadata.name,
    version,
    node: source.nodeName,
    uid,
    hash: source.hash,
    created: creationTimestamp,
    ...(source.priority ? { priority: source.priority } : {}),
  };
  return sameJson(rebuildDaemonPod(ref, source.daemonSet, name), pod) ? ref : undefined;
};

/** The node a PodCreated meant the pod for, in either recorded form (readers that do not fold pods). */
export const podCreatedNode = (data: { daemonPod: DaemonPodRef; pod?: undefined } | { pod: Pod; daemonPod?: undefined }): string | undefined =>
  data.daemonPod ? data.daemonPod.node : podTargetNode(data.pod);
