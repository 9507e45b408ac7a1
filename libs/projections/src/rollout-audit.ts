import { eventActor } from '@daemonledger/domain/cluster/actors';
import { parseStreamId } from '@daemonledger/domain/cluster/streams';
import type { EventStore, RecordedEvent } from '@daemonledger/event-store/event-store.port';
import { eventSummary, type SummarySources } from './event-summary';
import type { PositionRuns } from './rollout-record';

export interface AuditEntry {
  position: number;
  time: string;
  actor: string;
  /** `<kind>/<name>` of the object the event changed: `pod/nginx-ds-fghij`, `rollout/nginx-ds-3`. */
  object: string;
  event: string;
  detail: string;
}

/** Runs closer than this are read together (the events in between are read and skipped). */
const MERGE_GAP = 16;
const PAGE = 1_000;

/**
 * The events at the positions of `runs`, in log order, read by position:
 * each window of nearby runs is one `readAll` from just before its first
 * position, so the cost is what the rollout holds, never the log's length.
 * Works for non-dense positions too (EventStoreDB): a page that stops short
 * of the window's end is followed by the next.
 */
export async function* readAtPositions(store: EventStore, runs: PositionRuns): AsyncGenerator<RecordedEvent> {
  const pairs = [...runs.pairs()];
  for (let i = 0; i < pairs.length; ) {
    let j = i;
    while (j + 1 < pairs.length && pairs[j + 1][0] - (pairs[j][0] + pairs[j][1]) < MERGE_GAP) j++;
    const window = pairs.slice(i, j + 1);
    const end = window[window.length - 1][0] + window[window.length - 1][1] - 1;
    const wanted = (p: number) => window.some(([start, count]) => p >= start && p < start + count);
    let from = window[0][0] - 1;
    while (from < end) {
      const page = await store.readAll({ fromPosition: from, maxCount: Math.max(1, Math.min(end - from, PAGE)) });
      for (const e of page) {
        if (e.position > end) break;
        if (wanted(e.position)) yield e;
      }
      if (page.length === 0) break;
      from = page[page.length - 1].position;
    }
    i = j + 1;
  }
}

/** `sources`: where compact events' references resolve (the ClusterView), for the images of a daemon pod. */
export const auditEntry = (e: RecordedEvent, sources?: SummarySources): AuditEntry => {
  const ref = parseStreamId(e.streamId);
  return {
    position: e.position,
    time: e.metadata.wallTime ?? e.recordedAt,
    // Logs written before events were credited one by one (actors.ts) name the command's sender: credited the same way here.
    actor: eventActor(e.type, e.metadata.actor ?? ''),
    object: ref ? `${ref.kind}/${ref.name}` : e.streamId,
    event: e.type,
    detail: eventSummary(e, sources),
  };
};
