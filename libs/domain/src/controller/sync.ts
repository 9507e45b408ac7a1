/**
 * The planner: one upstream `syncDaemonSet` (spec §4.1) as a pure function. Writes are modelled
 * as observed at once (spec §4.6): each phase's actions are applied to a working copy before the
 * next phase looks, exactly as the API server would store them (see `applyPodDeletion`).
 *
 * Spec §4.6 says upstream unit tests run rollingUpdate in the same sync as manage with manage's writes
 * observed; upstream's fake pod control does not update the informer store, and rollingUpdate only runs
 * when manage issued nothing (expectations). The §8 (c, d) sequences come out the same either way; this
 * planner follows the brief's same-sync model. Deletions stay graceful within the sync (pods keep their
 * deletionTimestamp and count as unavailable), which is what upstream sees until the kubelet confirms.
 */
import type { ControllerRevision, DaemonSet, DaemonSetStatus, Node, Pod } from '../api/types';
import { gcBackoff, type FailedPodBackoff } from './backoff';
import { claimPods, claimRevisions, withAdoption, withRelease } from './claims';
import { compileLabelSelector, isSelectingAll } from './labels';
import { manage } from './manage';
import { CONTROLLER_REVISION_HASH_LABEL, generatePodName, isPodAvailable, isPodReady, newDaemonPod } from './pods';
import { cleanupHistory, constructHistory } from './revisions';
import { rollingUpdate } from './rolling-update';
import { nextStatus, statusCounters } from './status';
import { parseTime, toRfc3339, type EpochMs } from './time';
import { buildView, type ControllerEvent, type PodDeletion, type SyncView } from './view';

export const BURST_REPLICAS = 250;

export interface SyncInput {
  readonly ds: DaemonSet;
  readonly nodes: readonly Node[];
  /** All pods in the DaemonSet's namespace. */
  readonly pods: readonly Pod[];
  /** All ControllerRevisions in the DaemonSet's namespace. */
  readonly revisions: readonly ControllerRevision[];
  readonly now: EpochMs;
  readonly failedPodBackoff?: FailedPodBackoff;
  /** Mixed into generated pod names (e.g. the reconcile command id); default ''. */
  readonly nameSeed?: string;
  readonly burstReplicas?: number;
  /** The revision hash whose canary passed (the rollout's RolloutCanaryPassed): the canary control then holds no node. */
  readonly canaryPassedFor?: string;
}

export type RevisionAction =
  | { readonly type: 'adopt'; readonly name: string }
  | { readonly type: 'release'; readonly name: string }
  | { readonly type: 'set-hash-label'; readonly name: string; readonly hash: string }
  | { readonly type: 'create'; readonly revision: ControllerRevision }
  | { readonly type: 'renumber'; readonly name: string; readonly from: number; readonly to: number }
  | { readonly type: 'delete'; readonly name: string; readonly reason: 'duplicate' | 'history-limit' };

export interface PodCreation {
  /** Deterministic name (free in the namespace); build the pod with `newDaemonPod`. */
  readonly name: string;
  readonly nodeName: string;
  readonly hash: string;
}

export interface SyncResult {
  /** skipped: selector `{}` or DaemonSet being deleted (no status); failed: see `error`. */
  readonly outcome: 'synced' | 'skipped' | 'failed';
  /** In execution order. */
  readonly revisionActions: RevisionAction[];
  readonly adoptPods: string[];
  readonly releasePods: string[];
  /** Dedup of current revisions: merge-patch these pods' hash label. */
  readonly relabelPods: { name: string; hash: string }[];
  readonly createPods: PodCreation[];
  readonly deletePods: PodDeletion[];
  readonly events: ControllerEvent[];
  /** The status after the planned actions, or absent when nothing is to be written. */
  readonly status?: DaemonSetStatus;
  /** False when upstream would skip the write (counters unchanged and generation observed). */
  readonly statusChanged: boolean;
  readonly currentRevision?: { readonly name: string; readonly hash: string; readonly revision: number };
  readonly requeueAfterMs?: number;
  /** Nodes whose old pod the rollout controls keep back (absent: none); the rollout tracker's "holding". */
  readonly heldBack?: number;
  readonly nextBackoff: FailedPodBackoff;
  readonly error?: string;
}

/**
 * A deletion as the API server applies it: unbound or terminal pods without finalizers go at once
 * (grace period 0); others get a deletionTimestamp and stay until the kubelet confirms.
 * Returns the stored pod, or undefined when it is gone.
 */
