import type { AppendResult } from '../event-store.port';
import { idConflict } from './errors';
import type { PreparedEvent } from './validation';

export interface StoredRef {
  streamId: string;
  revision: number;
  position: number;
}

/**
 * Decides what a batch is given which of its ids are already stored:
 * - none stored → `undefined` (a fresh append; go on with the revision check);
 * - all stored, in this stream, in this order, at consecutive revisions → the
 *   original AppendResult (an idempotent retry: write nothing, report success);
 * - anything else (some stored, or stored elsewhere/out of order) → Conflict.
 */
export const classifyBatch = (
  streamId: string,
  batch: readonly PreparedEvent[],
  stored: readonly (StoredRef | undefined)[],
): AppendResult | undefined => {
  const found = stored.filter((s): s is StoredRef => s !== undefined).length;
  if (found === 0) return undefined;
  if (found < batch.length) {
    const ids = batch.filter((_, i) => stored[i] !== undefined).map((e) => e.id);
    throw idConflict(
      streamId,
      `the batch mixes ${found} already-stored event id(s) (${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', …' : ''}) with ${batch.length - found} new one(s); retry the original batch exactly or use fresh ids`,
    );
  }
  const first = stored[0]!;
  for (let i = 0; i < stored.length; i++) {
    const s = stored[i]!;
    if (s.streamId !== streamId || s.revision !== first.revision + i) {
      throw idConflict(
        streamId,
        `event id ${batch[i].id} is already stored as revision ${s.revision} of stream "${s.streamId}", not as part of this batch`,
      );
    }
  }
  const last = stored[stored.length - 1]!;
  return { nextExpectedRevision: last.revision, position: last.position };
};
