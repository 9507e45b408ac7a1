import { aDaemonSet } from '../../test/a-daemon-set';
import { refused } from '../../test/refused';
import { admitDaemonSetCreate, admitDaemonSetUpdate } from '../api/daemon-set-strategy';
import { errorText } from '../api/field-errors';
import { toStatus } from '../api/status';
import {
  CANARY_ANNOTATION,
  CANARY_HOLD_ANNOTATION,
  ON_STALL_ANNOTATION,
  PARTITION_ANNOTATION,
  PAUSED_ANNOTATION,
  PROGRESS_DEADLINE_ANNOTATION,
  readRolloutControls,
  SELECTOR_ANNOTATION,
  updatableNodes,
  type NodeUpdateState,
  validateRolloutControls,
  type RolloutControls,
} from './controls';

const NONE: RolloutControls = { paused: false, partition: 0 };

describe('readRolloutControls', () => {
  it('no annotations: not paused, no partition, nothing else', () => {
    expect(readRolloutControls(undefined)).toEqual(NONE);
    expect(readRolloutControls({ 'example.com/other': 'x' })).toEqual(NONE);
  });

  it('reads every control as written', () => {
    expect(
      readRolloutControls({
        [PAUSED_ANNOTATION]: 'true',
        [PARTITION_ANNOTATION]: '3',
        [SELECTOR_ANNOTATION]: 'zone in (a, b),!drain',
        [PROGRESS_DEADLINE_ANNOTATION]: '600',
        [ON_STALL_ANNOTATION]: 'rollback',
        [CANARY_ANNOTATION]: '2',
        [CANARY_HOLD_ANNOTATION]: '120',
      }),
    ).toEqual({
      paused: true,
      partition: 3,
      selector: 'zone in (a, b),!drain',
      progressDeadlineSeconds: 600,
      onStall: 'rollback',
      canary: { nodes: 2, holdSeconds: 120 },
    });
  });

  it('a canary without a hold holds 0 seconds', () => {
    expect(readRolloutControls({ [CANARY_ANNOTATION]: '1' }).canary).toEqual({ nodes: 1, holdSeconds: 0 });
  });

  it.each<[string, Record<string, string>]>([
    ['paused "yes"', { [PAUSED_ANNOTATION]: 'yes' }],
    ['paused "True" (case matters)', { [PAUSED_ANNOTATION]: 'True' }],
    ['partition "-1"', { [PARTITION_ANNOTATION]: '-1' }],
    ['partition "03"', { [PARTITION_ANNOTATION]: '03' }],
    ['partition beyond int32', { [PARTITION_ANNOTATION]: '2147483648' }],
    ['an empty selector', { [SELECTOR_ANNOTATION]: '' }],
    ['a selector that does not parse', { [SELECTOR_ANNOTATION]: 'zone in (a' }],
    ['a deadline of 0', { [PROGRESS_DEADLINE_ANNOTATION]: '0' }],
    ['on-stall "retry"', { [ON_STALL_ANNOTATION]: 'retry' }],
    ['a canary of 0 nodes', { [CANARY_ANNOTATION]: '0' }],
    ['a hold without a canary', { [CANARY_HOLD_ANNOTATION]: '30' }],
  ])('an unreadable value reads as unset: %s', (_name, annotations) => {
    expect(readRolloutControls(annotations)).toEqual(NONE);
  });

  it('an unreadable hold reads as no hold, the canary stays', () => {
    expect(readRolloutControls({ [CANARY_ANNOTATION]: '2', [CANARY_HOLD_ANNOTATION]: 'soon' }).canary).toEqual({ nodes: 2, holdSeconds: 0 });
  });
});

