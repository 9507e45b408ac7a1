export interface RetentionPolicy {
  /** The newest snapshots always kept (restart and recent reads start there). */
  recent: number;
  /** At most this many in all, unless keeping `maxGap` needs more. */
  max: number;
  /**
   * No gap between two kept snapshots wider than this many positions (none
   * when undefined): the tail a past read folds stays bounded however long
   * the log grows, so the count then grows with the log (one snapshot per
   * `maxGap` events at most). Snapshots are derived data; that is their price.
   */
  maxGap?: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { recent: 3, max: 128 };

/** The gap bound the live projection keeps, as a multiple of its snapshot interval: regular snapshots all stay (dropping one doubles a gap), extra ones taken in between go. */
export const MAX_GAP_PER_INTERVAL = 1.5;

/**
 * Which snapshot positions to delete so at most `max` remain: the newest
 * `recent` and the oldest stay; among the others, the one whose removal
 * leaves the smallest gap goes first, again and again, but never one whose
 * removal would leave a gap wider than `maxGap`. What remains is spread as
 * evenly as the count allows, which bounds the tail a read at a random past
 * position must fold (about log length / max events, or `maxGap`, at
 * worst); until the log holds `max` snapshots nothing is pruned, so the
 * tail stays at most the snapshot interval. Pure; positions in any order.
 */
export const snapshotsToPrune = (positions: readonly number[], policy: RetentionPolicy = DEFAULT_RETENTION): number[] => {
  const kept = [...new Set(positions)].sort((a, b) => a - b);
  const pruned: number[] = [];
  const max = Math.max(policy.max, policy.recent + 1, 2);
  const maxGap = policy.maxGap ?? Infinity;
  while (kept.length > max) {
    let best = -1;
    let bestGap = Infinity;
    for (let i = 1; i < kept.length - policy.recent; i++) {
      const gap = kept[i + 1] - kept[i - 1];
      if (gap < bestGap && gap <= maxGap) {
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
