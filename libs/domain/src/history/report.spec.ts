import { formatReport, type VerifyReport } from './report';

const counts = { events: 120, head: 120, daemonSets: 2, revisionsCreated: 3, revisionsRenumbered: 1, podsCreated: 9, rollingDeletions: 6, maxPodsPerNode: 1, maxUnavailableSeen: 1, duplicates: 0, live: 3 };
const ok = (o: Partial<VerifyReport>) => formatReport({ ok: true, events: 120, head: 120, chainedFrom: 1, hashChain: 'verified', counts, ...o });

describe('how a verification reads', () => {
  it('OK with counts, and where the hash chain starts', () => {
    expect(ok({})).toBe(
      [
        'OK: 120 events up to position 120',
        '  2 daemonsets, 3 controllerrevisions created, 1 renumbered: revision numbers only grow',
        '  9 pods created, at most 1 per node and daemonset; 6 rolling-update deletions within maxUnavailable',
        '  positions without holes; hash chain verified from the first event',
        '',
      ].join('\n'),
    );
    expect(ok({ chainedFrom: 41 })).toContain('hash chain verified from position 41 (turned on there; earlier events carry none)');
    expect(ok({ chainedFrom: null })).toContain('hash chain: not started yet');
    expect(ok({ hashChain: 'unsupported', chainedFrom: null })).toContain('hash chain: not kept by this store');
  });

  it('a violation: rule, message, and the events around it, a missing one in its place', () => {
    const at = (position: number) => ({ position, streamId: `pod-default.p${position}`, type: 'PodBound', revision: 1, time: '2026-12-02T12:00:00Z', actor: 'daemonset-controller' });
    const text = formatReport({
      ok: false, events: 9, head: 9, chainedFrom: null, hashChain: 'broken', counts,
      violation: { position: 10, rule: 'position-hole', message: 'event 10 is missing: position 11 follows 9', around: [at(9), at(11)] },
    });
    expect(text.split('\n')).toEqual([
      'VIOLATION at position 10 (position-hole): event 10 is missing: position 11 follows 9',
      '',
      '  POSITION  TIME                     ACTOR                  STREAM                                   REV  TYPE',
      '  9         2026-12-02T12:00:00Z     daemonset-controller   pod-default.p9                           1    PodBound',
      '> 10        (missing)',
      '  11        2026-12-02T12:00:00Z     daemonset-controller   pod-default.p11                          1    PodBound',
      '',
      'checked 9 events before stopping; hash chain: broken',
      '',
    ]);
  });
});
