/** Structural equality over JSON values (key order irrelevant; undefined fields ignored). */
export const jsonEqual = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]));
  }
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    ka.length === kb.length &&
    ka.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
};

/**
 * Byte-for-byte equality of two JSON values as the API writes them (key order
 * included): a compact event must rebuild exactly this. Exactly
 * `JSON.stringify(a) === JSON.stringify(b)`, walked side by side instead of
 * serialising both (a kubelet report's check runs it on every pod status):
 * plain objects and arrays are compared key by key in order, anything else
 * (non-finite numbers, undefined in arrays, objects with `toJSON`) by its text.
 */
export const sameJson = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || !plain(a) || !plain(b)) return JSON.stringify(a) === JSON.stringify(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(asItem(a[i]), asItem(bb[i]))) return false;
    return true;
  }
  const ka = writtenKeys(a as Record<string, unknown>);
  const kb = writtenKeys(b as Record<string, unknown>);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i] || !sameJson((a as Record<string, unknown>)[ka[i]], (b as Record<string, unknown>)[kb[i]])) return false;
  }
  return true;
};

/** An array's item as JSON.stringify writes it: what an object would leave out is null there. */
const asItem = (v: unknown): unknown => (v === undefined || typeof v === 'function' || typeof v === 'symbol' ? null : v);

/** An array, or an object JSON.stringify writes as its own keys (no `toJSON`). */
const plain = (o: object): boolean => {
  if (Array.isArray(o)) return true;
  const proto = Object.getPrototypeOf(o);
  return (proto === Object.prototype || proto === null) && typeof (o as { toJSON?: unknown }).toJSON !== 'function';
};

/** The keys JSON.stringify writes, in its order: those whose value is not undefined, a function or a symbol. */
const writtenKeys = (o: Record<string, unknown>): string[] => {
  const keys = Object.keys(o);
  let all = true;
  for (const k of keys) {
    const t = typeof o[k];
    if (t === 'undefined' || t === 'function' || t === 'symbol') {
      all = false;
      break;
    }
  }
  return all ? keys : keys.filter((k) => o[k] !== undefined && typeof o[k] !== 'function' && typeof o[k] !== 'symbol');
};
