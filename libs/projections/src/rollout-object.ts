/**
 * The wire shapes of the ledger.daemonledger.io/v1 group, as the server
 * serves them and the `kubectl ledger` plugin reads them: one definition for
 * both sides.
 */
import type { ObjectMeta } from '@daemonledger/domain/api/types';

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
    state: 'Progressing' | 'Complete' | 'Stalled' | 'Paused' | 'Holding' | 'Superseded' | 'RolledBack';
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

/** `GET …/rollouts/{name}/audit`: every event the rollout caused, in log order. */
export interface RolloutAuditObject {
  apiVersion: 'ledger.daemonledger.io/v1';
  kind: 'RolloutAudit';
  metadata: { name: string; namespace: string; resourceVersion?: string };
  correlationId?: string;
  entries: { position: number; time: string; actor?: string; object: string; event: string; detail?: string }[];
}
