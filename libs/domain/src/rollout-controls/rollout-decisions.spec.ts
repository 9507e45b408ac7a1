import { controlEvents, heldMessage, holding, NO_CONTROLS, recordControl, type RecordedControls } from './rollout-decisions';

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
