import type { PodCondition, PodStatus } from '../api/types';
import type { ClusterEvent, PodCreated, PodOwnerChanged } from '../cluster/events';
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

type CompactPodCreated = { node?: string; nodeName?: string; hash?: string; ownerUid?: string; owner?: { uid?: string } };

export const createdPodFacts = (data: PodCreated['data']): CreatedPodFacts => {
  const pod = (data as { pod?: PodCreated['data']['pod'] }).pod;
  if (pod) {
    return {
      owner: controllerOf(pod)?.uid,
      node: podTargetNode(pod),
      hash: pod.metadata.labels?.['controller-revision-hash'],
    };
  }
  const c = data as unknown as CompactPodCreated;
  return { owner: c.ownerUid ?? c.owner?.uid, node: c.node ?? c.nodeName, hash: c.hash };
};

/** The new controlling owner's uid after a PodOwnerChanged (undefined: released, or owned by no controller). */
export const ownerAfter = (data: PodOwnerChanged['data']): string | undefined =>
  data.ownerReference?.controller === true ? data.ownerReference.uid : undefined;

export interface ReportedPodFacts {
  ready?: PodCondition;
  terminal: boolean;
}

export const reportedPodFacts = (status: PodStatus | undefined): ReportedPodFacts => ({
  ready: (status?.conditions ?? []).find((c) => c.type === 'Ready'),
  terminal: status?.phase === 'Succeeded' || status?.phase === 'Failed',
});
