import type { Pod } from '../api/types';
import type { RolloutControlEvent, RolloutCounts } from '../cluster/events';

/** Waiting reasons that mean "this pod will not become ready by itself". */
const STUCK = new Set(['ErrImagePull', 'ImagePullBackOff', 'CrashLoopBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError']);

/** Why a pod cannot start by itself (a container waiting for one of `STUCK`'s reasons), if it cannot. */
export const stuckReason = (pod: Pod): { reason: string; message: string } | undefined => {
  for (const c of pod.status?.containerStatuses ?? []) {
    const w = c.state?.waiting;
    if (w?.reason && STUCK.has(w.reason)) return { reason: w.reason, message: w.message ?? w.reason };
  }
  return undefined;
};

/**
 * What a rollout's stream has recorded of the controls it obeys (folded from
 * its RolloutPaused / RolloutResumed / RolloutPartitionChanged /
 * RolloutWaveStarted events): a rollout starts with none.
 */
export interface RecordedControls {
  readonly paused: boolean;
  readonly partition: number;
  /** The label selector of the nodes that may update ('' = every node). */
  readonly selector: string;
}

export const NO_CONTROLS: RecordedControls = { paused: false, partition: 0, selector: '' };

/** The controls as the DaemonSet's annotations set them now (controls.ts reads them). */
export interface CurrentControls {
  readonly paused: boolean;
  readonly partition: number;
  readonly selector?: string;
}

/**
 * The events that bring a rollout's record of its controls up to what the
 * DaemonSet says now, in a fixed order (partition and wave before a pause,
 * a resume last), each with the counts at this moment. None when nothing changed.
 */
export const controlEvents = (recorded: RecordedControls, now: CurrentControls, counts: RolloutCounts): RolloutControlEvent[] => {
  const events: RolloutControlEvent[] = [];
  if (now.partition !== recorded.partition) events.push({ type: 'RolloutPartitionChanged', data: { ...counts, from: recorded.partition, to: now.partition } });
  const selector = now.selector ?? '';
  if (selector !== recorded.selector) events.push({ type: 'RolloutWaveStarted', data: { ...counts, selector } });
  if (now.paused && !recorded.paused) events.push({ type: 'RolloutPaused', data: counts });
  if (!now.paused && recorded.paused) events.push({ type: 'RolloutResumed', data: counts });
  return events;
};

/** The fold of one control event into the record (other events leave it as it is). */
export const recordControl = (recorded: RecordedControls, e: { type: string; data: unknown }): RecordedControls => {
  switch (e.type) {
    case 'RolloutPaused':
      return { ...recorded, paused: true };
    case 'RolloutResumed':
      return { ...recorded, paused: false };
    case 'RolloutPartitionChanged':
      return { ...recorded, partition: (e.data as { to: number }).to };
    case 'RolloutWaveStarted':
      return { ...recorded, selector: (e.data as { selector: string }).selector };
    default:
      return recorded;
  }
};

/**
 * Whether an unpaused rollout now waits on its controls alone: some nodes are
 * held back on the old revision (`held`), and every other node the DaemonSet
 * runs on is updated and available. Then the rollout holds (`RolloutHeld`)
 * until a control changes; it is not complete (`kubectl rollout status` keeps
 * waiting, as updatedNumberScheduled < desiredNumberScheduled).
 */
export const holding = (counts: RolloutCounts, held: number): boolean =>
  held > 0 && counts.updated + held >= counts.desired && counts.available >= counts.desired && counts.unavailable === 0;

/** The RolloutHeld message: which control holds how many nodes. */
export const heldMessage = (controls: CurrentControls, held: number): string => {
  const by = [controls.partition > 0 ? `partition ${controls.partition}` : '', controls.selector ? `selector ${controls.selector}` : ''].filter(Boolean).join(' and ');
  return `${held} node(s) kept on the old revision by ${by || 'the rollout controls'}`;
};

// ── Progress deadline and on-stall (annotations progress-deadline-seconds, on-stall) ──

/** What the deadline rule reads of a rollout (its stream's fold). */
export interface DeadlineState {
  /** 'paused' and 'holding' wait on a control: no deadline runs then (as a paused Deployment's does not). */
  readonly state: string;
  /** When the rollout last made progress (started, moved, resumed, or a control released nodes), epoch ms. */
  readonly progressAtMs: number;
  readonly deadlineExceeded: boolean;
}

const WAITING_ON_CONTROLS = new Set(['paused', 'holding']);
const ENDED = new Set(['completed', 'superseded', 'rolledback']);

/**
 * When the rollout's deadline falls (epoch ms), or `undefined` when none
 * runs: no deadline set, the rollout ended, waits on a control, or is
 * already past its deadline.
 */
export const deadlineAt = (r: DeadlineState, progressDeadlineSeconds: number | undefined): number | undefined =>
  progressDeadlineSeconds === undefined || r.deadlineExceeded || ENDED.has(r.state) || WAITING_ON_CONTROLS.has(r.state)
    ? undefined
    : r.progressAtMs + progressDeadlineSeconds * 1000;

/** Whether the rollout is past its deadline at `nowMs` (and has not been told so yet). */
export const deadlinePassed = (r: DeadlineState, progressDeadlineSeconds: number | undefined, nowMs: number): boolean => {
  const at = deadlineAt(r, progressDeadlineSeconds);
  return at !== undefined && nowMs >= at;
};

