/**
 * Label and node-selector requirement semantics of apimachinery `labels`
 * (`NewRequirement` validation + `Requirement.Matches`), used by the DaemonSet
 * selector (claims) and by required node affinity (scheduling).
 */
import { parseInt64, requirementMatches as matchRequirement } from '../api/label-selector';
import type { LabelSelector } from '../api/types';
import { isQualifiedName as qualifiedNameErrors, isValidLabelValue as labelValueErrors } from '../api/validation/names';

export type RequirementOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt' | 'Equals';

export interface Requirement {
  readonly key: string;
  readonly operator: RequirementOperator;
  readonly values: readonly string[];
}

/** A parse result: `ok: false` carries the first validation message, the way Go returns an error. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** apimachinery `IsQualifiedName` / `IsValidLabelValue` as predicates (the API validation reports the messages). */
export const isQualifiedName = (key: string): boolean => qualifiedNameErrors(key).length === 0;
export const isValidLabelValue = (v: string): boolean => labelValueErrors(v).length === 0;

export { parseInt64 };

/** `labels.NewRequirement`: validates key, value count per operator, Gt/Lt integers, label values. */
export const newRequirement = (key: string, operator: RequirementOperator, values: readonly string[] = []): Parsed<Requirement> => {
  if (!isQualifiedName(key)) return { ok: false, error: `invalid label key "${key}"` };
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) return { ok: false, error: "for 'in', 'notin' operators, values set can't be empty" };
      break;
    case 'Equals':
      if (values.length !== 1) return { ok: false, error: 'exact-match compatibility requires one single value' };
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length !== 0) return { ok: false, error: 'values set must be empty for exists and does not exist' };
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) return { ok: false, error: "for 'Gt', 'Lt' operators, exactly one value is required" };
      if (values.some((v) => parseInt64(v) === undefined)) {
        return { ok: false, error: "for 'Gt', 'Lt' operators, the value must be an integer" };
      }
      break;
  }
  // Every value must also be a valid label value, Gt/Lt bounds included: so a negative bound such as
  // "-5" never parses (spec §3 only says "must be an integer"; upstream apimachinery is stricter).
  const bad = values.find((v) => !isValidLabelValue(v));
  if (bad !== undefined) return { ok: false, error: `invalid label value: "${bad}"` };
  return { ok: true, value: { key, operator, values: [...values] } };
};

/** `Requirement.Matches` against a label set: the one implementation, shared with API label selectors. */
export const requirementMatches = (r: Requirement, labels: Readonly<Record<string, string>>): boolean => matchRequirement(r, labels);

/**
 * A compiled `metav1.LabelSelector` (`LabelSelectorAsSelector`): nil selects nothing,
 * `{}` selects everything, otherwise all requirements are ANDed.
 */
export type LabelSelectorMatcher = (labels: Readonly<Record<string, string>> | undefined) => boolean;

export const compileLabelSelector = (selector: LabelSelector | undefined): Parsed<LabelSelectorMatcher> => {
  if (selector === undefined || selector === null) return { ok: true, value: () => false };
  const matchLabels = selector.matchLabels ?? {};
  const expressions = selector.matchExpressions ?? [];
  if (Object.keys(matchLabels).length + expressions.length === 0) return { ok: true, value: () => true };
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(matchLabels)) {
    const r = newRequirement(k, 'Equals', [v]);
    if (!r.ok) return r;
    reqs.push(r.value);
  }
  for (const e of expressions) {
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(e.operator)) {
      return { ok: false, error: `"${e.operator}" is not a valid label selector operator` };
    }
    const r = newRequirement(e.key, e.operator as RequirementOperator, e.values ?? []);
    if (!r.ok) return r;
    reqs.push(r.value);
  }
  return { ok: true, value: (labels) => reqs.every((r) => requirementMatches(r, labels ?? {})) };
};

/**
 * True for the selector `{}` (no matchLabels, no matchExpressions), which upstream refuses to sync.
 * Upstream compares with reflect.DeepEqual, so `{matchLabels: {}}` would not count in memory; but the
 * stored form drops empty maps (omitempty), so the object the controller reads is `{}` either way.
 */
export const isSelectingAll = (selector: LabelSelector | undefined): boolean =>
  selector !== undefined &&
  selector !== null &&
  Object.keys(selector.matchLabels ?? {}).length === 0 &&
  (selector.matchExpressions ?? []).length === 0;
