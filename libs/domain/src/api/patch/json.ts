/**
 * JSON values as the patch engines see them, plus the few helpers they share.
 * Every engine works on copies: callers' objects are never mutated.
 */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Go's reflect kinds for decoded JSON: the SMP merge decides "same type" with these. */
export type JsonKind = 'map' | 'slice' | 'string' | 'number' | 'bool' | 'null';

export const kindOf = (v: unknown): JsonKind => {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'slice';
  switch (typeof v) {
    case 'object':
      return 'map';
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'bool';
    default:
      return 'null';
  }
};

export const deepClone = <T extends JsonValue | undefined>(v: T): T =>
  v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);

/** Structural equality: key order never matters, array order always does. */
export const deepEqual = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
};

/**
 * Go's `%v` rendering of a decoded JSON value (`map[image:httpd name:x]`,
 * `[a b]`), used only to reproduce upstream error texts.
 */
export const goFormat = (v: unknown): string => {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  if (isObject(v)) {
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${goFormat(v[k])}`)
      .join(' ')}]`;
  }
  return String(v);
};

/** Go's type name for a decoded JSON value, as in `expected a map[string]interface {}, but received a string`. */
export const goTypeName = (v: unknown): string => {
  switch (kindOf(v)) {
    case 'map':
      return 'map[string]interface {}';
    case 'slice':
      return '[]interface {}';
    case 'string':
      return 'string';
    case 'number':
      return 'float64';
    case 'bool':
      return 'bool';
    default:
      return '<nil>';
  }
};

/**
 * `o[key] = value` that stays an own data property even for `__proto__`
 * (which JSON.parse produces as an ordinary member).
 */
export const setMember = (o: JsonObject, key: string, value: JsonValue): void => {
  if (key === '__proto__') Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
  else o[key] = value;
};

export const hasMember = (o: JsonObject, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

/** `o[key]` for own members only (never the prototype's). */
export const member = (o: JsonObject, key: string): JsonValue | undefined => (hasMember(o, key) ? o[key] : undefined);
