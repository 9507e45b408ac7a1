import { daemonSetStream, parseStreamId, revisionStream, STORED_STREAM_KINDS, type StoredStreamKind, type StreamKind } from '@daemonledger/domain/cluster/streams';
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
  // A compact PodCreated is rebuilt from the DaemonSet version it names.
  pod: ['pod', 'controllerrevision', 'daemonset'],
  controllerrevision: ['controllerrevision'],
  node: ['node'],
  // Rollout views may fold more than their own streams (a per-node timeline): the whole view until they say which.
  rollout: ['daemonset', 'pod', 'node', 'controllerrevision', 'rollout'],
  event: ['pod', 'node', 'controllerrevision', 'daemonset'],
  // Stored objects (namespaces, configmaps, …) are folded from their own streams alone.
  ...(Object.fromEntries(STORED_STREAM_KINDS.map((k) => [k, [k]])) as unknown as Record<StoredStreamKind, readonly StreamKind[]>),
};

/**
 * Whether a past read of this kind serves what the view derives across
 * streams (Events, rollout timelines; undefined: the whole view). Reads of
 * the logged objects themselves fold a view without them (ClusterView `derived`).
 */
export const readsDerived = (readKind: ReadKind | undefined): boolean => readKind === undefined || readKind === 'event' || readKind === 'rollout';

/** The snapshot parts that only a view keeping derived state restores (a lean view would leave them stale). */
export const DERIVED_PARTS: readonly string[] = ['podIndex', 'events', 'rolloutTimelines', 'serviceEndpoints'];

const REVISION_HASH_LABEL = 'controller-revision-hash';

interface PodCreatedData {
  /** v2: a daemon pod, rebuilt from the version of its DaemonSet it names. */
  daemonPod?: { daemonSet: string; version: number; hash: string };
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
 * past position must fold, given the events of its own stream. A daemon pod
 * recorded compactly (v2) is rebuilt from the DaemonSet version it names, so
 * it needs the DaemonSet's stream; a pod recorded whole (v1, or a user's
 * pod) needs nothing, but its ControllerRevision
 * (`controllerrevision-<ns>.<daemonset>-<hash>`) is read too, cheap, for
 * folds that look it up.
 */
export const streamsNeededFor = (streamId: string, events: readonly RecordedEvent[]): string[] => {
  const ref = parseStreamId(streamId);
  if (ref?.kind !== 'pod') return [];
  const ns = ref.namespace ?? '';
  const out = new Set<string>();
  for (const e of events) {
    if (e.type !== 'PodCreated') continue;
    const d = e.data as PodCreatedData;
    if (d.daemonPod) {
      out.add(daemonSetStream(ns, d.daemonPod.daemonSet));
      continue;
    }
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
