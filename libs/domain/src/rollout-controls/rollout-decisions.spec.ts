import {
  autoRollbackCause,
  canaryStep,
  controlEvents,
  deadlineAt,
  deadlineMessage,
  deadlinePassed,
  heldMessage,
  holding,
  NO_CONTROLS,
  progressingCondition,
  recordControl,
  type RecordedControls,
  stallAction,
} from './rollout-decisions';

const counts = { desired: 10, updated: 4, available: 10, unavailable: 0 };

describe('rollout control events (what the rollout stream records of its controls)', () => {
  it('nothing changed: no event', () => {
    expect(controlEvents(NO_CONTROLS, { paused: false, partition: 0 }, counts)).toEqual([]);
    expect(controlEvents({ paused: true, partition: 3, selector: 'zone=a' }, { paused: true, partition: 3, selector: 'zone=a' }, counts)).toEqual([]);
  });

  it('a pause and a resume, with the counts at that moment', () => {
    expect(controlEvents(NO_CONTROLS, { paused: true, partition: 0 }, counts)).toEqual([{ type: 'RolloutPaused', data: counts }]);
    expect(controlEvents({ ...NO_CONTROLS, paused: true }, { paused: false, partition: 0 }, counts)).toEqual([{ type: 'RolloutResumed', data: counts }]);
  });

  it('a partition set, then lowered: from and to', () => {
    expect(controlEvents(NO_CONTROLS, { paused: false, partition: 5 }, counts)).toEqual([{ type: 'RolloutPartitionChanged', data: { ...counts, from: 0, to: 5 } }]);
    expect(controlEvents({ ...NO_CONTROLS, partition: 5 }, { paused: false, partition: 2 }, counts)).toEqual([{ type: 'RolloutPartitionChanged', data: { ...counts, from: 5, to: 2 } }]);
  });

  it('a wave by selector starts, and clearing the selector starts the last wave (every node)', () => {
    expect(controlEvents(NO_CONTROLS, { paused: false, partition: 0, selector: 'zone=a' }, counts)).toEqual([{ type: 'RolloutWaveStarted', data: { ...counts, selector: 'zone=a' } }]);
    expect(controlEvents({ ...NO_CONTROLS, selector: 'zone=a' }, { paused: false, partition: 0 }, counts)).toEqual([{ type: 'RolloutWaveStarted', data: { ...counts, selector: '' } }]);
  });

  it('several at once: partition, then wave, then the pause (a resume comes last)', () => {
    expect(controlEvents(NO_CONTROLS, { paused: true, partition: 1, selector: 'pool=gpu' }, counts).map((e) => e.type)).toEqual(['RolloutPartitionChanged', 'RolloutWaveStarted', 'RolloutPaused']);
    expect(controlEvents({ paused: true, partition: 1, selector: '' }, { paused: false, partition: 0 }, counts).map((e) => e.type)).toEqual(['RolloutPartitionChanged', 'RolloutResumed']);
  });

  it('folding the events it decided gives the controls it was asked for (record ∘ decide = now)', () => {
    const cases: [RecordedControls, { paused: boolean; partition: number; selector?: string }][] = [
      [NO_CONTROLS, { paused: true, partition: 2, selector: 'zone=b' }],
      [{ paused: true, partition: 2, selector: 'zone=b' }, { paused: false, partition: 0 }],
      [{ paused: false, partition: 7, selector: '' }, { paused: false, partition: 7, selector: 'a in (x,y)' }],
    ];
    for (const [before, now] of cases) {
      const after = controlEvents(before, now, counts).reduce(recordControl, before);
      expect(after).toEqual({ paused: now.paused, partition: now.partition, selector: now.selector ?? '' });
    }
  });

  it('events of other kinds leave the record as it is', () => {
    expect(recordControl(NO_CONTROLS, { type: 'RolloutProgressed', data: {} })).toBe(NO_CONTROLS);
  });
});

describe('a rollout holds when only its controls keep nodes back', () => {
  it('every other node updated and available: holding', () => {
    expect(holding({ desired: 10, updated: 7, available: 10, unavailable: 0 }, 3)).toBe(true);
  });
  it('nodes still to update, or a pod not yet available: not holding', () => {
    expect(holding({ desired: 10, updated: 6, available: 10, unavailable: 0 }, 3)).toBe(false);
    expect(holding({ desired: 10, updated: 7, available: 9, unavailable: 1 }, 3)).toBe(false);
  });
  it('nothing held back: not holding (the rollout completes instead)', () => {
    expect(holding({ desired: 10, updated: 10, available: 10, unavailable: 0 }, 0)).toBe(false);
  });
  it('the message names the controls', () => {
    expect(heldMessage({ paused: false, partition: 3 }, 3)).toBe('3 node(s) kept on the old revision by partition 3');
    expect(heldMessage({ paused: false, partition: 1, selector: 'zone=a' }, 4)).toBe('4 node(s) kept on the old revision by partition 1 and selector zone=a');
  });
});

