/**
 * The uid of an object every cluster has from the start (a built-in
 * namespace or PriorityClass): the same in every process and every replay,
 * derived from `seed` (FNV-1a rounds, shaped as a uuid).
 */
export const stableUid = (seed: string): string => {
  let hex = '';
  for (let round = 0; hex.length < 32; round++) {
    let h = 0x811c9dc5 ^ round;
    for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193) >>> 0;
    hex += h.toString(16).padStart(8, '0');
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};
