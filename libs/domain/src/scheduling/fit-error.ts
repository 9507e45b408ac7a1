/**
 * The FailedScheduling text, as upstream's `FitError.Error()` (pkg/scheduler/framework/types.go):
 * `0/N nodes are available: <PreFilterMsg>.` or `0/N nodes are available: <histogram>.`, then
 * ` <PostFilterMsg>` (preemption's own FitError text, prefixed `preemption: `).
 * The histogram entries are "<count> <reason>", sorted as strings (so "10 x" comes before "2 y"),
 * joined with ", ". Nodes without a status of their own (left out by a PreFilter, or not looked at
 * by preemption) count once per node under the "absent" reasons.
 */

export interface Diagnosis {
  /** Reasons per node that was looked at and rejected. */
  readonly nodeReasons: ReadonlyMap<string, readonly string[]>;
  /** Reasons for every node not in nodeReasons. */
  readonly absentReasons: readonly string[];
  /** Set when a PreFilter rejected the pod outright; the histogram is then left out. */
  readonly preFilterMsg?: string;
}

export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

/** Go's sort.Strings: byte order (the reasons are ASCII, where UTF-16 order is the same). */
const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const fitErrorMessage = (numAllNodes: number, d: Diagnosis, postFilterMsg = ''): string => {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMsg) {
    msg += ` ${d.preFilterMsg}.`;
  } else {
    const counts = new Map<string, number>();
    for (const reasons of d.nodeReasons.values()) for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    const absent = numAllNodes - d.nodeReasons.size;
    if (absent > 0) for (const r of d.absentReasons) counts.set(r, (counts.get(r) ?? 0) + absent);
    const histogram = [...counts].map(([reason, n]) => `${n} ${reason}`).sort(byteOrder);
    if (histogram.length > 0) msg += ` ${histogram.join(', ')}.`;
  }
  if (postFilterMsg !== '') msg += ` ${postFilterMsg}`;
  return msg;
};
