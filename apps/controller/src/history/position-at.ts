import type { EventStore, RecordedEvent } from '@daemonledger/event-store/event-store.port';

/**
 * The last event recorded at or before `time` (epoch ms), found by binary
 * search over positions through the store port: positions and recorded
 * times only grow, so "recorded ≤ time" holds for a prefix of the log.
 * Each probe reads one event (`readAll` after p-1, which lands on the next
 * existing position, so non-dense positions work too): about log2(head)
 * reads, never a scan. undefined: nothing was recorded by then.
 */
export const lastEventAtOrBefore = async (store: EventStore, time: number): Promise<RecordedEvent | undefined> => {
  let lo = 1;
  let hi = await store.headPosition();
  let best: RecordedEvent | undefined;
  while (lo <= hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const [e] = await store.readAll({ fromPosition: mid - 1, maxCount: 1 });
    if (!e) {
      hi = mid - 1;
    } else if (Date.parse(e.recordedAt) <= time) {
      best = e;
      lo = e.position + 1; // every p in (mid, e.position] lands on e as well
    } else {
      hi = mid - 1;
    }
  }
  return best;
};
