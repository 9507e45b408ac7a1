import {
  decideLeadership,
  electionTimings,
  leaseExpiresAt,
  type LeaseSpec,
  microTime,
  releaseLease,
  withinRenewDeadline,
} from './leader-election';

const T0 = new Date('2026-12-02T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const heldBy = (holderIdentity: string, renewedAtSeconds = 0, extra: Partial<LeaseSpec> = {}): LeaseSpec => ({
  holderIdentity,
  leaseDurationSeconds: 15,
  acquireTime: microTime(at(-100)),
  renewTime: microTime(at(renewedAtSeconds)),
  leaseTransitions: 3,
  ...extra,
});

describe('decideLeadership', () => {
  it('acquires an absent lease with no transitions', () =>
    expect(decideLeadership(undefined, 'a', T0, 15)).toEqual({
      action: 'acquire',
      spec: { holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: '2026-12-02T10:00:00.000000Z', renewTime: '2026-12-02T10:00:00.000000Z', leaseTransitions: 0 },
    }));

  it('renews its own lease, keeping acquireTime and leaseTransitions', () => {
    const d = decideLeadership(heldBy('a'), 'a', at(2), 15);
    expect(d).toEqual({ action: 'renew', spec: { ...heldBy('a'), renewTime: microTime(at(2)) } });
  });

  it('renews its own lease even past expiry (the holder is still itself, as upstream)', () =>
    expect(decideLeadership(heldBy('a'), 'a', at(60), 15).action).toBe('renew'));

  it.each([
    ['just renewed', 0, 'follow'],
    ['1 ms before expiry', 14.999, 'follow'],
    ['exactly at expiry', 15, 'acquire'],
    ['long expired', 300, 'acquire'],
  ])('another holder, %s → %s', (_name, seconds, action) => expect(decideLeadership(heldBy('b'), 'a', at(seconds), 15).action).toBe(action));

  it('follows with the holder and when its lease ends', () =>
    expect(decideLeadership(heldBy('b'), 'a', at(1), 15)).toEqual({ action: 'follow', holder: 'b', expiresAt: at(15).getTime() }));

  it('judges expiry by the duration the holder wrote, not its own', () => {
    expect(decideLeadership(heldBy('b', 0, { leaseDurationSeconds: 40 }), 'a', at(20), 15).action).toBe('follow');
    expect(decideLeadership(heldBy('b', 0, { leaseDurationSeconds: 40 }), 'a', at(40), 15).action).toBe('acquire');
  });

  it('takes over an expired lease: new acquireTime, one more transition, its own duration', () =>
    expect(decideLeadership(heldBy('b'), 'a', at(16), 20)).toEqual({
      action: 'acquire',
      spec: { holderIdentity: 'a', leaseDurationSeconds: 20, acquireTime: microTime(at(16)), renewTime: microTime(at(16)), leaseTransitions: 4 },
    }));

  it('takes a released lease (empty holder) at once', () => {
    const released = releaseLease(heldBy('b'), 'b', at(1))!;
    const d = decideLeadership(released, 'a', at(1), 15);
    expect(d.action).toBe('acquire');
    expect(d.action === 'acquire' && d.spec.leaseTransitions).toBe(4);
  });

  it('treats a lease without renewTime or duration as expired', () => {
    expect(decideLeadership({ holderIdentity: 'b' }, 'a', T0, 15).action).toBe('acquire');
    expect(leaseExpiresAt({ holderIdentity: 'b', renewTime: 'not a time', leaseDurationSeconds: 15 })).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('releaseLease', () => {
  it('empties the holder and shortens the duration to 1 s, transitions kept', () =>
    expect(releaseLease(heldBy('a'), 'a', at(5))).toEqual({ ...heldBy('a'), holderIdentity: '', leaseDurationSeconds: 1, acquireTime: microTime(at(5)), renewTime: microTime(at(5)) }));

  it('releases nothing it does not hold', () => {
    expect(releaseLease(heldBy('b'), 'a', at(5))).toBeUndefined();
    expect(releaseLease(undefined, 'a', at(5))).toBeUndefined();
  });
});

describe('renew deadline', () => {
  const timings = electionTimings(15);

  it('keeps upstream proportions: 10 s deadline, 3 s retry for a 15 s lease', () =>
    expect(timings).toEqual({ leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 3_000 }));

  it.each([
    ['renewed just now', 0, true],
    ['1 ms before the deadline', 9_999, true],
    ['at the deadline', 10_000, false],
    ['past the lease duration', 15_000, false],
  ])('%s → may act: %s', (_name, elapsed, ok) => expect(withinRenewDeadline(T0.getTime(), T0.getTime() + elapsed, timings)).toBe(ok));

  it('steps down before another process may take the lease', () => expect(timings.renewDeadlineMs).toBeLessThan(timings.leaseDurationMs));
});

describe('microTime', () => {
  it('writes six fractional digits, as the API server does', () => expect(microTime(new Date('2026-12-02T10:00:00.123Z'))).toBe('2026-12-02T10:00:00.123000Z'));
});
