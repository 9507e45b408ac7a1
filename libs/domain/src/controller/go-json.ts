/**
 * Go `encoding/json` marshalling of plain JSON values, as upstream produces revision data
 * (`json.Marshal` of a `map[string]interface{}`): object keys sorted bytewise (UTF-8), no
 * whitespace, HTML-safe string escaping, numbers formatted as Go formats a float64.
 *
 * Escaping follows Go ≥ 1.22 (Kubernetes 1.32 is built with Go 1.23): `\b` and `\f` use their
 * short forms (older Go wrote `\u0008`, `\u000c`).
 */

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue | undefined };

const HEX = '0123456789abcdef';

const escapeCodeUnit = (c: number): string => '\\u' + HEX[(c >> 12) & 15] + HEX[(c >> 8) & 15] + HEX[(c >> 4) & 15] + HEX[c & 15];

/** Go `encodeState.string(s, escapeHTML=true)`; a lone UTF-16 surrogate is invalid UTF-8 in Go terms → `\ufffd`. */
export const goQuote = (s: string): string => {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26) {
      switch (c) {
        case 0x22: rep = '\\"'; break;
        case 0x5c: rep = '\\\\'; break;
        case 0x08: rep = '\\b'; break;
        case 0x0c: rep = '\\f'; break;
        case 0x0a: rep = '\\n'; break;
        case 0x0d: rep = '\\r'; break;
        case 0x09: rep = '\\t'; break;
        default: rep = escapeCodeUnit(c);
      }
    } else if (c === 0x2028 || c === 0x2029) {
      rep = escapeCodeUnit(c);
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++; // a valid surrogate pair is written verbatim
        continue;
      }
      rep = '\\ufffd';
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      rep = '\\ufffd';
    }
    if (rep !== undefined) {
      out += s.slice(start, i) + rep;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
};

/**
 * Go `strconv.AppendFloat(f, 'f' or 'e', -1, 64)` as `encoding/json` uses it: shortest round-trip
 * digits, exponent form below 1e-6 and from 1e21 with a two-digit minimum exponent trimmed
 * (`1e-07` → `1e-7`). JavaScript's `Number#toString` picks the same digits and thresholds; only
 * negative zero differs (Go prints `-0`).
 */
export const goFormatNumber = (n: number): string => {
  if (!Number.isFinite(n)) throw new TypeError(`json: unsupported value: ${n}`);
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  return String(n);
};

/** UTF-8 bytes of a JS string (lone surrogates become U+FFFD, as TextEncoder does). */
export const utf8Bytes = (s: string): Uint8Array => {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      } else cp = 0xfffd;
    } else if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return Uint8Array.from(out);
};

/** Bytewise comparison of the UTF-8 encodings (Go sorts map keys with `<` on strings). */
export const compareUtf8 = (a: string, b: string): number => {
  if (a === b) return 0;
  const x = utf8Bytes(a);
  const y = utf8Bytes(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
};

const needsUtf8Sort = (keys: readonly string[]): boolean => keys.some((k) => /[\ud800-\udfff]/.test(k));

/**
 * `json.Marshal` of a plain JSON value. Object members whose value is `undefined` are left out
 * (they are absent, as a nil map entry never exists); `bigint` is written as an integer.
 * Throws on NaN/±Infinity and on non-plain values (functions, symbols), as Go would fail.
 */
export const goJsonMarshal = (value: unknown): string => {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return goFormatNumber(value);
    case 'bigint':
      return value.toString();
    case 'string':
      return goQuote(value);
    case 'object': {
      if (Array.isArray(value)) return '[' + value.map((v) => (v === undefined ? 'null' : goJsonMarshal(v))).join(',') + ']';
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
      // UTF-16 order equals UTF-8 byte order unless surrogates are involved.
      keys.sort(needsUtf8Sort(keys) ? compareUtf8 : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return '{' + keys.map((k) => goQuote(k) + ':' + goJsonMarshal(obj[k])).join(',') + '}';
    }
    default:
      throw new TypeError(`json: unsupported type: ${typeof value}`);
  }
};
