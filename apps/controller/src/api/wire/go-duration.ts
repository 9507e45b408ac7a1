/**
 * Go's time.Duration text (`1h0m0s`, `1.5s`, `300ms`), the JSON form of
 * meta/v1 Duration, whose protobuf form is the count of nanoseconds. Pure.
 */

const UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** time.ParseDuration: signed sequence of decimal numbers with units; `0` alone is allowed. */
export const parseGoDuration = (text: string): number => {
  const m = /^([+-]?)(.+)$/.exec(text);
  if (!m || text === '') throw new Error(`time: invalid duration ${JSON.stringify(text)}`);
  if (m[2] === '0') return 0;
  let total = 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let at = 0;
  while (at < m[2].length) {
    re.lastIndex = at;
    const part = re.exec(m[2]);
    if (!part) throw new Error(`time: invalid duration ${JSON.stringify(text)}`);
    total += Number(part[1]) * UNITS[part[2]];
    at = re.lastIndex;
  }
  return Math.round(m[1] === '-' ? -total : total);
};

/** Duration.String(): `0s`; under a second in the largest fitting of ns, µs, ms; else h, m and fractional s. */
export const formatGoDuration = (ns: number): string => {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let n = Math.abs(ns);
  const frac = (value: number, scale: number) => {
    const whole = Math.floor(value / scale);
    const rest = value % scale;
    if (!rest) return String(whole);
    return `${whole}.${String(rest).padStart(String(scale).length - 1, '0').replace(/0+$/, '')}`;
  };
  if (n < 1e3) return `${sign}${n}ns`;
  if (n < 1e6) return `${sign}${frac(n, 1e3)}µs`;
  if (n < 1e9) return `${sign}${frac(n, 1e6)}ms`;
  const h = Math.floor(n / 3600e9);
  n -= h * 3600e9;
  const m = Math.floor(n / 60e9);
  n -= m * 60e9;
  const s = `${frac(n, 1e9)}s`;
  if (h) return `${sign}${h}h${m}m${s}`;
  if (m) return `${sign}${m}m${s}`;
  return `${sign}${s}`;
};
