import { formatRfc3339, humanDuration, shortHumanDuration, translateTimestampSince } from './duration';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('humanDuration (apimachinery duration.HumanDuration)', () => {
  it.each([
    ['-2s is clock skew beyond tolerance', -2 * s, '<invalid>'],
    ['-1.9s still counts as now', -1900, '0s'],
    ['-1s', -1 * s, '0s'],
    ['-0.5s', -500, '0s'],
    ['zero', 0, '0s'],
    ['sub-second truncates', 999, '0s'],
    ['59s', 59 * s, '59s'],
    ['seconds up to 2 minutes', 119 * s, '119s'],
    ['2m exactly drops the seconds', 2 * m, '2m'],
    ['2m3s', 2 * m + 3 * s, '2m3s'],
    ['9m59s', 10 * m - s, '9m59s'],
    ['10m', 10 * m + 59 * s, '10m'],
    ['minutes up to 3h', 3 * h - s, '179m'],
    ['3h', 3 * h, '3h'],
    ['5h12m', 5 * h + 12 * m + 40 * s, '5h12m'],
    ['7h59m', 8 * h - s, '7h59m'],
    ['8h', 8 * h, '8h'],
    ['hours up to 48h', 48 * h - s, '47h'],
    ['2d', 2 * d, '2d'],
    ['3d4h', 3 * d + 4 * h, '3d4h'],
    ['7d23h', 8 * d - s, '7d23h'],
    ['8d', 8 * d, '8d'],
    ['days up to 2y', 730 * d - s, '729d'],
    ['2y', 730 * d, '2y'],
    ['3y15d', 3 * 365 * d + 15 * d, '3y15d'],
    ['7y364d', 8 * 365 * d - s, '7y364d'],
    ['8y', 8 * 365 * d, '8y'],
    ['9y', 9 * 365 * d + 100 * d, '9y'],
  ])('%s', (_name, ms, want) => expect(humanDuration(ms)).toBe(want));
});

describe('shortHumanDuration (apimachinery duration.ShortHumanDuration)', () => {
  it.each([
    [-2 * s, '<invalid>'],
    [-1 * s, '0s'],
    [0, '0s'],
    [59 * s, '59s'],
    [60 * s, '1m'],
    [2 * m + 3 * s, '2m'],
    [59 * m, '59m'],
    [h, '1h'],
    [23 * h + 59 * m, '23h'],
    [d, '1d'],
    [364 * d, '364d'],
    [365 * d, '1y'],
    [800 * d, '2y'],
  ])('%d ms → %s', (ms, want) => expect(shortHumanDuration(ms)).toBe(want));
});

describe('translateTimestampSince', () => {
  const now = new Date('2026-11-22T20:18:37Z');
  it.each([
    ['an unset timestamp', undefined, '<unknown>'],
    ['a null timestamp', null, '<unknown>'],
    ['Go zero time', '0001-01-01T00:00:00Z', '<unknown>'],
    ['garbage', 'yesterday', '<unknown>'],
    ['3 seconds ago', '2026-11-22T20:18:34Z', '3s'],
    ['a creation 1s in the future (skew)', '2026-11-22T20:18:38Z', '0s'],
    ['a creation 2s in the future', '2026-11-22T20:18:39Z', '<invalid>'],
    ['49 seconds ago', '2026-11-22T20:17:48Z', '49s'],
    ['a day and 4 hours ago', '2026-11-21T16:18:37Z', '28h'],
  ])('%s', (_name, ts, want) => expect(translateTimestampSince(ts, now)).toBe(want));

  it('formats Created At cells as second-precision RFC 3339', () => {
    expect(formatRfc3339('2026-11-22T20:18:34.123Z')).toBe('2026-11-22T20:18:34Z');
    expect(formatRfc3339('2026-11-22T21:18:34+01:00')).toBe('2026-11-22T20:18:34Z');
  });
});
