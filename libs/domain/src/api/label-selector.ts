/**
 * Label selectors in both forms: the LabelSelector object (DaemonSet
 * spec.selector) and the string syntax of `?labelSelector=` / `kubectl -l`.
 * Both compile to one LabelRequirement list; `null` stands for "selects nothing"
 * (a missing selector), `[]` for "selects everything" (`{}`).
 */
import { DomainError } from '../errors';
import type { LabelSelector } from './types';
import { isQualifiedName, isValidLabelValue } from './validation/names';

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Equals' | 'DoubleEquals' | 'NotEquals' | 'Gt' | 'Lt';

export interface LabelRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

export type CompiledSelector = readonly LabelRequirement[] | null;
type Labels = Readonly<Record<string, string>> | undefined;

const byKey = (a: LabelRequirement, b: LabelRequirement): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * metav1.LabelSelectorAsSelector. Throws (plain Error, message as upstream's)
 * on an unknown operator or a wrong value count; callers decide what that means.
 */
export const labelSelectorAsSelector = (sel: LabelSelector | undefined): CompiledSelector => {
  if (sel === undefined) return null;
  const reqs: LabelRequirement[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push(requirement(k, 'Equals', [v]));
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator !== 'In' && e.operator !== 'NotIn' && e.operator !== 'Exists' && e.operator !== 'DoesNotExist') {
      throw new Error(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
    }
    reqs.push(requirement(e.key, e.operator, e.values ?? []));
  }
  return reqs.sort(byKey);
};

/** labels.NewRequirement: value-count and syntax rules. */
export const requirement = (key: string, operator: SelectorOperator, values: readonly string[]): LabelRequirement => {
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length) throw new Error(`key: Invalid value: ${JSON.stringify(key)}: ${keyErrs.join('; ')}`);
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (!values.length) throw new Error("values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty");
      break;
    case 'Equals':
    case 'DoubleEquals':
    case 'NotEquals':
      if (values.length !== 1) throw new Error("values: Invalid value: for 'in', 'notin' operators, exactly one value is required");
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length) throw new Error("values: Invalid value: values set must be empty for exists and does not exist");
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1 || !/^-?[0-9]+$/.test(values[0])) throw new Error("values: Invalid value: for 'Gt', 'Lt' operators, exactly one integer value is required");
      break;
  }
  for (const [i, v] of values.entries()) {
    const errs = isValidLabelValue(v);
    if (errs.length) throw new Error(`values[${i}][${key}]: Invalid value: ${JSON.stringify(v)}: ${errs.join('; ')}`);
  }
  return { key, operator, values: [...values] };
};

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Go `strconv.ParseInt(s, 10, 64)`: optional sign, ASCII digits, int64 range. */
export const parseInt64 = (s: string): bigint | undefined => {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
};

export const requirementMatches = (r: Pick<LabelRequirement, 'key' | 'values'> & { operator: SelectorOperator }, labels: Labels): boolean => {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels![r.key] : undefined;
  switch (r.operator) {
    case 'In':
    case 'Equals':
    case 'DoubleEquals':
      return has && r.values.includes(value!);
    case 'NotIn':
    case 'NotEquals':
      return !has || !r.values.includes(value!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      // Both sides parse as Go's strconv.ParseInt(s, 10, 64); anything else does not match.
      const a = has ? parseInt64(value!) : undefined;
      const b = parseInt64(r.values[0] ?? '');
      if (a === undefined || b === undefined) return false;
      return r.operator === 'Gt' ? a > b : a < b;
    }
  }
};

export const selectorMatches = (sel: CompiledSelector, labels: Labels): boolean => sel !== null && sel.every((r) => requirementMatches(r, labels));

/** Does a LabelSelector object select these labels? Invalid selectors select nothing. */
export const labelSelectorMatches = (sel: LabelSelector | undefined, labels: Labels): boolean => {
  try {
    return selectorMatches(labelSelectorAsSelector(sel), labels);
  } catch {
    return false;
  }
};

const requirementString = (r: LabelRequirement): string => {
  const vals = [...r.values].sort();
  switch (r.operator) {
    case 'Equals':
      return `${r.key}=${vals[0]}`;
    case 'DoubleEquals':
      return `${r.key}==${vals[0]}`;
    case 'NotEquals':
      return `${r.key}!=${vals[0]}`;
    case 'In':
      return `${r.key} in (${vals.join(',')})`;
    case 'NotIn':
      return `${r.key} notin (${vals.join(',')})`;
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
    case 'Gt':
      return `${r.key}>${vals[0]}`;
    case 'Lt':
      return `${r.key}<${vals[0]}`;
  }
};

