/**
 * apps/v1 DaemonSet validation: ValidateDaemonSet, ValidateDaemonSetUpdate
 * and the registry strategy's selector immutability. Runs on the defaulted
 * object, as the API server does.
 */
import type { DaemonSet, DaemonSetStatus, DaemonSetUpdateStrategy, IntOrString, LabelSelector, RollingUpdateDaemonSet } from '../types';
import { FieldError, goIntOrString, goJson, goLabelSelector, goStringMap, invalid, notSupported, required, forbidden } from '../field-errors';
import { labelSelectorAsSelector, selectorMatches } from '../label-selector';
import { nonNegative, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './meta';
import { isValidPercent } from './names';
import { validatePodTemplateSpec } from './pod-spec';
import { validateRolloutControls } from '../../rollout-controls/controls';

/** Go's strconv.Atoi as IntOrString.IntValue uses it: failures count as 0. */
const atoi = (s: string): number => (/^[+-]?[0-9]+$/.test(s) ? Number(s) : 0);

const percentValue = (v: IntOrString): number | undefined =>
  typeof v === 'string' && isValidPercent(v).length === 0 ? atoi(v.slice(0, -1)) : undefined;

/** getIntOrPercentValue: a malformed string counts as its Atoi value ("abc" → 0, "5" → 5). */
const intOrPercentValue = (v: IntOrString): number => percentValue(v) ?? (typeof v === 'number' ? v : atoi(v));

const validatePositiveIntOrPercent = (v: IntOrString, path: string): FieldError[] =>
  typeof v === 'string' ? isValidPercent(v).map((m) => invalid(path, goIntOrString(v), m)) : nonNegative(v, path);

const notMoreThan100Percent = (v: IntOrString, path: string): FieldError[] => {
  const pct = percentValue(v);
  return pct !== undefined && pct > 100 ? [invalid(path, goIntOrString(v), 'must not be greater than 100%')] : [];
};

export const validateRollingUpdateDaemonSet = (ru: RollingUpdateDaemonSet, path: string): FieldError[] => {
  // A field left unset is Go's zero IntOrString, i.e. int 0.
  const mu = ru.maxUnavailable ?? 0;
  const ms = ru.maxSurge ?? 0;
  const errs = [
    ...validatePositiveIntOrPercent(mu, `${path}.maxUnavailable`),
    ...validatePositiveIntOrPercent(ms, `${path}.maxSurge`),
    ...notMoreThan100Percent(mu, `${path}.maxUnavailable`),
    ...notMoreThan100Percent(ms, `${path}.maxSurge`),
  ];
  const hasUnavailable = intOrPercentValue(mu) !== 0;
  const hasSurge = intOrPercentValue(ms) !== 0;
  if (hasUnavailable && hasSurge) errs.push(invalid(`${path}.maxSurge`, goIntOrString(ms), 'may not be set when maxUnavailable is non-zero'));
  if (!hasUnavailable && !hasSurge) errs.push(required(`${path}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
  return errs;
};

export const validateDaemonSetUpdateStrategy = (s: DaemonSetUpdateStrategy | undefined, path: string): FieldError[] => {
  const type = s?.type ?? '';
  if (type === 'OnDelete') return [];
  if (type === 'RollingUpdate') {
    if (!s?.rollingUpdate) return [required(`${path}.rollingUpdate`)];
    return validateRollingUpdateDaemonSet(s.rollingUpdate, `${path}.rollingUpdate`);
  }
  return [notSupported(path, goJson(s ?? {}), ['RollingUpdate', 'OnDelete'])];
};

const selectorErrors = (selector: LabelSelector | undefined, labels: Record<string, string> | undefined, path: string): FieldError[] => {
  const errs = validateLabelSelector(selector, `${path}.selector`);
  let parsed;
  try {
    parsed = labelSelectorAsSelector(selector);
  } catch {
    parsed = undefined; // an unparseable selector is reported above; matching is skipped as upstream does
  }
  // A missing selector selects nothing, so it is reported as a label mismatch, not as Required.
  if (parsed !== undefined && !selectorMatches(parsed, labels ?? {})) {
    errs.push(invalid(`${path}.template.metadata.labels`, goStringMap(labels), '`selector` does not match template `labels`'));
  }
  if (selector && Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions?.length ?? 0) === 0) {
    errs.push(invalid(`${path}.selector`, goLabelSelector(selector), 'empty selector is invalid for daemonset'));
  }
  return errs;
};

export const validateDaemonSetSpec = (ds: DaemonSet, path = 'spec'): FieldError[] => {
  const spec = ds.spec;
  const t = spec.template;
  const errs = selectorErrors(spec.selector, t.metadata?.labels, path);
  errs.push(...validatePodTemplateSpec(t, `${path}.template`));
  // restartPolicy was already checked by the pod rules; DaemonSets narrow it to Always.
  if (t.spec.restartPolicy !== 'Always') errs.push(notSupported(`${path}.template.spec.restartPolicy`, t.spec.restartPolicy ?? '', ['Always']));
  if (t.spec.activeDeadlineSeconds !== undefined) {
    errs.push(forbidden(`${path}.template.spec.activeDeadlineSeconds`, 'activeDeadlineSeconds in DaemonSet is not Supported'));
  }
  errs.push(...nonNegative(spec.minReadySeconds, `${path}.minReadySeconds`));
  errs.push(...validateDaemonSetUpdateStrategy(spec.updateStrategy, `${path}.updateStrategy`));
  // zero is a valid revisionHistoryLimit
  errs.push(...nonNegative(spec.revisionHistoryLimit, `${path}.revisionHistoryLimit`));
  return errs;
};

/**
 * ValidateDaemonSet (create, and the first pass of update). The object must already be defaulted.
 * Besides upstream's rules, the rollout-control annotations (issue 12) must hold valid values;
 * they are checked once per write, also on update (not in the v1.32 duplicate pass, which is upstream's).
 */
export const validateDaemonSet = (ds: DaemonSet): FieldError[] => [
  ...validateObjectMeta(ds.metadata, { requiresNamespace: true }),
  ...validateRolloutControls(ds.metadata.annotations),
  ...validateDaemonSetSpec(ds),
];

export interface UpdateValidationOptions {
  /**
   * v1.32's registry strategy runs ValidateDaemonSet and then
   * ValidateDaemonSetUpdate, which validates meta and spec again, so every
   * error appears twice in `details.causes` (PR #132548 removed this in v1.34).
   * We reproduce it by default because DaemonLedger presents itself as v1.32;
   * nothing visible to kubectl changes (it and the Status message drop exact
   * duplicates). Pass `false` for the v1.34+ single list.
   */
  readonly duplicateCauses?: boolean;
}

/** The registry strategy's ValidateUpdate for apps/v1 DaemonSets. */
export const validateDaemonSetUpdate = (next: DaemonSet, prev: DaemonSet, opts: UpdateValidationOptions = {}): FieldError[] => {
  const errs = [...validateDaemonSet(next)];
  if (opts.duplicateCauses ?? true) errs.push(...validateObjectMetaUpdate(next.metadata, prev.metadata), ...validateDaemonSetSpec(next));
  else errs.push(...immutableMetaOnly(next, prev));
  if (!sameSelector(next.spec.selector, prev.spec.selector)) {
    errs.push(invalid('spec.selector', goLabelSelector(next.spec.selector), 'field is immutable'));
  }
  return errs;
};

// Without the duplicate pass, only the update-specific meta rules are left to add.
const immutableMetaOnly = (next: DaemonSet, prev: DaemonSet): FieldError[] => {
  const all = validateObjectMetaUpdate(next.metadata, prev.metadata);
  return all.filter((e) => e.detail === 'field is immutable');
};

const canonicalSelector = (s: LabelSelector | undefined): string =>
  s === undefined
    ? 'nil'
    : JSON.stringify({
        l: Object.entries(s.matchLabels ?? {}).sort(),
        e: (s.matchExpressions ?? []).map((e) => [e.key, e.operator, e.values ?? []]),
      });

const sameSelector = (a: LabelSelector | undefined, b: LabelSelector | undefined): boolean => canonicalSelector(a) === canonicalSelector(b);

/** ValidateDaemonSetStatusUpdate: counters ≥ 0, collisionCount never decreases. */
export const validateDaemonSetStatusUpdate = (next: DaemonSet, prev: DaemonSet): FieldError[] => {
  const s: Partial<DaemonSetStatus> = next.status ?? {};
  const errs = validateObjectMetaUpdate(next.metadata, prev.metadata);
  const counters = [
    'currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'observedGeneration',
    'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable', 'collisionCount',
  ] as const;
  for (const c of counters) errs.push(...nonNegative(s[c], `status.${c}`));
  const before = prev.status?.collisionCount;
  if (before !== undefined && (s.collisionCount ?? 0) < before) {
    errs.push(invalid('status.collisionCount', s.collisionCount ?? 0, 'cannot be decremented'));
  }
  return errs;
};