describe('the progress deadline (progress-deadline-seconds)', () => {
  const at = (state: string, progressAtMs = 1_000, deadlineExceeded = false) => ({ state, progressAtMs, deadlineExceeded });

  it('falls S seconds after the last progress, and not before', () => {
    expect(deadlineAt(at('running'), 30)).toBe(31_000);
    expect(deadlinePassed(at('running'), 30, 30_999)).toBe(false);
    expect(deadlinePassed(at('running'), 30, 31_000)).toBe(true);
    expect(deadlinePassed(at('stalled'), 30, 40_000)).toBe(true);
  });

  it('does not run without the annotation, once told, once ended, or while the rollout waits on a control (pause, hold)', () => {
    expect(deadlineAt(at('running'), undefined)).toBeUndefined();
    expect(deadlineAt(at('stalled', 1_000, true), 30)).toBeUndefined();
    for (const s of ['completed', 'superseded', 'rolledback', 'paused', 'holding']) expect(deadlineAt(at(s), 30)).toBeUndefined();
  });

  it('says what a Deployment says, with the counts', () => {
    expect(deadlineMessage('nginx-ds', 30, { desired: 5, updated: 1, available: 4, unavailable: 1 })).toBe(
      'DaemonSet "nginx-ds" has timed out progressing: no progress for 30s (1/5 updated, 4 available)',
    );
  });

  it('the Progressing condition: False past the deadline, True while progressing and once available', () => {
    expect(progressingCondition('exceeded', 'm', 'T')).toEqual({ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'm', lastTransitionTime: 'T' });
    expect(progressingCondition('progressing', 'm', 'T')).toMatchObject({ status: 'True', reason: 'NewRevisionProgressing' });
    expect(progressingCondition('complete', 'm', 'T')).toMatchObject({ status: 'True', reason: 'NewRevisionAvailable' });
  });
});

describe('on-stall: what to do once a rollout is past its deadline', () => {
  const stalled = { rollout: 4, toHash: 'h4', state: 'stalled', message: 'no progress for 30s' };
  const history = [
    { rollout: 1, toHash: 'h1', state: 'completed' },
    { rollout: 2, toHash: 'h2', state: 'completed' },
    { rollout: 3, toHash: 'h3', state: 'superseded' },
    stalled,
  ];

  it('nothing without on-stall', () => expect(stallAction(undefined, stalled, history)).toBeUndefined());

  it('pause: pause, saying why', () => {
    expect(stallAction('pause', stalled, history)).toEqual({ kind: 'pause', reason: 'rollout 4 made no progress: no progress for 30s' });
  });

  it('rollback: to the newest earlier rollout that completed (a superseded one never was fully available)', () => {
    expect(stallAction('rollback', stalled, history)).toEqual({ kind: 'rollback', toHash: 'h2', reason: 'rollout 4 made no progress: no progress for 30s' });
  });

  it('rollback skips a completed rollout to the same template, and pauses when nothing earlier was good', () => {
    expect(stallAction('rollback', stalled, [{ rollout: 2, toHash: 'h4', state: 'completed' }, stalled])).toMatchObject({ kind: 'pause', reason: expect.stringContaining('no earlier revision was fully available') });
  });

  it('the change-cause an automatic rollback records', () => expect(autoRollbackCause('why')).toBe('auto-rollback: why'));
});

describe('the canary (canary, canary-hold-seconds)', () => {
  const canary = { nodes: 2, holdSeconds: 10 };
  const pod = (name: string, available = true, restarts = 0) => ({ name, available, restarts });

  it('holds once `nodes` new pods are available, watching those pods and their restarts', () => {
    expect(canaryStep(canary, {}, 5, [pod('a'), pod('b', false)], 0)).toEqual({ kind: 'wait' });
    expect(canaryStep(canary, {}, 5, [pod('a', true, 1), pod('b')], 0)).toEqual({ kind: 'hold', pods: ['a', 'b'], restarts: 1 });
  });

  it('a DaemonSet smaller than the canary holds every pod', () => {
    expect(canaryStep(canary, {}, 1, [pod('a')], 0)).toEqual({ kind: 'hold', pods: ['a'], restarts: 0 });
  });

  it('passes when the hold is over with every watched pod available and no new restart; waits until then', () => {
    const held = { heldAtMs: 1_000, pods: ['a', 'b'], restarts: 1 };
    expect(canaryStep(canary, held, 5, [pod('a', true, 1), pod('b')], 10_999)).toEqual({ kind: 'wait', untilMs: 11_000 });
    expect(canaryStep(canary, held, 5, [pod('a', true, 1), pod('b')], 11_000)).toEqual({ kind: 'pass' });
  });

  it('fails when a watched pod restarts, stops being available, or goes away', () => {
    const held = { heldAtMs: 1_000, pods: ['a', 'b'], restarts: 0 };
    expect(canaryStep(canary, held, 5, [pod('a', true, 2), pod('b')], 2_000)).toEqual({ kind: 'fail', message: 'canary pods restarted 2 time(s) during the hold' });
    expect(canaryStep(canary, held, 5, [pod('a'), pod('b', false)], 2_000)).toEqual({ kind: 'fail', message: 'canary pod(s) b stopped being available during the hold' });
    expect(canaryStep(canary, held, 5, [pod('a')], 2_000)).toEqual({ kind: 'fail', message: 'canary pod(s) b went away during the hold' });
  });

  it('once passed or failed, nothing more', () => {
    expect(canaryStep(canary, { passed: true }, 5, [], 0)).toEqual({ kind: 'wait' });
    expect(canaryStep(canary, { failed: true }, 5, [], 0)).toEqual({ kind: 'wait' });
  });
});
