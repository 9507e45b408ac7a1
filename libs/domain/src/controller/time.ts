/**
 * Time in the controller core is epoch milliseconds (`now: number`), passed in by the caller.
 * Object timestamps stay in their wire form (RFC 3339 strings, second precision like metav1.Time).
 */
export type EpochMs = number;

/** metav1.Time wire form: RFC 3339 in UTC with whole seconds, e.g. `2024-05-01T10:00:00Z`. */
export const toRfc3339 = (ms: EpochMs): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** Parses a wire timestamp; absent, null or unparseable → undefined (Go's zero time). */
export const parseTime = (t: string | null | undefined): EpochMs | undefined => {
  if (t === undefined || t === null || t === '') return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
};
