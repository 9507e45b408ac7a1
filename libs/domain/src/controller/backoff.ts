/**
 * Failed-pod backoff (spec §4.7): client-go `flowcontrol.Backoff` with initial 1 s, max 15 min,
 * as plain state in, state out. Key: `<dsUID>/<status.observedGeneration>/<nodeName>`.
 * Consequence (upstream, not in spec §8.26): the first status write after creation moves
 * observedGeneration 0 → 1 and so starts a fresh key; §8.26 holds for an already-observed DaemonSet.
 */
import type { DaemonSet } from '../api/types';
import type { EpochMs } from './time';

export interface BackoffEntry {
  readonly delayMs: number;
  readonly lastUpdateMs: EpochMs;
}
export type FailedPodBackoff = Readonly<Record<string, BackoffEntry>>;

export const BACKOFF_INITIAL_MS = 1_000;
export const BACKOFF_MAX_MS = 15 * 60_000;

export const failedPodBackoffKey = (ds: DaemonSet, nodeName: string): string =>
  `${ds.metadata.uid ?? ''}/${ds.status?.observedGeneration ?? 0}/${nodeName}`;

/** An entry idle for more than 2 × max is forgotten (it restarts at the initial delay). */
const expired = (e: BackoffEntry, now: EpochMs): boolean => now - e.lastUpdateMs > 2 * BACKOFF_MAX_MS;

/** `IsInBackOffSinceUpdate`: still inside the window that started at the last deletion. */
export const isInBackoff = (state: FailedPodBackoff, key: string, now: EpochMs): boolean => {
  const e = state[key];
  return e !== undefined && !expired(e, now) && now - e.lastUpdateMs < e.delayMs;
};

/** `Get`: the current delay (0 when unknown). */
export const backoffDelay = (state: FailedPodBackoff, key: string): number => state[key]?.delayMs ?? 0;

/** `Next`: record a deletion at `now`; the delay starts at 1 s and doubles up to 15 min. */
export const nextBackoff = (state: FailedPodBackoff, key: string, now: EpochMs): FailedPodBackoff => {
  const e = state[key];
  const delayMs = e === undefined || expired(e, now) ? BACKOFF_INITIAL_MS : Math.min(e.delayMs * 2, BACKOFF_MAX_MS);
  return { ...state, [key]: { delayMs, lastUpdateMs: now } };
};

/** `GC`: drop entries idle for more than 2 × max. */
export const gcBackoff = (state: FailedPodBackoff, now: EpochMs): FailedPodBackoff =>
  Object.fromEntries(Object.entries(state).filter(([, e]) => !expired(e, now)));
