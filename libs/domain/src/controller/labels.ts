/**
 * Label and node-selector requirement semantics of apimachinery `labels`
 * (`NewRequirement` validation + `Requirement.Matches`), used by the DaemonSet
 * selector (claims) and by required node affinity (scheduling).
 */
import type { LabelSelector } from '../api/types';

export type RequirementOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt' | 'Equals';

export interface Requirement {
  readonly key: string;
  readonly operator: RequirementOperator;
  readonly values: readonly string[];
}

/** A parse result: `ok: false` carries the first validation message, the way Go returns an error. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const isDns1123Subdomain = (s: string): boolean =>
  s.length > 0 && s.length <= 253 && s.split('.').every((part) => DNS1123_LABEL.test(part));

/** apimachinery `IsQualifiedName`: `[prefix/]name`, prefix a DNS-1123 subdomain, name ≤ 63 chars. */
export const isQualifiedName = (key: string): boolean => {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  if (parts.length === 2 && !isDns1123Subdomain(parts[0])) return false;
  return name.length > 0 && name.length <= 63 && QUALIFIED_NAME_PART.test(name);
};

export const isValidLabelValue = (v: string): boolean => v.length <= 63 && LABEL_VALUE.test(v);

/** Go `strconv.ParseInt(s, 10, 64)`: optional sign, ASCII digits, int64 range. */
export const parseInt64 = (s: string): bigint | undefined => {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
};

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

/** `Requirement.Matches` against a label set. */
export const requirementMatches = (r: Requirement, labels: Readonly<Record<string, string>>): boolean => {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key] : '';
  switch (r.operator) {
    case 'In':
    case 'Equals':
      return has && r.values.includes(value);
    case 'NotIn':
      return !has || !r.values.includes(value);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has) return false;
      const actual = parseInt64(value);
      const bound = parseInt64(r.values[0]);
      if (actual === undefined || bound === undefined) return false;
      return r.operator === 'Gt' ? actual > bound : actual < bound;
    }
  }
};

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