export const applyPodDeletion = (pod: Pod, now: EpochMs): Pod | undefined => {
  if (pod.metadata.deletionTimestamp) return pod;
  const immediate = (pod.spec.nodeName ?? '') === '' || pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded';
  if (immediate && (pod.metadata.finalizers ?? []).length === 0) return undefined;
  return { ...pod, metadata: { ...pod.metadata, deletionTimestamp: toRfc3339(now), deletionGracePeriodSeconds: immediate ? 0 : pod.spec.terminationGracePeriodSeconds ?? 30 } };
};

const emptyResult = (backoff: FailedPodBackoff): SyncResult => ({
  outcome: 'skipped',
  revisionActions: [],
  adoptPods: [],
  releasePods: [],
  relabelPods: [],
  createPods: [],
  deletePods: [],
  events: [],
  statusChanged: false,
  nextBackoff: backoff,
});

/** Mutable working state of one sync: the namespace's pods as the store would hold them. */
class Working {
  readonly created: PodCreation[] = [];
  readonly deleted: PodDeletion[] = [];
  readonly events: ControllerEvent[] = [];
  private readonly taken: Set<string>;
  constructor(
    public pods: Pod[],
    private readonly input: SyncInput,
  ) {
    this.taken = new Set(input.pods.map((p) => p.metadata.name ?? ''));
  }

  private freshName(nodeName: string, hash: string): string {
    const ds = this.input.ds;
    const seed = `${this.input.nameSeed ?? ''}/${ds.metadata.uid ?? ''}/${nodeName}/${hash}/${this.input.now}`;
    let name = generatePodName(ds.metadata.name ?? '', seed);
    for (let i = 1; this.taken.has(name); i++) name = generatePodName(ds.metadata.name ?? '', `${seed}#${i}`);
    this.taken.add(name);
    return name;
  }

  /** `syncNodes`: at most `burst` creates and `burst` deletes, creates first. */
  sync(view: SyncView, createOn: readonly string[], deletions: readonly PodDeletion[]): void {
    const burst = this.input.burstReplicas ?? BURST_REPLICAS;
    for (const nodeName of createOn.slice(0, burst)) {
      const name = this.freshName(nodeName, view.hash);
      this.created.push({ name, nodeName, hash: view.hash });
      this.pods.push(newDaemonPod(view.ds, nodeName, { name, uid: `planned:${name}`, hash: view.hash, now: view.now }));
      this.events.push({ type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${name}` });
    }
    const deleting = new Set<string>();
    for (const d of deletions.slice(0, burst)) {
      this.deleted.push(d);
      deleting.add(d.name);
      this.events.push({ type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted pod: ${d.name}` });
    }
    // One pass over the pods for the whole step (a rollout step deletes hundreds at once).
    if (deleting.size) {
      this.pods = this.pods.flatMap((p) => (deleting.has(p.metadata.name ?? '') ? (applyPodDeletion(p, view.now) ?? []) : [p]));
    }
  }
}

/**
 * When to look again without an external trigger: the failed-pod backoff delay, the moment a
 * ready pod becomes available (Ready lastTransitionTime + minReadySeconds + 1 s, as upstream's
 * pod-update handler), and upstream's status-write requeue after minReadySeconds.
 */
const requeueAfter = (view: SyncView, claimed: readonly Pod[], ready: number, available: number, backoffDelay?: number): number | undefined => {
  const candidates: number[] = backoffDelay !== undefined ? [backoffDelay] : [];
  if (view.minReadySeconds > 0) {
    if (ready !== available) candidates.push(view.minReadySeconds * 1000);
    for (const pod of claimed) {
      if (!isPodReady(pod) || isPodAvailable(pod, view.minReadySeconds, view.now)) continue;
      const since = parseTime(pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime);
      if (since !== undefined) candidates.push(Math.max(since + view.minReadySeconds * 1000 + 1000 - view.now, 0));
    }
  }
  return candidates.length > 0 ? Math.min(...candidates) : undefined;
};