export const selectorString = (sel: CompiledSelector): string => (sel ?? []).map(requirementString).join(',');

/** metav1.FormatLabelSelector, as kubectl prints it: `app=nginx-ds`, `<none>`, `<error>`. */
export const labelSelectorAsString = (sel: LabelSelector | undefined): string => {
  let s: string;
  try {
    s = selectorString(labelSelectorAsSelector(sel));
  } catch {
    return '<error>';
  }
  return s || '<none>';
};

// ---- string syntax: `a=b,c!=d,e in (x,y),!f,g,h>3` ----

const SPECIAL = new Set([' ', '\t', '\n', '!', '=', ',', '(', ')', '<', '>']);

type Tok = { t: 'id' | 'op' | '(' | ')' | ',' | '!' | 'end'; v: string };

const lex = (s: string): Tok[] => {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === ' ' || c === '\t' || c === '\n') i++;
    else if (c === '(' || c === ')' || c === ',') (out.push({ t: c, v: c }), i++);
    else if (s.startsWith('==', i) || s.startsWith('!=', i)) (out.push({ t: 'op', v: s.slice(i, i + 2) }), (i += 2));
    else if (c === '=' || c === '<' || c === '>') (out.push({ t: 'op', v: c }), i++);
    else if (c === '!') (out.push({ t: '!', v: c }), i++);
    else {
      let j = i;
      while (j < s.length && !SPECIAL.has(s[j])) j++;
      out.push({ t: 'id', v: s.slice(i, j) });
      i = j;
    }
  }
  out.push({ t: 'end', v: '' });
  return out;
};

/**
 * labels.Parse. Errors are DomainError BadRequest (what a list request with a
 * bad `labelSelector` gets). The empty string selects everything.
 */
export const parseLabelSelector = (text: string): LabelRequirement[] => {
  const toks = lex(text);
  let p = 0;
  const bad = (msg: string): never => {
    throw new DomainError('BadRequest', `unable to parse requirement: ${msg}`);
  };
  const expect = (what: string): never => bad(`found '${toks[p].v}', expected: ${what}`);
  const reqs: LabelRequirement[] = [];
  const make = (key: string, op: SelectorOperator, values: string[]): void => {
    try {
      reqs.push(requirement(key, op, values));
    } catch (e) {
      bad((e as Error).message);
    }
  };
  if (toks[0].t === 'end') return [];
  for (;;) {
    if (toks[p].t === '!') {
      p++;
      if (toks[p].t !== 'id') expect('identifier after \'!\'');
      make(toks[p++].v, 'DoesNotExist', []);
    } else if (toks[p].t === 'id') {
      const key = toks[p++].v;
      const tok = toks[p];
      if (tok.t === 'end' || tok.t === ',') make(key, 'Exists', []);
      else if (tok.t === 'op') {
        p++;
        const op: SelectorOperator = tok.v === '=' ? 'Equals' : tok.v === '==' ? 'DoubleEquals' : tok.v === '!=' ? 'NotEquals' : tok.v === '>' ? 'Gt' : 'Lt';
        // An empty value (`a=`) is allowed and means the empty label value.
        const value = toks[p].t === 'id' ? toks[p++].v : '';
        make(key, op, [value]);
      } else if (tok.t === 'id' && (tok.v === 'in' || tok.v === 'notin')) {
        p++;
        if (toks[p].t !== '(') expect("'(' after 'in'/'notin'");
        p++;
        const values: string[] = [];
        for (;;) {
          if (toks[p].t === 'id') values.push(toks[p++].v);
          else if (toks[p].t === ',' || toks[p].t === ')') values.push('');
          else expect("',', ')' or an identifier");
          if (toks[p].t === ')') break;
          if (toks[p].t !== ',') expect("',' or ')'");
          p++;
        }
        p++;
        make(key, tok.v === 'in' ? 'In' : 'NotIn', values);
      } else expect('in, notin, =, ==, !=, gt, lt');
    } else expect('identifier');
    if (toks[p].t === 'end') break;
    if (toks[p].t !== ',') expect("','");
    p++;
  }
  return reqs.sort(byKey);
};