describe('validateRolloutControls', () => {
  const texts = (annotations: Record<string, string>) => validateRolloutControls(annotations).map(errorText);
  const f = (key: string) => `metadata.annotations[${key}]`;
  const WHOLE = "must be a whole number in decimal notation (regex used for validation is '0|[1-9][0-9]*')";

  it.each<[string, Record<string, string>]>([
    ['no annotations', {}],
    ['other annotations only', { 'example.com/x': 'anything' }],
    ['paused "true" / "false"', { [PAUSED_ANNOTATION]: 'false' }],
    ['partition 0 and int32 max', { [PARTITION_ANNOTATION]: '2147483647' }],
    ['a set-based selector', { [SELECTOR_ANNOTATION]: 'zone notin (c),pool' }],
    ['a deadline with on-stall', { [PROGRESS_DEADLINE_ANNOTATION]: '1', [ON_STALL_ANNOTATION]: 'pause' }],
    ['a deadline alone', { [PROGRESS_DEADLINE_ANNOTATION]: '300' }],
    ['a canary with a hold of 0', { [CANARY_ANNOTATION]: '1', [CANARY_HOLD_ANNOTATION]: '0' }],
    ['a canary alone', { [CANARY_ANNOTATION]: '5' }],
  ])('valid: %s', (_name, annotations) => {
    expect(texts(annotations)).toEqual([]);
  });

  it.each<[string, Record<string, string>, string[]]>([
    ['paused is "true" or "false"', { [PAUSED_ANNOTATION]: 'yes' }, [`${f(PAUSED_ANNOTATION)}: Unsupported value: "yes": supported values: "true", "false"`]],
    ['partition is a whole number', { [PARTITION_ANNOTATION]: 'two' }, [`${f(PARTITION_ANNOTATION)}: Invalid value: "two": ${WHOLE}`]],
    ['partition has no sign', { [PARTITION_ANNOTATION]: '-1' }, [`${f(PARTITION_ANNOTATION)}: Invalid value: "-1": ${WHOLE}`]],
    ['partition has no leading zero', { [PARTITION_ANNOTATION]: '007' }, [`${f(PARTITION_ANNOTATION)}: Invalid value: "007": ${WHOLE}`]],
    ['partition fits in int32', { [PARTITION_ANNOTATION]: '2147483648' }, [`${f(PARTITION_ANNOTATION)}: Invalid value: "2147483648": must be between 0 and 2147483647, inclusive`]],
    ['the deadline is at least 1', { [PROGRESS_DEADLINE_ANNOTATION]: '0' }, [`${f(PROGRESS_DEADLINE_ANNOTATION)}: Invalid value: "0": must be between 1 and 2147483647, inclusive`]],
    ['the canary is at least 1 node', { [CANARY_ANNOTATION]: '0' }, [`${f(CANARY_ANNOTATION)}: Invalid value: "0": must be between 1 and 2147483647, inclusive`]],
    ['the hold is a whole number', { [CANARY_ANNOTATION]: '1', [CANARY_HOLD_ANNOTATION]: '1.5' }, [`${f(CANARY_HOLD_ANNOTATION)}: Invalid value: "1.5": ${WHOLE}`]],
    ['the selector is not empty', { [SELECTOR_ANNOTATION]: ' ' }, [`${f(SELECTOR_ANNOTATION)}: Required value: a label selector that selects the nodes to update`]],
    [
      'the selector parses',
      { [SELECTOR_ANNOTATION]: 'zone in (a' },
      [`${f(SELECTOR_ANNOTATION)}: Invalid value: "zone in (a": unable to parse requirement: found '', expected: ',' or ')'`],
    ],
    ['on-stall is "pause" or "rollback"', { [PROGRESS_DEADLINE_ANNOTATION]: '60', [ON_STALL_ANNOTATION]: 'undo' }, [`${f(ON_STALL_ANNOTATION)}: Unsupported value: "undo": supported values: "pause", "rollback"`]],
    ['on-stall needs progress-deadline-seconds', { [ON_STALL_ANNOTATION]: 'pause' }, [`${f(PROGRESS_DEADLINE_ANNOTATION)}: Required value: must be set when ${ON_STALL_ANNOTATION} is set`]],
    ['canary-hold-seconds needs canary', { [CANARY_HOLD_ANNOTATION]: '30' }, [`${f(CANARY_ANNOTATION)}: Required value: must be set when ${CANARY_HOLD_ANNOTATION} is set`]],
    [
      'an unknown key under the prefix names the known ones',
      { 'rollout.daemonledger.io/pasued': 'true' },
      [
        'metadata.annotations: Unsupported value: "rollout.daemonledger.io/pasued": supported values: "rollout.daemonledger.io/canary", "rollout.daemonledger.io/canary-hold-seconds", "rollout.daemonledger.io/on-stall", "rollout.daemonledger.io/partition", "rollout.daemonledger.io/paused", "rollout.daemonledger.io/progress-deadline-seconds", "rollout.daemonledger.io/selector"',
      ],
    ],
    [
      'every bad value is reported, in key order',
      { [PAUSED_ANNOTATION]: 'no', [PARTITION_ANNOTATION]: 'x' },
      [`${f(PARTITION_ANNOTATION)}: Invalid value: "x": ${WHOLE}`, `${f(PAUSED_ANNOTATION)}: Unsupported value: "no": supported values: "true", "false"`],
    ],
  ])('%s', (_name, annotations, expected) => {
    expect(texts(annotations)).toEqual(expected);
  });
});

