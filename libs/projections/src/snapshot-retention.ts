export interface RetentionPolicy {
  /** The newest snapshots always kept (restart and recent reads start there). */
  recent: number;
  /** At most this many in all. */
  max: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { recent: 3, max: 128 };

/**
 * Which snapshot positions to delete so at most `max` remain: the newest
 * `recent` and the oldest stay; among the others, the one whose removal
 * leaves the smallest gap goes first, again and again. What remains is
 * spread as evenly as the count allows, which bounds the tail a read at a
 * random past position must fold (about log length / max events at worst);
 * until the log holds `max` snapshots nothing is pruned, so the tail stays
 * at most the snapshot interval. Pure; positions in any order.
 */
export const snapshotsToPrune = (positions: readonly number[], policy: RetentionPolicy = DEFAULT_RETENTION): number[] => {
  const kept = [...new Set(positions)].sort((a, b) => a - b);
  const pruned: number[] = [];
  const max = Math.max(policy.max, policy.recent + 1, 2);
  while (kept.length > max) {
    let best = -1;
    let bestGap = Infinity;
    for (let i = 1; i < kept.length - policy.recent; i++) {
      const gap = kept[i + 1] - kept[i - 1];
      if (gap < bestGap) {
        bestGap = gap;
        best = i;
      }
    }
    if (best < 0) break;
    pruned.push(kept[best]);
    kept.splice(best, 1);
  }
  return pruned.sort((a, b) => a - b);
};