export const syncDaemonSet = (input: SyncInput): SyncResult => {
  const { ds, now } = input;
  const backoffIn = gcBackoff(input.failedPodBackoff ?? {}, now);
  if (isSelectingAll(ds.spec.selector)) {
    return {
      ...emptyResult(backoffIn),
      events: [{ type: 'Warning', reason: 'SelectingAll', message: 'This daemon set is selecting all pods. A non-empty selector is required.' }],
    };
  }
  if (ds.metadata.deletionTimestamp) return emptyResult(backoffIn);
  const selector = compileLabelSelector(ds.spec.selector);
  if (!selector.ok) {
    return { ...emptyResult(backoffIn), outcome: 'failed', error: `failed to construct revisions of DaemonSet: ${selector.error}` };
  }
  const matches = selector.value;

  // Claims (pods are claimed by constructHistory's dedup and by manage; the result is the same).
  const revClaim = claimRevisions(ds, input.revisions, matches);
  const podClaim = claimPods(ds, input.pods, matches);
  const revisionActions: RevisionAction[] = [
    ...revClaim.adopt.map((r) => ({ type: 'adopt' as const, name: r.metadata.name ?? '' })),
    ...revClaim.release.map((r) => ({ type: 'release' as const, name: r.metadata.name ?? '' })),
  ];
  const adoptedPods = new Set(podClaim.adopt);
  const releasedPods = new Set(podClaim.release);
  const working = new Working(
    input.pods.map((p) => (adoptedPods.has(p) ? withAdoption(p, ds) : releasedPods.has(p) ? withRelease(p, ds) : p)),
    input,
  );
  const claimedRevisions = revClaim.owned.map((r) => (revClaim.adopt.includes(r) ? withAdoption(r, ds) : r));
  // Claimed pods of the working copy, recomputed only when it changed (creates append, deletes replace).
  let claimedCache: { pods: Pod[]; length: number; owned: Pod[] } | undefined;
  const claimed = () => {
    if (claimedCache?.pods !== working.pods || claimedCache.length !== working.pods.length) {
      claimedCache = { pods: working.pods, length: working.pods.length, owned: claimPods(ds, working.pods, matches).owned };
    }
    return claimedCache.owned;
  };

  const history = constructHistory(ds, claimedRevisions, claimed(), input.revisions);
  revisionActions.push(...history.labelFixes.map((f) => ({ type: 'set-hash-label' as const, ...f })));
  const base = {
    ...emptyResult(backoffIn),
    revisionActions,
    adoptPods: podClaim.adopt.map((p) => p.metadata.name ?? ''),
    releasePods: podClaim.release.map((p) => p.metadata.name ?? ''),
  };
  if (history.kind === 'collision') {
    // Upstream bumps status.collisionCount and fails the sync; the retry uses a new name.
    return {
      ...base,
      outcome: 'failed',
      status: { ...(ds.status ?? { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 }), collisionCount: history.collisionCount },
      statusChanged: true,
      error: `failed to construct revisions of DaemonSet: ${history.message}`,
    };
  }
  if (history.create) revisionActions.push({ type: 'create', revision: history.create });
  for (const { name, hash } of history.relabelPods) {
    working.pods = working.pods.map((p) => (p.metadata.name === name ? { ...p, metadata: { ...p.metadata, labels: { ...(p.metadata.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash } } } : p));
  }
  revisionActions.push(...history.dedupDeletes.map((name) => ({ type: 'delete' as const, name, reason: 'duplicate' as const })));
  if (history.renumber) revisionActions.push({ type: 'renumber', ...history.renumber });

  const view = buildView(ds, input.nodes, history.hash, now, input.canaryPassedFor === history.hash);
  const managed = manage(view, claimed(), backoffIn);
  working.events.push(...managed.events);
  working.sync(view, managed.createOn, managed.deletions);

  let error: string | undefined;
  let heldBack = 0;
  if (ds.spec.updateStrategy?.type === 'RollingUpdate') {
    const plan = rollingUpdate(view, claimed());
    if (plan.ok) {
      working.sync(view, plan.createOn, plan.deletions);
      heldBack = plan.heldBack;
    } else error = plan.error;
  }
  if (error === undefined) {
    for (const name of cleanupHistory(ds, history.old, claimed())) revisionActions.push({ type: 'delete', name, reason: 'history-limit' });
  }

  const counters = statusCounters(view, claimed());
  const { status, changed } = nextStatus(ds, counters, true);
  const requeueAfterMs = requeueAfter(view, claimed(), counters.numberReady, counters.numberAvailable, managed.requeueAfterMs);
  return {
    ...base,
    outcome: error === undefined ? 'synced' : 'failed',
    relabelPods: history.relabelPods,
    createPods: working.created,
    deletePods: working.deleted,
    events: working.events,
    status,
    statusChanged: changed,
    currentRevision: { name: history.current.metadata.name ?? '', hash: history.hash, revision: history.current.revision },
    ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}),
    ...(heldBack ? { heldBack } : {}),
    nextBackoff: managed.backoff,
    ...(error !== undefined ? { error } : {}),
  };
};