describe('updatableNodes (OpenKruise\'s rule: filterDaemonPodsNodeToUpdate)', () => {
  const names = ['node-0', 'node-1', 'node-2', 'node-3', 'node-4'];
  const zones: Record<string, Record<string, string>> = {
    'node-0': { zone: 'a' },
    'node-1': { zone: 'b' },
    'node-2': { zone: 'a' },
    'node-3': { zone: 'b' },
    'node-4': { zone: 'a' },
  };
  const old = (...ns: string[]): NodeUpdateState[] => ns.map((name) => ({ name, state: 'old' }));
  const allowed = (controls: Partial<RolloutControls>, on: readonly NodeUpdateState[] = old(...names)) => {
    const may = updatableNodes({ ...NONE, ...controls }, on, (n) => zones[n]);
    return on.map((n) => n.name).filter(may);
  };

  it.each<[string, Partial<RolloutControls>, string[]]>([
    ['no control: every node', {}, names],
    ['paused: no node', { paused: true }, []],
    ['paused wins over every other control', { paused: true, partition: 1, selector: 'zone=a' }, []],
    ['partition 2 of 5 old nodes: the 3 highest names move, the 2 lowest keep the old revision', { partition: 2 }, ['node-2', 'node-3', 'node-4']],
    ['partition ≥ the node count: no node', { partition: 5 }, []],
    ['selector: only matching nodes', { selector: 'zone=a' }, ['node-0', 'node-2', 'node-4']],
    ['partition and selector combine: matching nodes, from the highest, while the partition leaves room', { partition: 3, selector: 'zone=a' }, ['node-2', 'node-4']],
    ['a selector that does not parse holds every node', { selector: 'zone in (' }, []],
  ])('%s', (_name, controls, expected) => {
    expect(allowed(controls)).toEqual(expected);
  });

  it('nodes already updated or between pods take their share of the room first', () => {
    const on: NodeUpdateState[] = [{ name: 'node-0', state: 'updated' }, { name: 'node-1', state: 'updating' }, ...old('node-2', 'node-3', 'node-4')];
    // 5 nodes, partition 2: room for 3 on the new revision; 2 are there or on the way, so one more: the highest old name.
    expect(allowed({ partition: 2 }, on)).toEqual(['node-4']);
    expect(allowed({ partition: 3 }, on)).toEqual([]);
  });

  it('"highest" is byte order of the names (node-9 is above node-10)', () => {
    expect(allowed({ partition: 1 }, old('node-10', 'node-8', 'node-9'))).toEqual(['node-8', 'node-9']);
  });

  it('a node without labels matches a selector as an empty label set', () => {
    const may = updatableNodes({ ...NONE, selector: '!drain' }, old('x'), () => undefined);
    expect(may('x')).toBe(true);
  });
});

describe('admission of rollout controls (create, update, patch)', () => {
  const withAnnotations = (annotations: Record<string, string>) => aDaemonSet({ metadata: { annotations } });

  it('a create with a bad value is a 422 naming the annotation', () => {
    const status = toStatus(refused(() => admitDaemonSetCreate(withAnnotations({ [PARTITION_ANNOTATION]: 'half' }))));
    expect(status).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(status.details?.causes).toEqual([
      { reason: 'FieldValueInvalid', field: `metadata.annotations[${PARTITION_ANNOTATION}]`, message: expect.stringContaining('Invalid value: "half"') },
    ]);
    expect(status.message).toContain(`DaemonSet.apps "foo" is invalid: metadata.annotations[${PARTITION_ANNOTATION}]`);
  });

  it('a create with valid controls is admitted with the annotations as written', () => {
    const ds = admitDaemonSetCreate(withAnnotations({ [PAUSED_ANNOTATION]: 'true', [SELECTOR_ANNOTATION]: 'zone=a' }));
    expect(ds.metadata.annotations).toMatchObject({ [PAUSED_ANNOTATION]: 'true', [SELECTOR_ANNOTATION]: 'zone=a' });
  });

  it('an update (or a patch, which the API applies and then admits as an update) with a bad value is a 422 naming the annotation', () => {
    const prev = admitDaemonSetCreate(aDaemonSet());
    const next = { ...prev, metadata: { ...prev.metadata, annotations: { ...prev.metadata.annotations, [PAUSED_ANNOTATION]: 'please' } } };
    const error = refused(() => admitDaemonSetUpdate(next, prev));
    expect(toStatus(error)).toMatchObject({ code: 422, reason: 'Invalid' });
    // Reported once, though v1.32's update validates meta and spec twice.
    expect(error.details.causes).toEqual([
      { reason: 'FieldValueNotSupported', field: `metadata.annotations[${PAUSED_ANNOTATION}]`, message: 'Unsupported value: "please": supported values: "true", "false"' },
    ]);
  });

  it('an update that sets, changes or clears valid controls is admitted', () => {
    const prev = admitDaemonSetCreate(withAnnotations({ [PARTITION_ANNOTATION]: '2' }));
    const lowered = admitDaemonSetUpdate({ ...prev, metadata: { ...prev.metadata, annotations: { [PARTITION_ANNOTATION]: '0' } } }, prev);
    expect(lowered.metadata.annotations).toEqual({ [PARTITION_ANNOTATION]: '0' });
    expect(() => admitDaemonSetUpdate({ ...prev, metadata: { ...prev.metadata, annotations: {} } }, prev)).not.toThrow();
  });
});
