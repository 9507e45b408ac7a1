/**
 * ledger.daemonledger.io/v1 Rollout: the object's shape and its Table row
 * (NAME, DAEMONSET, FROM, TO, STATE, UPDATED, STARTED, DURATION, BY, CAUSE).
 */
import type { ObjectMeta } from '@daemonledger/domain';
import { humanDuration, translateTimestampSince } from './duration';
import type { PrintedRow } from './printers';

export interface RolloutStepObject {
  step: string;
  time: string;
  position: number;
  actor?: string;
  message?: string;
}

export interface RolloutObject {
  apiVersion: 'ledger.daemonledger.io/v1';
  kind: 'Rollout';
  metadata: ObjectMeta;
  spec: {
    daemonSet: string;
    daemonSetUID: string;
    rollout: number;
    fromRevision: number | null;
    toRevision: number;
    toHash: string;
    strategy: string;
    maxUnavailable: number;
    maxSurge: number;
    nodeCount: number;
    changeCause?: string;
    requestedBy?: string;
  };
  status: {
    state: 'Progressing' | 'Complete' | 'Stalled' | 'Superseded';
    desired: number;
    updated: number;
    available: number;
    unavailable: number;
    startedAt: string;
    endedAt?: string;
    startPosition: number;
    lastPosition: number;
    message?: string;
    /** True when the per-node timeline was dropped (only a DaemonSet's newest rollouts keep one). */
    nodesPruned?: boolean;
    nodes?: { node: string; oldPod?: string; newPod?: string; steps: RolloutStepObject[] }[];
  };
}

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
