import { snapshotsToPrune } from './snapshot-retention';

const every = (n: number, step: number) => Array.from({ length: n }, (_, i) => (i + 1) * step);
const kept = (positions: number[], pruned: number[]) => positions.filter((p) => !pruned.includes(p));

describe('snapshotsToPrune', () => {
  it('prunes nothing until there are more than max', () => {
    expect(snapshotsToPrune(every(10, 100), { recent: 3, max: 10 })).toEqual([]);
  });

  it('keeps the newest few and the oldest, and spreads the rest evenly', () => {
    const positions = every(100, 1_000);
    const left = kept(positions, snapshotsToPrune(positions, { recent: 3, max: 12 }));
    expect(left).toHaveLength(12);
    expect(left.slice(-3)).toEqual([98_000, 99_000, 100_000]);
    expect(left[0]).toBe(1_000);
    const gaps = left.slice(1, -3).map((p, i) => p - left[i]);
    // Evenly spread: no gap more than twice another, and none wider than 2 × log / max.
    expect(Math.max(...gaps)).toBeLessThanOrEqual(2 * Math.min(...gaps));
    expect(Math.max(...gaps)).toBeLessThanOrEqual((2 * 100_000) / 12);
  });

  it('as the log grows one snapshot at a time, the count stays bounded and the spread even', () => {
    let have: number[] = [];
    for (const p of every(500, 10)) {
      have.push(p);
      have = kept(have, snapshotsToPrune(have, { recent: 2, max: 20 }));
    }
    expect(have).toHaveLength(20);
    const gaps = have.slice(1).map((p, i) => p - have[i]);
    expect(Math.max(...gaps)).toBeLessThanOrEqual((3 * 5_000) / 20);
  });
});

describe('snapshotsToPrune with maxGap', () => {
  it('as the log grows past max snapshots, keeps every gap within maxGap (the count grows instead)', () => {
    let have: number[] = [];
    for (const p of every(400, 100)) {
      have.push(p);
      // An extra snapshot between two regular ones now and then (a snapshot taken on demand).
      if (p % 1_700 === 0) have.push(p + 37);
      have = kept(have, snapshotsToPrune(have, { recent: 2, max: 20, maxGap: 150 }));
    }
    const gaps = have.slice(1).map((p, i) => p - have[i]);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(150);
    // Linear in the log: about one per 100 positions, the extras (23) mostly pruned, one in for one out.
    expect(have.length).toBeGreaterThan(20);
    expect(have.length).toBeLessThanOrEqual(400 + 2);
  });

  it('without maxGap, the count bound wins as before', () => {
    const positions = every(100, 1_000);
    expect(kept(positions, snapshotsToPrune(positions, { recent: 3, max: 12 }))).toHaveLength(12);
    expect(kept(positions, snapshotsToPrune(positions, { recent: 3, max: 12, maxGap: 1_500 }))).toHaveLength(100);
  });
});
