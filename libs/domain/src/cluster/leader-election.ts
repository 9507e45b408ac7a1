/**
 * Leader election over a coordination.k8s.io/v1 Lease, as client-go's
 * leaderelection package does it (tools/leaderelection/leaderelection.go,
 * tryAcquireOrRenew): a candidate takes the lease when nobody holds it or the
 * holder's renewal is older than the lease duration, the holder renews it,
 * everyone else follows. Pure: the lease as last stored, the candidate's
 * identity and the time come in; the spec to write (with the stream's
 * expected revision, by the caller) or "follow" comes out.
 *
 * Expiry is judged from the lease's own renewTime, not from when this process
 * last saw it change (client-go's observedTime): the controllers of one log
 * share a clock source closely enough for a lease of tens of seconds, and the
 * store's expected revision, not the clock, is what keeps two leaders from
 * both writing (a deposed leader's writes carry its fence; see the event
 * store port).
 */

import { type LeaseSpec, microTimeOf, parseMicroTime } from '../kinds/lease';

export type { LeaseSpec };

export type LeadershipDecision =
  /** Take the lease: it was absent, released, or expired. */
  | { action: 'acquire'; spec: LeaseSpec }
  /** Ours: renew it (acquireTime and leaseTransitions kept). */
  | { action: 'renew'; spec: LeaseSpec }
  /** Someone else holds a live lease: act on nothing until `expiresAt` (ms since the epoch) at least. */
  | { action: 'follow'; holder: string; expiresAt: number };

/** A MicroTime as the API server writes it: RFC 3339, UTC, six fractional digits. */
export const microTime = microTimeOf;

const millis = (time: string | undefined): number | undefined => {
  const micros = parseMicroTime(time);
  return micros === undefined ? undefined : micros / 1000;
};

/**
 * When the lease stops being its holder's: renewTime plus the duration it
 * was written with. A lease with no renewTime or duration (written by hand)
 * counts as expired, so a candidate can take it over.
 */
export const leaseExpiresAt = (spec: LeaseSpec | undefined): number => {
  const renewed = millis(spec?.renewTime);
  const duration = spec?.leaseDurationSeconds;
  if (renewed === undefined || duration === undefined || duration <= 0) return Number.NEGATIVE_INFINITY;
  return renewed + duration * 1000;
};

/**
 * What a candidate does with the lease it just read.
 * - Absent: acquire (leaseTransitions 0).
 * - Held by `identity`: renew, keeping acquireTime and leaseTransitions
 *   (upstream renews its own lease even when late: the holder is still it).
 * - Held by another and not expired at `now`: follow.
 * - Released (holder empty) or expired: acquire, leaseTransitions + 1.
 */
export const decideLeadership = (
  lease: LeaseSpec | undefined,
  identity: string,
  now: Date,
  durationSeconds: number,
): LeadershipDecision => {
  const at = microTime(now);
  const holder = lease?.holderIdentity ?? '';
  if (!lease) {
    return { action: 'acquire', spec: { holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: at, renewTime: at, leaseTransitions: 0 } };
  }
  if (holder === identity) {
    return {
      action: 'renew',
      spec: { ...lease, holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: lease.acquireTime ?? at, renewTime: at, leaseTransitions: lease.leaseTransitions ?? 0 },
    };
  }
  const expiresAt = leaseExpiresAt(lease);
  if (holder !== '' && now.getTime() < expiresAt) return { action: 'follow', holder, expiresAt };
  return {
    action: 'acquire',
    spec: { ...lease, holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: at, renewTime: at, leaseTransitions: (lease.leaseTransitions ?? 0) + 1 },
  };
};

/**
 * A leader stepping down of its own accord (ReleaseOnCancel upstream): the
 * holder is emptied and the duration set to 1 s, so the next candidate takes
 * over at its next try instead of waiting out the lease. Undefined when the
 * lease is not `identity`'s (nothing to release).
 */
export const releaseLease = (lease: LeaseSpec | undefined, identity: string, now: Date): LeaseSpec | undefined => {
  if (!lease || lease.holderIdentity !== identity) return undefined;
  const at = microTime(now);
  return { ...lease, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: at, renewTime: at };
};

/** Upstream's defaults are 15 s lease, 10 s renew deadline, 2 s retry; these keep the same proportions. */
export interface ElectionTimings {
  leaseDurationMs: number;
  /** A leader whose last successful renewal is older than this steps down (before the lease can pass to another). */
  renewDeadlineMs: number;
  /** How often candidates try and the leader renews. */
  retryPeriodMs: number;
}

export const electionTimings = (leaseDurationSeconds: number): ElectionTimings => {
  const leaseDurationMs = leaseDurationSeconds * 1000;
  return { leaseDurationMs, renewDeadlineMs: Math.round((leaseDurationMs * 2) / 3), retryPeriodMs: Math.max(1, Math.round(leaseDurationMs / 5)) };
};

/**
 * Whether a leader may still act: its last renewal that landed (ms) is within
 * the renew deadline at `now`. Strictly less than the lease duration, so a
 * leader stops acting before any other process may take the lease.
 */
export const withinRenewDeadline = (lastRenewedAt: number, now: number, timings: ElectionTimings): boolean =>
  now - lastRenewedAt < timings.renewDeadlineMs;
