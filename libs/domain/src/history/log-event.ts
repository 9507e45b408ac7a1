import type { PodCondition } from '../api/types';
import type { ClusterEvent, DaemonSetStatusChanged, PodCreated, PodOwnerChanged, PodStatusReported } from '../cluster/events';
import { controllerOf, podTargetNode } from '../controller/pods';
import { parseTime } from '../controller/time';

/**
 * One event as the log holds it, typed against the event union: what the
 * verifier folds. The event store's RecordedEvent has this shape once its
 * `type`/`data` are read as a ClusterEvent (an unknown type is simply skipped).
 */
export interface LogMetadata {
  actor?: string;
  wallTime?: string;
  correlationId?: string;
  [key: string]: unknown;
}

export type LoggedEvent = ClusterEvent & {
  position: number;
  streamId: string;
  revision: number;
  recordedAt: string;
  metadata: LogMetadata;
};

/** How a violation names the events around it. */
export interface EventRef {
  position: number;
  streamId: string;
  type: string;
  revision: number;
  time: string;
  actor?: string;
}

export const eventRef = (e: LoggedEvent): EventRef => ({
  position: e.position,
  streamId: e.streamId,
  type: e.type,
  revision: e.revision,
  time: e.metadata.wallTime ?? e.recordedAt,
  ...(e.metadata.actor !== undefined ? { actor: e.metadata.actor } : {}),
});

/** Domain time of an event (when it was decided), falling back to when the store took it; epoch ms. */
export const eventTime = (e: LoggedEvent): number => parseTime(e.metadata.wallTime ?? undefined) ?? parseTime(e.recordedAt) ?? 0;

// ── Pod facts ────────────────────────────────────────────────────────────────
// The verifier reads pods through these helpers only, so a change of what a
// PodCreated carries (a compact form: revision hash, node, name, uid) is one
// edit here.

export interface CreatedPodFacts {
  /** uid of the controlling DaemonSet (undefined: a pod without a controller). */
  owner?: string;
  /** Node the pod is pinned to (affinity) or bound to. */
  node?: string;
  /** controller-revision-hash the pod was built from. */
  hash?: string;
}

/**
 * What a PodCreated says of the pod, in either recorded form: the whole pod
 * (v1, and any pod not built by the controller), or the DaemonSet, node and
 * hash it was built from (v2; its owner is that DaemonSet, named in the pod's
 * namespace, whose uid `uidOf` knows).
 */
export const createdPodFacts = (data: PodCreated['data'], namespace: string, uidOf: (namespace: string, name: string) => string | undefined): CreatedPodFacts => {
  if (data.pod) return { owner: controllerOf(data.pod)?.uid, node: podTargetNode(data.pod), hash: data.pod.metadata.labels?.['controller-revision-hash'] };
  const ref = data.daemonPod;
  return { owner: uidOf(namespace, ref.daemonSet), node: ref.node, hash: ref.hash };
};

/** The new controlling owner's uid after a PodOwnerChanged (undefined: released, or owned by no controller). */
export const ownerAfter = (data: PodOwnerChanged['data']): string | undefined =>
  data.ownerReference?.controller === true ? data.ownerReference.uid : undefined;

export interface ReportedPodFacts {
  /** The Ready condition (its lastTransitionTime counts for minReadySeconds). */
  ready?: PodCondition;
  terminal: boolean;
}

/** What a PodStatusReported says of readiness and the end of the pod, in either recorded form (whole status, or a kubelet observation). */
export const reportedPodFacts = (data: PodStatusReported['data']): ReportedPodFacts => {
  const status = data.status;
  if (status) {
    return { ready: (status.conditions ?? []).find((c) => c.type === 'Ready'), terminal: status.phase === 'Succeeded' || status.phase === 'Failed' };
  }
  // Every condition of a kubelet's report changes at the observation's time (`kubeletPodStatus`).
  const o = data.kubelet;
  return { ready: { type: 'Ready', status: o.state === 'Running' && o.ready === true ? 'True' : 'False', lastTransitionTime: o.at }, terminal: o.state === 'Failed' };
};

/** desiredNumberScheduled after a DaemonSetStatusChanged, in either recorded form (whole status, or the fields that changed). */
export const desiredAfter = (data: DaemonSetStatusChanged['data'], before: number): number => {
  return data.status?.desiredNumberScheduled ?? data.changed?.desiredNumberScheduled ?? before;
};
