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
import type { LabelSelectorMatcher } from './labels';
import { compileLabelSelector, isSelectingAll } from './labels';
import { manage } from './manage';
import { CONTROLLER_REVISION_HASH_LABEL, generatePodName, isPodAvailable, isPodReady, newDaemonPod } from './pods';
import { cleanupHistory, constructHistory, type HistoryPlan } from './revisions';
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

/** A deterministic name for a new daemon pod on `nodeName` that `isTaken` does not know. */
export const freshPodName = (input: Pick<SyncInput, 'ds' | 'nameSeed' | 'now'>, nodeName: string, hash: string, isTaken: (name: string) => boolean): string => {
  const ds = input.ds;
  const seed = `${input.nameSeed ?? ''}/${ds.metadata.uid ?? ''}/${nodeName}/${hash}/${input.now}`;
  let name = generatePodName(ds.metadata.name ?? '', seed);
  for (let i = 1; isTaken(name); i++) name = generatePodName(ds.metadata.name ?? '', `${seed}#${i}`);
  return name;
};

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
    const name = freshPodName(this.input, nodeName, hash, (n) => this.taken.has(n));
    this.taken.add(name);
    return name;
  }

  /** `syncNodes`: at most `burst` creates and `burst` deletes, creates first. */
  sync(view: SyncView, createOn: readonly string[], deletions: readonly PodDeletion[]): void {
    const writes = burstWrites(view, createOn, deletions, this.input.burstReplicas ?? BURST_REPLICAS, (node) => this.freshName(node, view.hash));
    this.created.push(...writes.created);
    this.deleted.push(...writes.deleted);
    this.events.push(...writes.events);
    for (const c of writes.created) this.pods.push(plannedPod(view, c));
    // One pass over the pods for the whole step (a rollout step deletes hundreds at once).
    if (writes.deleted.length) {
      const deleting = new Set(writes.deleted.map((d) => d.name));
      this.pods = this.pods.flatMap((p) => (deleting.has(p.metadata.name ?? '') ? (applyPodDeletion(p, view.now) ?? []) : [p]));
    }
  }
}

/** The pod a planned creation stands for until the store has it. */
export const plannedPod = (view: Pick<SyncView, 'ds' | 'now'>, c: PodCreation): Pod =>
  newDaemonPod(view.ds, c.nodeName, { name: c.name, uid: `planned:${c.name}`, hash: c.hash, now: view.now });

