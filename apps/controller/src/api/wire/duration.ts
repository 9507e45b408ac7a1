/**
 * Age cells, as apimachinery pkg/util/duration and the printers'
 * translateTimestampSince compute them. Durations are milliseconds; Go's
 * int() conversions truncate toward zero, hence Math.trunc everywhere.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** duration.HumanDuration: ~2-3 significant figures (`45s`, `3m12s`, `47m`, `5h12m`, `30h`, `3d4h`, `120d`, `3y15d`). */
export const humanDuration = (ms: number): string => {
  // Up to 2 s (excluded) in the future is clock skew and reads as "now".
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const dy = days % 365;
    return dy === 0 ? `${years}y` : `${years}y${dy}d`;
  }
  return `${years}y`;
};

/** duration.ShortHumanDuration: one unit only (`59s`, `5m`, `3h`, `12d`, `2y`). */
export const shortHumanDuration = (ms: number): string => {
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${Math.trunc(hours / 24)}d`;
  return `${Math.trunc(hours / 24 / 365)}y`;
};

/** Go's zero metav1.Time serialises as null or is absent; `0001-01-01T00:00:00Z` is the same instant. */
const GO_ZERO_TIME = Date.parse('0001-01-01T00:00:00Z');

/** Epoch milliseconds of an RFC 3339 timestamp, or undefined for a zero/absent/unparsable one. */
export const parseTimestamp = (ts: string | null | undefined): number | undefined => {
  if (!ts) return undefined;
  const t = Date.parse(ts);
  if (Number.isNaN(t) || t <= GO_ZERO_TIME) return undefined;
  return t;
};

/** printers' translateTimestampSince: `<unknown>` for a zero timestamp, else HumanDuration(now − ts). */
export const translateTimestampSince = (ts: string | null | undefined, now: Date): string => {
  const t = parseTimestamp(ts);
  return t === undefined ? '<unknown>' : humanDuration(now.getTime() - t);
};

/** Time.UTC().Format(time.RFC3339): second precision, `Z` suffix. */
export const formatRfc3339 = (ts: string | null | undefined): string => {
  const t = parseTimestamp(ts);
  return t === undefined ? '0001-01-01T00:00:00Z' : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
};
