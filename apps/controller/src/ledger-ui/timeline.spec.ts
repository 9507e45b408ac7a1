import { buildTimeline, findUndos, keyAtPosition, makeScale, nodeTrack, parseFragment, rolloutAt, rolloutSpan, stepPositions, type Rollout, type RolloutStep } from './timeline';

const T0 = Date.parse('2026-12-02T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
let pos = 100;
const step = (name: string, s: number, position = ++pos): RolloutStep => ({ step: name, time: at(s), position });

const aRollout = (n: number, o: Partial<Rollout['spec']> & { state?: string; start?: number; end?: number; nodes?: Record<string, RolloutStep[]>; startPosition?: number; lastPosition?: number } = {}): Rollout => ({
  metadata: { name: `nginx-ds-${n}`, namespace: 'default', creationTimestamp: at(o.start ?? 0) },
  spec: { daemonSet: 'nginx-ds', rollout: n, fromRevision: n === 1 ? null : n - 1, toRevision: n, toHash: `hash-${n}`, ...o },
  status: {
    state: (o.state ?? 'Complete') as 'Complete',
    startedAt: at(o.start ?? 0),
    ...(o.end !== undefined ? { endedAt: at(o.end) } : {}),
    startPosition: o.startPosition ?? 1,
    lastPosition: o.lastPosition ?? 2,
    nodes: Object.entries(o.nodes ?? {}).map(([node, steps]) => ({ node, steps })),
  },
});

describe('a node track: steps to segments and markers', () => {
  it('reads a whole replacement as stopping, pending, pulling, starting, then Ready and Available', () => {
    const steps = [
      step('OldPodStopRequested', 0),
      step('OldPodDeleted', 2),
      step('NewPodCreated', 2),
      step('Scheduled', 2),
      step('Pulling', 3),
      step('Pulled', 5),
      step('Started', 6),
      step('Ready', 7),
      step('Available', 7),
    ];
    const t = nodeTrack(steps, 'time', Date.parse(at(10)));
    expect(t.segments.map((s) => [s.kind, (s.from - T0) / 1000, (s.to - T0) / 1000, s.open])).toEqual([
      ['stopping', 0, 2, false],
      ['pending', 2, 3, false],
      ['pulling', 3, 5, false],
      ['starting', 5, 7, false],
    ]);
    expect(t.markers.map((m) => m.kind)).toEqual(['ready', 'available']);
  });

  it('shows a wait for maxUnavailable until the node’s next step, and a pull failure as a back-off still open', () => {
    const steps = [step('WaitingForMaxUnavailable', 1), step('WaitingForMaxUnavailable', 2), step('OldPodStopRequested', 4), step('OldPodDeleted', 5), step('NewPodCreated', 5), step('Pulling', 5), step('PullFailed', 6)];
    const t = nodeTrack(steps, 'time', Date.parse(at(20)));
    expect(t.segments.map((s) => [s.kind, (s.from - T0) / 1000, (s.to - T0) / 1000, s.open])).toEqual([
      ['waiting', 1, 4, false],
      ['stopping', 4, 5, false],
      ['pending', 5, 5, false],
      ['pulling', 5, 6, false],
      ['backoff', 6, 20, true],
    ]);
    expect(t.markers.map((m) => m.kind)).toEqual(['pullFailed']);
  });

  it('keeps a Ready-but-not-yet-Available stretch, and a start without a pull', () => {
    const steps = [step('NewPodCreated', 0), step('Started', 1), step('Ready', 2), step('Available', 5)];
    expect(nodeTrack(steps, 'time', Date.parse(at(5))).segments.map((s) => s.kind)).toEqual(['pending', 'starting', 'ready']);
  });

  it('measures by log position on the position axis', () => {
    const steps = [step('OldPodStopRequested', 0, 10), step('OldPodDeleted', 0, 14)];
    expect(nodeTrack(steps, 'position', 14).segments).toMatchObject([{ kind: 'stopping', from: 10, to: 14 }]);
  });
});

describe('undos', () => {
  it('marks a rollout back to an earlier template, naming it', () => {
    const rs = [aRollout(1, { toHash: 'a' }), aRollout(2, { toHash: 'b' }), aRollout(3, { toHash: 'c' }), aRollout(4, { toHash: 'b', toRevision: 4 })];
    expect(findUndos(rs)).toEqual({ 4: 'back to the template of rollout #2 (was revision 2)' });
  });

  it('believes a change-cause that says undo or rollback', () => {
    expect(findUndos([aRollout(1), aRollout(2, { changeCause: 'kubectl rollout undo ds/nginx-ds' })])).toEqual({ 2: 'change-cause: kubectl rollout undo ds/nginx-ds' });
  });

  it('is not fooled by the order rollouts arrive in', () => {
    expect(Object.keys(findUndos([aRollout(2, { toHash: 'a' }), aRollout(1, { toHash: 'a' })]))).toEqual(['2']);
  });
});

describe('the scale', () => {
  it('is linear over one busy stretch', () => {
    const s = makeScale([[0, 100]]);
    expect([s.at(0), s.at(50), s.at(100)]).toEqual([0, 0.5, 1]);
  });

  it('cuts a long idle gap out as a break, keeping order', () => {
    const s = makeScale([
      [0, 10],
      [10_000, 10_010],
    ]);
    expect(s.breaks).toHaveLength(1);
    expect(s.breaks[0].gap).toBe(9_990);
    expect(s.at(10)).toBeLessThan(s.breaks[0].x0 + 1e-9);
    expect(s.at(10_000)).toBeCloseTo(s.breaks[0].x1);
    expect(s.at(5_000)).toBeGreaterThan(s.at(10));
    expect(s.at(5_000)).toBeLessThan(s.at(10_000));
    expect(s.at(10_010)).toBeCloseTo(1);
  });

  it('keeps short gaps as real time and gives every stretch a minimum width', () => {
    expect(
      makeScale([
        [0, 100],
        [105, 200],
      ]).breaks,
    ).toHaveLength(0);
    const s = makeScale([
      [0, 1000],
      [100_000, 100_001],
    ]);
    expect(s.pieces[1].x1 - s.pieces[1].x0).toBeGreaterThan(0.05);
  });

  it('gives every rollout room for its band, even one of a few ms beside one of seconds', () => {
    const s = makeScale([
      [0, 5_000],
      [5_000, 5_010],
      [5_010, 5_020],
    ]);
    expect(s.pieces).toHaveLength(3);
    for (const p of s.pieces) expect(p.x1 - p.x0).toBeGreaterThanOrEqual(0.09);
    expect(s.at(5_000)).toBeCloseTo(s.pieces[1].x0);
    expect(s.at(5_020)).toBeCloseTo(1);
  });

  it('clips a rollout where the next begins, so overlapping spans still map in order', () => {
    const s = makeScale([
      [0, 100],
      [50, 150],
    ]);
    expect(s.pieces.map((p) => [p.from, p.to])).toEqual([
      [0, 50],
      [50, 150],
    ]);
    const xs = [0, 25, 50, 75, 100, 150].map(s.at);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
  });

  it('copes with a stretch of no duration (every step in the same second)', () => {
    const s = makeScale([[5, 5]]);
    expect(Number.isFinite(s.at(5))).toBe(true);
  });
});

describe('the timeline of a DaemonSet', () => {
  const rs = [
    aRollout(1, { start: 0, end: 10, nodes: { 'node-10': [step('NewPodCreated', 1), step('Ready', 3)], 'node-2': [step('NewPodCreated', 1), step('Ready', 4)] } }),
    aRollout(2, { start: 3600, state: 'Stalled', changeCause: 'set image nginx:1.91', nodes: { 'node-2': [step('OldPodStopRequested', 3601), step('OldPodDeleted', 3602), step('NewPodCreated', 3602), step('Pulling', 3602), step('PullFailed', 3603)] } }),
    aRollout(3, { start: 3700, end: 3710, toHash: 'hash-1', nodes: { 'node-2': [step('NewPodCreated', 3701), step('Ready', 3702)] } }),
  ];
  const tl = buildTimeline(rs, 'time', Date.parse(at(4000)));

  it('has one lane per node, in natural order, holding every rollout’s steps', () => {
    expect(tl.lanes.map((l) => l.node)).toEqual(['node-2', 'node-10']);
    expect(new Set(tl.lanes[0].segments.map((s) => s.rollout))).toEqual(new Set([1, 2, 3]));
  });

  it('has one band per rollout, from → to revision, with stalls, pull failures and undos', () => {
    expect(tl.bands.map((b) => [b.rollout, b.fromRevision, b.toRevision, b.stalled, b.pullFailures, b.undo !== null])).toEqual([
      [1, null, 1, false, 0, false],
      [2, 1, 2, true, 1, false],
      [3, 2, 3, false, 0, true],
    ]);
  });

  it('still marks a stall the undo superseded, by its failed pulls', () => {
    const superseded = aRollout(2, { state: 'Superseded', nodes: { a: [step('Pulling', 1), step('PullFailed', 2)] } });
    expect(buildTimeline([superseded], 'time').bands[0]).toMatchObject({ state: 'Superseded', stalled: true, pullFailures: 1 });
    expect(buildTimeline([aRollout(1, { state: 'Superseded' })], 'time').bands[0].stalled).toBe(false);
  });

  it('keeps a band for a rollout whose per-node steps the server pruned', () => {
    const pruned = aRollout(1, { start: 0, end: 5 });
    pruned.status!.nodesPruned = true;
    delete pruned.status!.nodes;
    const t = buildTimeline([pruned, aRollout(2, { start: 10, end: 12, nodes: { a: [step('Ready', 11)] } })], 'time');
    expect(t.bands.map((b) => [b.rollout, b.pruned])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(t.lanes.map((l) => l.node)).toEqual(['a']);
  });

  it('draws bands left to right without overlap, an hour of quiet cut out', () => {
    const xs = tl.bands.map((b) => [tl.scale.at(b.from), tl.scale.at(b.to)]);
    for (let i = 1; i < xs.length; i++) expect(xs[i][0]).toBeGreaterThanOrEqual(xs[i - 1][1]);
    expect(tl.scale.breaks.length).toBeGreaterThanOrEqual(1);
  });

  it('ends a stalled rollout at its last step, a progressing one at now', () => {
    expect(rolloutSpan(rs[1], 'time', Date.parse(at(4000)))[1]).toBe(Date.parse(at(3603)));
    const running = aRollout(4, { start: 10, state: 'Progressing', nodes: { n: [step('NewPodCreated', 11)] } });
    expect(rolloutSpan(running, 'time', Date.parse(at(50)))[1]).toBe(Date.parse(at(50)));
  });
});

describe('positions', () => {
  const rs = [aRollout(1, { startPosition: 10, lastPosition: 20, nodes: { a: [step('Ready', 0, 15), step('Available', 0, 20)] } }), aRollout(2, { state: 'Progressing', startPosition: 30, lastPosition: 35, nodes: { a: [step('Ready', 0, 35)] } })];

  it('finds the rollout under way at a position', () => {
    expect([5, 10, 20, 25, 31, 999].map((p) => rolloutAt(rs, p)?.spec.rollout ?? null)).toEqual([null, 1, 1, null, 2, 2]);
  });

  it('places a position on the axis at the last time recorded at or before it', () => {
    const timed = [aRollout(1, { start: 0, startPosition: 10, nodes: { a: [step('Ready', 5, 15)] } })];
    expect([9, 10, 14, 15, 99].map((p) => keyAtPosition(timed, 'time', p))).toEqual([undefined, T0, T0, T0 + 5000, T0 + 5000]);
    expect(keyAtPosition(timed, 'position', 12)).toBe(12);
  });

  it('lists every step position once, sorted', () => {
    expect(stepPositions(rs)).toEqual([15, 20, 35]);
  });
});

describe('the URL fragment', () => {
  it('reads a token, a DaemonSet and a position, decoding them', () => {
    expect(parseFragment('#token=abc%2Bdef&ds=default%2Fnginx-ds&at=12')).toEqual({ token: 'abc+def', ds: 'default/nginx-ds', at: '12' });
  });

  it('ignores what it cannot decode', () => {
    expect(parseFragment('#token=%E0%A4%A&x=1')).toEqual({ x: '1' });
    expect(parseFragment('')).toEqual({});
  });
});