/** The RolloutDeadlineExceeded message, in the words of a Deployment's condition. */
export const deadlineMessage = (daemonSet: string, seconds: number, counts: RolloutCounts): string =>
  `DaemonSet "${daemonSet}" has timed out progressing: no progress for ${seconds}s (${counts.updated}/${counts.desired} updated, ${counts.available} available)`;

/** A rollout of the DaemonSet as the on-stall rule reads it: what it rolled to, and how it ended. */
export interface PastRollout {
  readonly rollout: number;
  readonly toHash: string;
  readonly state: string;
}

/**
 * What `on-stall` asks for once a rollout is past its deadline:
 * `pause` → set the paused control; `rollback` → undo to the revision of the
 * newest earlier rollout that completed (every node updated and available)
 * with another template, or pause when there is none (nothing known good).
 */
export type StallAction = { kind: 'pause'; reason: string } | { kind: 'rollback'; toHash: string; reason: string };

export const stallAction = (onStall: 'pause' | 'rollback' | undefined, stalled: PastRollout & { message: string }, history: readonly PastRollout[]): StallAction | undefined => {
  if (onStall === undefined) return undefined;
  const reason = `rollout ${stalled.rollout} made no progress: ${stalled.message}`;
  if (onStall === 'pause') return { kind: 'pause', reason };
  const good = [...history]
    .filter((r) => r.rollout < stalled.rollout && r.state === 'completed' && r.toHash !== stalled.toHash)
    .sort((a, b) => b.rollout - a.rollout)[0];
  return good ? { kind: 'rollback', toHash: good.toHash, reason } : { kind: 'pause', reason: `${reason}; no earlier revision was fully available, so it is paused instead` };
};

/** The change-cause an automatic rollback records (kubectl rollout history shows it). */
export const autoRollbackCause = (reason: string): string => `auto-rollback: ${reason}`;

/**
 * The DaemonSet's `Progressing` condition, as a Deployment's: False with
 * reason ProgressDeadlineExceeded past the deadline; True with reason
 * `NewRevisionProgressing` once progress resumes, `NewRevisionAvailable`
 * when the rollout completes. Only DaemonSets with a deadline carry it.
 */
export const progressingCondition = (
  kind: 'exceeded' | 'progressing' | 'complete',
  message: string,
  now: string,
): { type: 'Progressing'; status: 'True' | 'False'; reason: string; message: string; lastTransitionTime: string } => ({
  type: 'Progressing',
  status: kind === 'exceeded' ? 'False' : 'True',
  reason: kind === 'exceeded' ? 'ProgressDeadlineExceeded' : kind === 'complete' ? 'NewRevisionAvailable' : 'NewRevisionProgressing',
  message,
  lastTransitionTime: now,
});

// ── Canary (annotations canary, canary-hold-seconds) ──

/** What a rollout's stream says of its canary (folded from RolloutCanaryHeld / Passed / Failed). */
export interface CanaryRecord {
  /** When the hold began (epoch ms), the pods watched, and their restarts then. */
  readonly heldAtMs?: number;
  readonly pods?: readonly string[];
  readonly restarts?: number;
  readonly passed?: boolean;
  readonly failed?: boolean;
}

/** A canary pod as the decision reads it. */
export interface CanaryPod {
  readonly name: string;
  readonly available: boolean;
  readonly restarts: number;
}

export type CanaryStep =
  | { kind: 'hold'; pods: string[]; restarts: number }
  | { kind: 'pass' }
  | { kind: 'fail'; message: string }
  | { kind: 'wait'; untilMs?: number };

/**
 * One look at a rollout's canary (Datadog's ExtendedDaemonSet validates its
 * canary the same way: Ready, no restarts, for a while):
 * - not held yet: once `nodes` pods of the new revision (or every desired
 *   node, if fewer) are available, hold them (`hold`);
 * - held: a watched pod gone, not available, or restarted more → `fail`;
 *   the hold's seconds over → `pass`; else wait until then.
 */
export const canaryStep = (canary: { nodes: number; holdSeconds: number }, record: CanaryRecord, desired: number, updated: readonly CanaryPod[], nowMs: number): CanaryStep => {
  if (record.passed || record.failed) return { kind: 'wait' };
  if (record.heldAtMs === undefined) {
    const want = Math.min(canary.nodes, desired);
    const ready = updated.filter((p) => p.available);
    if (want === 0 || ready.length < want) return { kind: 'wait' };
    const pods = ready.slice(0, want);
    return { kind: 'hold', pods: pods.map((p) => p.name), restarts: pods.reduce((n, p) => n + p.restarts, 0) };
  }
  const watched = (record.pods ?? []).map((name) => updated.find((p) => p.name === name));
  const gone = (record.pods ?? []).filter((_, i) => !watched[i]);
  if (gone.length) return { kind: 'fail', message: `canary pod(s) ${gone.join(', ')} went away during the hold` };
  const down = watched.filter((p) => !p!.available).map((p) => p!.name);
  if (down.length) return { kind: 'fail', message: `canary pod(s) ${down.join(', ')} stopped being available during the hold` };
  const restarts = watched.reduce((n, p) => n + p!.restarts, 0);
  if (restarts > (record.restarts ?? 0)) return { kind: 'fail', message: `canary pods restarted ${restarts - (record.restarts ?? 0)} time(s) during the hold` };
  const until = record.heldAtMs + canary.holdSeconds * 1000;
  return nowMs >= until ? { kind: 'pass' } : { kind: 'wait', untilMs: until };
};