/** `syncNodes`' share of one phase: its first `burst` creates and first `burst` deletes, with their events. */
export const burstWrites = (
  view: Pick<SyncView, 'hash'>,
  createOn: readonly string[],
  deletions: readonly PodDeletion[],
  burst: number,
  freshName: (nodeName: string) => string,
): { created: PodCreation[]; deleted: PodDeletion[]; events: ControllerEvent[] } => {
  const created: PodCreation[] = [];
  const events: ControllerEvent[] = [];
  for (const nodeName of createOn.slice(0, burst)) {
    const name = freshName(nodeName);
    created.push({ name, nodeName, hash: view.hash });
    events.push({ type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${name}` });
  }
  const deleted = deletions.slice(0, burst);
  for (const d of deleted) events.push({ type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted pod: ${d.name}` });
  return { created, deleted, events };
};

/**
 * When a ready pod that is not yet available becomes so, as upstream's pod-update handler requeues
 * for it: Ready lastTransitionTime + minReadySeconds + 1 s (undefined when it is not waiting for that).
 */
export const availableAt = (pod: Pod, minReadySeconds: number, now: EpochMs): EpochMs | undefined => {
  if (minReadySeconds === 0 || !isPodReady(pod) || isPodAvailable(pod, minReadySeconds, now)) return undefined;
  const since = parseTime(pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime);
  return since === undefined ? undefined : since + minReadySeconds * 1000 + 1000;
};

/**
 * When to look again without an external trigger: the failed-pod backoff delay, the moment the
 * first ready pod becomes available (`nextAvailableAt`), and upstream's status-write requeue after
 * minReadySeconds.
 */
export const requeueAfter = (
  view: Pick<SyncView, 'minReadySeconds' | 'now'>,
  ready: number,
  available: number,
  nextAvailableAt: EpochMs | undefined,
  backoffDelay?: number,
): number | undefined => {
  const candidates: number[] = backoffDelay !== undefined ? [backoffDelay] : [];
  if (view.minReadySeconds > 0) {
    if (ready !== available) candidates.push(view.minReadySeconds * 1000);
    if (nextAvailableAt !== undefined) candidates.push(Math.max(nextAvailableAt - view.now, 0));
  }
  return candidates.length > 0 ? Math.min(...candidates) : undefined;
};

/** The earliest `availableAt` of the pods. */
export const nextAvailableAt = (pods: readonly Pod[], minReadySeconds: number, now: EpochMs): EpochMs | undefined => {
  let next: EpochMs | undefined;
  for (const pod of pods) {
    const at = availableAt(pod, minReadySeconds, now);
    if (at !== undefined && (next === undefined || at < next)) next = at;
  }
  return next;
};

/**
 * What every sync does before it looks at nodes and pods: nothing for a selector of everything or a
 * DaemonSet being deleted, a failure for an invalid selector; else the compiled selector and the
 * claimed ControllerRevisions (§4.2).
 */
export const syncPrelude = (
  input: Pick<SyncInput, 'ds' | 'now' | 'failedPodBackoff' | 'revisions'>,
):
  | { readonly done: SyncResult }
  | {
      readonly done?: undefined;
      readonly backoffIn: FailedPodBackoff;
      readonly matches: LabelSelectorMatcher;
      readonly revisionActions: RevisionAction[];
      readonly claimedRevisions: ControllerRevision[];
    } => {
  const { ds, now } = input;
  const backoffIn = gcBackoff(input.failedPodBackoff ?? {}, now);
  if (isSelectingAll(ds.spec.selector)) {
    return {
      done: {
        ...emptyResult(backoffIn),
        events: [{ type: 'Warning', reason: 'SelectingAll', message: 'This daemon set is selecting all pods. A non-empty selector is required.' }],
      },
    };
  }
  if (ds.metadata.deletionTimestamp) return { done: emptyResult(backoffIn) };
  const selector = compileLabelSelector(ds.spec.selector);
  if (!selector.ok) {
    return { done: { ...emptyResult(backoffIn), outcome: 'failed', error: `failed to construct revisions of DaemonSet: ${selector.error}` } };
  }
  const revClaim = claimRevisions(ds, input.revisions, selector.value);
  return {
    backoffIn,
    matches: selector.value,
    revisionActions: [
      ...revClaim.adopt.map((r) => ({ type: 'adopt' as const, name: r.metadata.name ?? '' })),
      ...revClaim.release.map((r) => ({ type: 'release' as const, name: r.metadata.name ?? '' })),
    ],
    claimedRevisions: revClaim.owned.map((r) => (revClaim.adopt.includes(r) ? withAdoption(r, ds) : r)),
  };
};

/** The history step's revision actions (§5.3), in execution order after the claims'. */
export const historyActions = (history: HistoryPlan): RevisionAction[] => {
  const actions: RevisionAction[] = history.labelFixes.map((f) => ({ type: 'set-hash-label' as const, ...f }));
  if (history.kind === 'current') {
    if (history.create) actions.push({ type: 'create', revision: history.create });
    actions.push(...history.dedupDeletes.map((name) => ({ type: 'delete' as const, name, reason: 'duplicate' as const })));
    if (history.renumber) actions.push({ type: 'renumber', ...history.renumber });
  }
  return actions;
};

/** The result's base: the claims and revision actions, nothing else yet (pod lists by name). */
export const resultBase = (backoffIn: FailedPodBackoff, revisionActions: RevisionAction[], adoptPods: string[], releasePods: string[]): SyncResult => ({
  ...emptyResult(backoffIn),
  revisionActions,
  adoptPods: adoptPods.sort(),
  releasePods: releasePods.sort(),
});

/** Upstream bumps status.collisionCount and fails the sync; the retry uses a new name. */
export const collisionResult = (ds: DaemonSet, base: SyncResult, history: Extract<HistoryPlan, { kind: 'collision' }>): SyncResult => ({
  ...base,
  outcome: 'failed',
  status: { ...(ds.status ?? { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 }), collisionCount: history.collisionCount },
  statusChanged: true,
  error: `failed to construct revisions of DaemonSet: ${history.message}`,
});

export const syncDaemonSet = (input: SyncInput): SyncResult => {
  const { ds, now } = input;
  const prelude = syncPrelude(input);
  if (prelude.done) return prelude.done;
  const { backoffIn, matches, revisionActions, claimedRevisions } = prelude;

  // Claims (pods are claimed by constructHistory's dedup and by manage; the result is the same).
  const podClaim = claimPods(ds, input.pods, matches);
  const adoptedPods = new Set(podClaim.adopt);
  const releasedPods = new Set(podClaim.release);
  const working = new Working(
    input.pods.map((p) => (adoptedPods.has(p) ? withAdoption(p, ds) : releasedPods.has(p) ? withRelease(p, ds) : p)),
    input,
  );
  // Claimed pods of the working copy, recomputed only when it changed (creates append, deletes replace).
  let claimedCache: { pods: Pod[]; length: number; owned: Pod[] } | undefined;
  const claimed = () => {
    if (claimedCache?.pods !== working.pods || claimedCache.length !== working.pods.length) {
      claimedCache = { pods: working.pods, length: working.pods.length, owned: claimPods(ds, working.pods, matches).owned };
    }
    return claimedCache.owned;
  };

  const history = constructHistory(ds, claimedRevisions, claimed(), input.revisions);
  revisionActions.push(...historyActions(history));
  const base = resultBase(
    backoffIn,
    revisionActions,
    podClaim.adopt.map((p) => p.metadata.name ?? ''),
    podClaim.release.map((p) => p.metadata.name ?? ''),
  );
  if (history.kind === 'collision') return collisionResult(ds, base, history);
  for (const { name, hash } of history.relabelPods) {
    working.pods = working.pods.map((p) => (p.metadata.name === name ? { ...p, metadata: { ...p.metadata, labels: { ...(p.metadata.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash } } } : p));
  }

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
  const requeueAfterMs = requeueAfter(view, counters.numberReady, counters.numberAvailable, nextAvailableAt(claimed(), view.minReadySeconds, now), managed.requeueAfterMs);
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
