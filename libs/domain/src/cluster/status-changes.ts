import type { DaemonSetStatus } from '../api/types';
import { jsonEqual, sameJson } from './equality';

/**
 * A DaemonSet's status moves a few counters per plan step: the log records
 * the top-level fields that changed (each whole) rather than the status
 * again, when laying them over the previous status gives the new one
 * exactly (key order included); otherwise (a field removed, a first status,
 * a reordering) it is recorded whole.
 */
export const statusChanges = (before: DaemonSetStatus | undefined, after: DaemonSetStatus): Partial<DaemonSetStatus> | undefined => {
  if (!before) return undefined;
  const changed = Object.fromEntries(
    Object.entries(after).filter(([k, v]) => !jsonEqual(v, (before as unknown as Record<string, unknown>)[k])),
  ) as Partial<DaemonSetStatus>;
  return sameJson(withChanges(before, changed), after) ? changed : undefined;
};

export const withChanges = (before: DaemonSetStatus, changed: Partial<DaemonSetStatus>): DaemonSetStatus => ({ ...before, ...changed });
