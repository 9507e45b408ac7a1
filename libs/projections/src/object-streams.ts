import { parseStreamId, revisionStream, type StreamKind } from '@daemonledger/domain/cluster/streams';
import type { RecordedEvent } from '@daemonledger/event-store/event-store.port';

/**
 * The stream kinds a past read of one resource must fold: its own, plus any
 * whose objects its fold looks up (a pod created compactly is rebuilt from
 * its ControllerRevision's template). `event`: the derived core/v1 Events,
 * made from pod and node events.
 */
export type ReadKind = StreamKind | 'event';

export const FOLD_KINDS: Record<ReadKind, readonly StreamKind[]> = {
  daemonset: ['daemonset'],
  pod: ['pod', 'controllerrevision'],
  controllerrevision: ['controllerrevision'],
  node: ['node'],
  // Rollout views may fold more than their own streams (a per-node timeline): the whole view until they say which.
  rollout: ['daemonset', 'pod', 'node', 'controllerrevision', 'rollout'],
  event: ['pod', 'node', 'controllerrevision'],
};

const REVISION_HASH_LABEL = 'controller-revision-hash';

interface PodCreatedData {
  pod?: { metadata?: { namespace?: string; labels?: Record<string, string>; ownerReferences?: { kind?: string; name?: string; controller?: boolean }[] } };
  /** Compact creations (issue #8 §2) may name their revision directly. */
  revision?: string;
  revisionName?: string;
  daemonSet?: string;
  hash?: string;
  revisionHash?: string;
}

/**
 * Besides an object's own stream, which streams a read of that object at a
 * past position must fold, given the events of its own stream. A pod needs
 * the ControllerRevision its creation refers to,
 * `controllerrevision-<ns>.<daemonset>-<hash>` (the DaemonSet controller
 * names revisions so, and labels its pods with the hash). Today's PodCreated
 * carries the whole pod, so the revision is not needed but is cheap to read;
 * compact creations depend on it.
 */
export const streamsNeededFor = (streamId: string, events: readonly RecordedEvent[]): string[] => {
  const ref = parseStreamId(streamId);
  if (ref?.kind !== 'pod') return [];
  const ns = ref.namespace ?? '';
  const out = new Set<string>();
  for (const e of events) {
    if (e.type !== 'PodCreated') continue;
    const d = e.data as PodCreatedData;
    const named = d.revisionName ?? d.revision;
    if (typeof named === 'string') {
      out.add(revisionStream(ns, named));
      continue;
    }
    const owner = d.pod?.metadata?.ownerReferences?.find((o) => o.controller && o.kind === 'DaemonSet')?.name ?? d.daemonSet;
    const hash = d.pod?.metadata?.labels?.[REVISION_HASH_LABEL] ?? d.revisionHash ?? d.hash;
    if (owner && hash) out.add(revisionStream(ns, `${owner}-${hash}`));
  }
  return [...out];
};
