/**
 * resource.Quantity parsing, enough to check syntax, sign and order
 * (requests ≤ limits). Values are compared as floating point, which is exact
 * for every quantity a manifest realistically holds.
 */
export const QUANTITY_REGEX_TEXT = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
export const QUANTITY_SYNTAX_ERROR = `quantities must match the regular expression '${QUANTITY_REGEX_TEXT}'`;

const SUFFIX: Record<string, number> = {
  '': 1, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The quantity's value, or undefined when it does not parse. */
export const parseQuantity = (text: string): number | undefined => {
  const m = /^([+-]?)([0-9]*\.?[0-9]*)(.*)$/.exec(text.trim());
  if (!m || !/[0-9]/.test(m[2]) || !new RegExp(QUANTITY_REGEX_TEXT).test(text.trim())) return undefined;
  const sign = m[1] === '-' ? -1 : 1;
  const num = Number(m[2]);
  const suffix = m[3];
  if (suffix in SUFFIX) return sign * num * SUFFIX[suffix];
  const exp = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
  return exp ? sign * num * 10 ** Number(exp[1]) : undefined;
};
