/**
 * Rollout controls (issue 12): annotations under `rollout.daemonledger.io/` on a standard apps/v1
 * DaemonSet that hold, limit or stage its rolling update. Annotations, because the DaemonSet
 * schema is fixed and annotations are Kubernetes' extension point for such objects.
 *
 * One parser per annotation serves both admission (`validateRolloutControls`, which reports every
 * bad value) and the planner (`readRolloutControls`, which reads a bad value as unset: admission
 * keeps new values valid, but an object stored before a rule existed must still be planned).
 */
import { type FieldError, invalid, notSupported, required } from '../api/field-errors';
import { type LabelRequirement, parseLabelSelector, selectorMatches } from '../api/label-selector';

export const ROLLOUT_ANNOTATION_PREFIX = 'rollout.daemonledger.io/';
export const PAUSED_ANNOTATION = 'rollout.daemonledger.io/paused';
export const PARTITION_ANNOTATION = 'rollout.daemonledger.io/partition';
export const SELECTOR_ANNOTATION = 'rollout.daemonledger.io/selector';
export const PROGRESS_DEADLINE_ANNOTATION = 'rollout.daemonledger.io/progress-deadline-seconds';
export const ON_STALL_ANNOTATION = 'rollout.daemonledger.io/on-stall';
export const CANARY_ANNOTATION = 'rollout.daemonledger.io/canary';
export const CANARY_HOLD_ANNOTATION = 'rollout.daemonledger.io/canary-hold-seconds';

export interface RolloutControls {
  paused: boolean;
  partition: number; // 0 = none
  selector?: string; // the annotation's text, as written (a label selector)
  progressDeadlineSeconds?: number;
  onStall?: 'pause' | 'rollback';
  canary?: { nodes: number; holdSeconds: number };
}

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: FieldError };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(error: FieldError): Parsed<T> => ({ ok: false, error });

/** `field.Path.Key`: how apimachinery names one entry of a map. */
const fieldOf = (key: string): string => `metadata.annotations[${key}]`;

const INT32_MAX = 2147483647;
const WHOLE_NUMBER = /^(0|[1-9]\d*)$/;

/** A decimal whole number without sign or leading zeros, in [min, int32 max]. */
const wholeNumber =
  (key: string, min: number) =>
  (text: string): Parsed<number> => {
    if (!WHOLE_NUMBER.test(text)) {
      return bad(invalid(fieldOf(key), text, "must be a whole number in decimal notation (regex used for validation is '0|[1-9][0-9]*')"));
    }
    const n = Number(text);
    // validation.InclusiveRangeError's wording.
    return n < min || n > INT32_MAX ? bad(invalid(fieldOf(key), text, `must be between ${min} and ${INT32_MAX}, inclusive`)) : ok(n);
  };

const parsePaused = (text: string): Parsed<boolean> =>
  text === 'true' ? ok(true) : text === 'false' ? ok(false) : bad(notSupported(fieldOf(PAUSED_ANNOTATION), text, ['true', 'false']));

/** The string syntax of `kubectl -l`; an empty selector would select every node, so it must say something. */
const parseSelector = (text: string): Parsed<LabelRequirement[]> => {
  let requirements: LabelRequirement[];
  try {
    requirements = parseLabelSelector(text);
  } catch (e) {
    return bad(invalid(fieldOf(SELECTOR_ANNOTATION), text, e instanceof Error ? e.message : String(e)));
  }
  return requirements.length === 0 ? bad(required(fieldOf(SELECTOR_ANNOTATION), 'a label selector that selects the nodes to update')) : ok(requirements);
};

const parseOnStall = (text: string): Parsed<'pause' | 'rollback'> =>
  text === 'pause' || text === 'rollback' ? ok(text) : bad(notSupported(fieldOf(ON_STALL_ANNOTATION), text, ['pause', 'rollback']));

const PARSERS: Readonly<Record<string, (text: string) => Parsed<unknown>>> = {
  [PAUSED_ANNOTATION]: parsePaused,
  [PARTITION_ANNOTATION]: wholeNumber(PARTITION_ANNOTATION, 0),
  [SELECTOR_ANNOTATION]: parseSelector,
  [PROGRESS_DEADLINE_ANNOTATION]: wholeNumber(PROGRESS_DEADLINE_ANNOTATION, 1),
  [ON_STALL_ANNOTATION]: parseOnStall,
  [CANARY_ANNOTATION]: wholeNumber(CANARY_ANNOTATION, 1),
  [CANARY_HOLD_ANNOTATION]: wholeNumber(CANARY_HOLD_ANNOTATION, 0),
};

const KNOWN_ANNOTATIONS: readonly string[] = Object.keys(PARSERS).sort();

/** Which annotation needs which other one to mean anything. */
const NEEDS: readonly (readonly [string, string])[] = [
  [ON_STALL_ANNOTATION, PROGRESS_DEADLINE_ANNOTATION],
  [CANARY_HOLD_ANNOTATION, CANARY_ANNOTATION],
];

const has = (annotations: Record<string, string> | undefined, key: string): boolean =>
  annotations !== undefined && Object.prototype.hasOwnProperty.call(annotations, key);

