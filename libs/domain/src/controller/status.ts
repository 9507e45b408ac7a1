/**
 * DaemonSet status (spec §6.5) and a rollout summary for audit events.
 */
import type { ControllerRevision, DaemonSet, DaemonSetStatus, Node, Pod } from '../api/types';
import { claimPods } from './claims';
import { compareDaemonPods, isPodAvailable, isPodDeleting, isPodReady, isPodUpdated, podTargetNode } from './pods';
import { revisionHash, revisionMatches, templateHash } from './revisions';
import type { EpochMs } from './time';
import { buildView, nodeName, nodeToDaemonPods, type SyncView } from './view';

export interface StatusCounters {
  readonly desiredNumberScheduled: number;
  readonly currentNumberScheduled: number;
  readonly numberMisscheduled: number;
  readonly numberReady: number;
  readonly updatedNumberScheduled: number;
  readonly numberAvailable: number;
  readonly numberUnavailable: number;
}

/** What one node adds to the status counters (each 0 or 1). */
export interface NodeStatusShare {
  readonly desired: number;
  readonly current: number;
  readonly misscheduled: number;
  readonly ready: number;
  readonly available: number;
  readonly updated: number;
}

const NO_SHARE: NodeStatusShare = { desired: 0, current: 0, misscheduled: 0, ready: 0, available: 0, updated: 0 };

/** A node's share: a desired node is represented by its oldest pod (so a node mid-surge shows the old pod). */
export const nodeStatusShare = (view: Pick<SyncView, 'hash' | 'generation' | 'minReadySeconds' | 'now'>, shouldRun: boolean, pods: readonly Pod[] | undefined): NodeStatusShare => {
  const n = pods?.length ?? 0;
  if (!shouldRun) return n > 0 ? MISSCHEDULED : NO_SHARE;
  if (n === 0) return DESIRED_ONLY;
  const pod = n === 1 ? pods![0] : [...pods!].sort(compareDaemonPods)[0];
  const ready = isPodReady(pod);
  const available = ready && isPodAvailable(pod, view.minReadySeconds, view.now);
  // One shared object per combination: the incremental planner keeps a share per node.
  return RUNNING[(ready ? 1 : 0) + (available ? 2 : 0) + (isPodUpdated(pod, view.hash, view.generation) ? 4 : 0)];
};

const MISSCHEDULED: NodeStatusShare = { ...NO_SHARE, misscheduled: 1 };
const DESIRED_ONLY: NodeStatusShare = { ...NO_SHARE, desired: 1 };
const RUNNING: readonly NodeStatusShare[] = Array.from({ length: 8 }, (_, bits) => ({
  ...NO_SHARE,
  desired: 1,
  current: 1,
  ready: bits & 1,
  available: (bits >> 1) & 1,
  updated: (bits >> 2) & 1,
}));

/** The counters from the sums of the nodes' shares. */
export const countersOf = (sum: NodeStatusShare): StatusCounters => ({
  desiredNumberScheduled: sum.desired,
  currentNumberScheduled: sum.current,
  numberMisscheduled: sum.misscheduled,
  numberReady: sum.ready,
  updatedNumberScheduled: sum.updated,
  numberAvailable: sum.available,
  numberUnavailable: sum.desired - sum.available,
});

/** `updateDaemonSetStatus` counters over the node list only (pods on vanished nodes never count). */
export const statusCounters = (view: SyncView, claimed: readonly Pod[]): StatusCounters => {
  const map = nodeToDaemonPods(claimed);
  const sum = { ...NO_SHARE };
  for (const name of view.names) {
    const share = nodeStatusShare(view, view.eligibility.get(name)!.shouldRun, map.get(name));
    for (const k of SHARE_KEYS) sum[k] += share[k];
  }
  return countersOf(sum);
};

export const SHARE_KEYS = ['desired', 'current', 'misscheduled', 'ready', 'available', 'updated'] as const;

const COUNTER_KEYS = [
  'desiredNumberScheduled',
  'currentNumberScheduled',
  'numberMisscheduled',
  'numberReady',
  'updatedNumberScheduled',
  'numberAvailable',
  'numberUnavailable',
] as const;

/**
 * The status to write and whether upstream would write it (`storeDaemonSetStatus` skips the write
 * when all seven counters are unchanged and observedGeneration ≥ generation).
 */
export const nextStatus = (ds: DaemonSet, counters: StatusCounters, updateObservedGeneration: boolean): { status: DaemonSetStatus; changed: boolean } => {
  const old = ds.status;
  const generation = ds.metadata.generation ?? 0;
  const unchanged = COUNTER_KEYS.every((k) => (old?.[k] ?? 0) === counters[k]) && (old?.observedGeneration ?? 0) >= generation;
  const observedGeneration = updateObservedGeneration ? generation : old?.observedGeneration;
  const status: DaemonSetStatus = {
    ...(old ?? {}),
    ...counters,
    ...(observedGeneration !== undefined ? { observedGeneration } : {}),
  };
  return { status, changed: !unchanged };
};

export interface RolloutProgress {
  /** Nodes that should run a daemon pod. */
  readonly desired: number;
  /** Desired nodes with a non-deleting pod of the current revision. */
  readonly updated: number;
  /** Desired nodes with an available non-deleting pod (any revision). */
  readonly available: number;
  /** Desired nodes with an available non-deleting pod of the current revision. */
  readonly updatedAvailable: number;
  /** desired − available. */
  readonly unavailable: number;
  /** Non-deleting claimed pods that are not of the current revision, on any node. */
  readonly oldPodsRemaining: number;
  /** Every desired node runs an available current pod and no old pod is left. */
  readonly complete: boolean;
}

/**
 * A rollout summary for audit events. The current hash is the one of the revision matching the
 * template (after a rollback that is the old revision's hash), else the computed template hash.
 */
export const rolloutProgress = (
  ds: DaemonSet,
  nodes: readonly Node[],
  pods: readonly Pod[],
  opts: { now: EpochMs; revisions?: readonly ControllerRevision[]; hash?: string },
): RolloutProgress => {
  const hash =
    opts.hash ??
    (opts.revisions ?? []).map((r) => (revisionMatches(r, ds) ? revisionHash(r) : undefined)).find((h) => h !== undefined) ??
    templateHash(ds.spec.template, ds.status?.collisionCount);
  const view = buildView(ds, nodes, hash, opts.now);
  const owned = claimPods(ds, pods).owned.filter((p) => !isPodDeleting(p) && podTargetNode(p) !== undefined);
  const isNew = (p: Pod) => isPodUpdated(p, hash, view.generation);
  const avail = (p: Pod) => isPodAvailable(p, view.minReadySeconds, opts.now);
  let desired = 0;
  let updated = 0;
  let available = 0;
  let updatedAvailable = 0;
  const byNode = new Map<string, Pod[]>();
  for (const p of owned) {
    const target = podTargetNode(p)!;
    const list = byNode.get(target);
    if (list) list.push(p);
    else byNode.set(target, [p]);
  }
  for (const name of view.names) {
    if (!view.eligibility.get(name)!.shouldRun) continue;
    desired++;
    const onNode = byNode.get(name) ?? [];
    if (onNode.some(isNew)) updated++;
    if (onNode.some(avail)) available++;
    if (onNode.some((p) => isNew(p) && avail(p))) updatedAvailable++;
  }
  const oldPodsRemaining = owned.filter((p) => !isNew(p)).length;
  return {
    desired,
    updated,
    available,
    updatedAvailable,
    unavailable: desired - available,
    oldPodsRemaining,
    complete: updatedAvailable === desired && oldPodsRemaining === 0,
  };
};
