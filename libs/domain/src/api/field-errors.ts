/**
 * Field-level validation errors modelled on apimachinery's `field.Error`
 * (v1.32 rendering): a type, a dotted path, a bad value and a detail. The
 * rendered body is what lands in `Status.details.causes[].message`.
 */
import type { StatusCause } from '../errors';

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueDuplicate'
  | 'FieldValueNotFound'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError';

/**
 * A bad value as Go would print it. Simple values carry their JS form; anything
 * that Go prints with `%#v` (maps, structs) is pre-rendered into `goSyntax`.
 */
export type GoValue = null | undefined | number | boolean | string | { readonly goSyntax: string };

export interface FieldError {
  readonly type: FieldErrorType;
  readonly field: string;
  readonly value?: GoValue;
  readonly detail: string;
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueNotFound: 'Not found',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
};

// Types whose body never shows the bad value (apimachinery ErrorBody).
const VALUELESS: ReadonlySet<FieldErrorType> = new Set([
  'FieldValueRequired',
  'FieldValueForbidden',
  'FieldValueTooLong',
  'InternalError',
]);

export const required = (field: string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field, detail });
export const invalid = (field: string, value: GoValue, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail });
export const forbidden = (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, detail });
export const duplicate = (field: string, value: GoValue): FieldError => ({ type: 'FieldValueDuplicate', field, value, detail: '' });
export const notFound = (field: string, value: GoValue): FieldError => ({ type: 'FieldValueNotFound', field, value, detail: '' });
export const notSupported = (field: string, value: GoValue, supported: readonly string[]): FieldError => ({
  type: 'FieldValueNotSupported',
  field,
  value,
  detail: supported.length ? 'supported values: ' + supported.map(goQuote).join(', ') : '',
});
export const tooLong = (field: string, maxLength: number): FieldError => ({
  type: 'FieldValueTooLong',
  field,
  detail: maxLength >= 0 ? `may not be more than ${maxLength} ${maxLength === 1 ? 'byte' : 'bytes'}` : 'value is too long',
});
export const withDetail = (e: FieldError, detail: string): FieldError => ({ ...e, detail });

/** Go's `%q` for the strings we meet (JSON escaping is the same for printable text). */
export const goQuote = (s: string): string => JSON.stringify(s);

export const renderGoValue = (v: GoValue): string => {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return v.goSyntax;
};

/** `<Type>[: <value>][: <detail>]`, i.e. metav1.StatusCause.message. */
export const errorBody = (e: FieldError): string => {
  let s = TYPE_TEXT[e.type];
  if (!VALUELESS.has(e.type)) s += ': ' + renderGoValue(e.value);
  if (e.detail) s += ': ' + e.detail;
  return s;
};

/** `<field>: <body>`, the text of one error inside an aggregate. */
export const errorText = (e: FieldError): string => (e.field ? `${e.field}: ${errorBody(e)}` : errorBody(e));

/** ErrorList.ToAggregate().Error(): identical texts dropped, `[a, b]` for several. */
export const aggregateText = (errors: readonly FieldError[]): string => {
  const texts = [...new Set(errors.map(errorText))];
  return texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
};

export const toCauses = (errors: readonly FieldError[]): StatusCause[] =>
  errors.map((e) => ({ reason: e.type, message: errorBody(e), field: e.field }));

// ---- Go %#v renderings of the composite values validation reports ----

export const goStringMap = (m: Record<string, string> | undefined): GoValue => {
  if (m === undefined) return { goSyntax: 'map[string]string(nil)' };
  const body = Object.keys(m)
    .sort()
    .map((k) => `${goQuote(k)}:${goQuote(m[k])}`)
    .join(', ');
  return { goSyntax: `map[string]string{${body}}` };
};

export const goIntOrString = (v: number | string): GoValue =>
  typeof v === 'number'
    ? { goSyntax: `intstr.IntOrString{Type:0, IntVal:${v}, StrVal:""}` }
    : { goSyntax: `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}` };

const goStringSlice = (xs: readonly string[] | undefined): string =>
  xs === undefined ? '[]string(nil)' : `[]string{${xs.map(goQuote).join(', ')}}`;

export const goLabelSelector = (
  sel: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined,
): GoValue => {
  if (sel === undefined) return null;
  const labels = (goStringMap(sel.matchLabels) as { goSyntax: string }).goSyntax;
  const exprs =
    sel.matchExpressions === undefined
      ? '[]v1.LabelSelectorRequirement(nil)'
      : `[]v1.LabelSelectorRequirement{${sel.matchExpressions
          .map((r) => `v1.LabelSelectorRequirement{Key:${goQuote(r.key)}, Operator:${goQuote(r.operator)}, Values:${goStringSlice(r.values)}}`)
          .join(', ')}}`;
  return { goSyntax: `v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:${exprs}}` };
};

/** Fallback for other structs: not byte-exact with Go, but stable and readable. */
export const goJson = (v: unknown): GoValue => ({ goSyntax: JSON.stringify(v) ?? 'null' });
