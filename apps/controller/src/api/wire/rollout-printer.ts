/**
 * ledger.daemonledger.io/v1 Rollout: the object's shape and its Table row
 * (NAME, DAEMONSET, FROM, TO, STATE, UPDATED, STARTED, DURATION, BY, CAUSE).
 */
import type { RolloutObject } from '@daemonledger/projections/rollout-object';
import { humanDuration, translateTimestampSince } from './duration';
import type { PrintedRow } from './printers';

export type { RolloutObject };

export const printRollout = (r: RolloutObject, now: Date): PrintedRow => {
  const started = Date.parse(r.status.startedAt);
  const ended = r.status.endedAt ? Date.parse(r.status.endedAt) : now.getTime();
  return {
    cells: [
      r.metadata.name ?? '',
      r.spec.daemonSet,
      r.spec.fromRevision === null ? '<none>' : r.spec.fromRevision,
      r.spec.toRevision,
      r.status.state,
      `${r.status.updated}/${r.status.desired}`,
      translateTimestampSince(r.status.startedAt, now),
      Number.isNaN(started) ? '<unknown>' : humanDuration(ended - started),
      r.spec.requestedBy ?? '<none>',
      r.spec.changeCause ?? '<none>',
    ],
  };
};