/** The value of one annotation, or undefined when it is absent or unreadable. */
const readOne = <T>(annotations: Record<string, string> | undefined, key: string, parse: (text: string) => Parsed<T>): T | undefined => {
  if (!has(annotations, key)) return undefined;
  const parsed = parse(annotations![key]);
  return parsed.ok ? parsed.value : undefined;
};

/** The controls a DaemonSet's annotations set (admission keeps them valid; anything unreadable reads as unset). */
export const readRolloutControls = (annotations: Record<string, string> | undefined): RolloutControls => {
  const controls: RolloutControls = {
    paused: readOne(annotations, PAUSED_ANNOTATION, parsePaused) ?? false,
    partition: readOne(annotations, PARTITION_ANNOTATION, wholeNumber(PARTITION_ANNOTATION, 0)) ?? 0,
  };
  if (readOne(annotations, SELECTOR_ANNOTATION, parseSelector) !== undefined) controls.selector = annotations![SELECTOR_ANNOTATION];
  const deadline = readOne(annotations, PROGRESS_DEADLINE_ANNOTATION, wholeNumber(PROGRESS_DEADLINE_ANNOTATION, 1));
  if (deadline !== undefined) controls.progressDeadlineSeconds = deadline;
  const onStall = readOne(annotations, ON_STALL_ANNOTATION, parseOnStall);
  if (onStall !== undefined) controls.onStall = onStall;
  const canary = readOne(annotations, CANARY_ANNOTATION, wholeNumber(CANARY_ANNOTATION, 1));
  if (canary !== undefined) {
    // No hold (or an unreadable one) means the canary pods only have to become available.
    controls.canary = { nodes: canary, holdSeconds: readOne(annotations, CANARY_HOLD_ANNOTATION, wholeNumber(CANARY_HOLD_ANNOTATION, 0)) ?? 0 };
  }
  return controls;
};

/**
 * Field errors for bad values, field `metadata.annotations[rollout.daemonledger.io/partition]` etc.
 * An unknown key under the prefix is reported as apimachinery reports a bad annotation key: on
 * `metadata.annotations`, with the key as the value (here NotSupported, listing the known keys).
 */
export const validateRolloutControls = (annotations: Record<string, string> | undefined): FieldError[] => {
  const errs: FieldError[] = [];
  const keys = Object.keys(annotations ?? {})
    .filter((k) => k.startsWith(ROLLOUT_ANNOTATION_PREFIX))
    .sort();
  for (const key of keys) {
    const parse = Object.prototype.hasOwnProperty.call(PARSERS, key) ? PARSERS[key] : undefined;
    if (parse === undefined) {
      errs.push(notSupported('metadata.annotations', key, KNOWN_ANNOTATIONS));
      continue;
    }
    const parsed = parse(annotations![key]);
    if (!parsed.ok) errs.push(parsed.error);
  }
  for (const [key, needed] of NEEDS) {
    if (has(annotations, key) && !has(annotations, needed)) errs.push(required(fieldOf(needed), `must be set when ${key} is set`));
  }
  return errs;
};

const ANY_NODE = (): boolean => true;
const NO_NODE = (): boolean => false;

/** Where a node stands in a rolling update: on the new revision (or with excess pods), between pods, or on an old pod. */
export interface NodeUpdateState {
  readonly name: string;
  readonly state: 'updated' | 'updating' | 'old';
}

/**
 * Which nodes on an old pod a rolling update may move to the new revision
 * now, by OpenKruise's rule for its Advanced DaemonSet
 * (pkg/controller/daemonset/daemonset_update.go, filterDaemonPodsNodeToUpdate):
 * - paused: none;
 * - partition N: at most `nodes − N` of the DaemonSet's nodes end on the new
 *   revision. Nodes already updated or between pods count first; the room
 *   left goes to old nodes from the highest name down (byte order), so the N
 *   lowest-named old nodes keep the old revision. (The issue that asked for
 *   partitions said "the highest names, as OpenKruise orders them"; its code
 *   and tutorial keep the lowest, and so do we.)
 * - selector: only old nodes whose labels match; the partition still counts
 *   every node.
 * A selector text that does not parse (admission refuses one) matches no
 * node: a control that cannot be read holds rather than releases.
 */
export const updatableNodes = (
  controls: RolloutControls,
  nodes: readonly NodeUpdateState[],
  labelsOf: (name: string) => Record<string, string> | undefined,
): ((name: string) => boolean) => {
  if (controls.paused) return NO_NODE;
  let selector: readonly LabelRequirement[] | undefined;
  if (controls.selector !== undefined) {
    try {
      selector = parseLabelSelector(controls.selector);
    } catch {
      return NO_NODE;
    }
  }
  if (controls.partition === 0 && selector === undefined) return ANY_NODE;
  let room = nodes.length - controls.partition;
  for (const n of nodes) if (n.state !== 'old') room--;
  const old = nodes.filter((n) => n.state === 'old' && (selector === undefined || selectorMatches(selector, labelsOf(n.name) ?? {})));
  old.sort((x, y) => (x.name < y.name ? 1 : x.name > y.name ? -1 : 0));
  const allowed = new Set(old.slice(0, Math.max(room, 0)).map((n) => n.name));
  return (name) => allowed.has(name);
};

