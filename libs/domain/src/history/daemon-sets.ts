import type { DaemonSetUpdateStrategy } from '../api/types';
import { scaledValue } from '../controller/pods';
import { daemonSetStream } from '../cluster/streams';
import { desiredAfter, type LoggedEvent } from './log-event';

/** The rule a violation broke (the VerifyReport's `rule`). */
export type VerifyRule = 'revision-monotonic' | 'one-pod-per-node' | 'max-unavailable' | 'position-hole' | 'hash-chain';

export interface Finding {
  rule: VerifyRule;
  message: string;
}

/** What the verifier keeps of one DaemonSet: its strategy and size, never its history. */
export interface DaemonSetFacts {
  uid: string;
  /** `namespace/name`. */
  key: string;
  strategy?: DaemonSetUpdateStrategy;
  minReadySeconds: number;
  /** Nodes that should run a pod, as the controller last wrote it in status (0 until then). */
  desired: number;
  /** From a template change until its rollout completes: unavailability is tracked. */
  rolling: boolean;
}

export interface Budgets {
  maxUnavailable: number;
  maxSurge: number;
}

/**
 * The RollingUpdate budgets scaled against `desired`, as the planner scales them
 * (`updatedDesiredNodeCounts`: both 0 → maxUnavailable 1); undefined when the
 * strategy is not RollingUpdate or a value does not parse.
 */
export const budgets = (ds: DaemonSetFacts): Budgets | undefined => {
  const s = ds.strategy;
  if (s?.type !== 'RollingUpdate') return undefined;
  const ru = s.rollingUpdate;
  try {
    let maxUnavailable = ru?.maxUnavailable === undefined || ru.maxUnavailable === null ? 1 : scaledValue(ru.maxUnavailable, ds.desired);
    const maxSurge = ru?.maxSurge === undefined || ru.maxSurge === null ? 0 : scaledValue(ru.maxSurge, ds.desired);
    if (ds.desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
    return { maxUnavailable, maxSurge };
  } catch {
    return undefined;
  }
};

/** Whether the strategy lets two pods share a node (maxSurge > 0 however it scales), as `allowsSurge`. */
export const surgeAllowed = (ds: DaemonSetFacts): boolean => {
  const surge = ds.strategy?.type === 'RollingUpdate' ? ds.strategy.rollingUpdate?.maxSurge : undefined;
  if (surge === undefined || surge === null) return false;
  try {
    return scaledValue(surge, 1) > 0;
  } catch {
    return false;
  }
};

/**
 * DaemonSets by uid (pods and revisions name their owner by uid), folded
 * from the DaemonSet streams. A uid seen before its DaemonSet (an owner
 * reference to a DaemonSet created elsewhere) gets facts of its own.
 */
export class DaemonSetRegistry {
  private readonly byUid = new Map<string, DaemonSetFacts>();
  private readonly uidByStream = new Map<string, string>();
  seen = 0;

  get(uid: string): DaemonSetFacts {
    let ds = this.byUid.get(uid);
    if (!ds) {
      ds = { uid, key: `uid ${uid}`, minReadySeconds: 0, desired: 0, rolling: false };
      this.byUid.set(uid, ds);
    }
    return ds;
  }

  find(uid: string | undefined): DaemonSetFacts | undefined {
    return uid === undefined ? undefined : this.byUid.get(uid);
  }

  /** uid of the DaemonSet `namespace/name` now (a compact PodCreated names its DaemonSet, not its uid). */
  uidOf(namespace: string, name: string): string | undefined {
    return this.uidByStream.get(daemonSetStream(namespace, name));
  }

  ofStream(streamId: string): DaemonSetFacts | undefined {
    return this.find(this.uidByStream.get(streamId));
  }

  get size(): number {
    return this.byUid.size;
  }

  apply(e: LoggedEvent): void {
    switch (e.type) {
      case 'DaemonSetCreated': {
        const d = e.data.daemonSet;
        const ds = this.get(d.metadata.uid ?? e.streamId);
        ds.key = `${d.metadata.namespace ?? ''}/${d.metadata.name ?? ''}`;
        ds.strategy = d.spec.updateStrategy;
        ds.minReadySeconds = d.spec.minReadySeconds ?? 0;
        this.uidByStream.set(e.streamId, ds.uid);
        this.seen++;
        return;
      }
      case 'DaemonSetSpecChanged': {
        const ds = this.ofStream(e.streamId);
        if (!ds) return;
        ds.strategy = e.data.spec.updateStrategy;
        ds.minReadySeconds = e.data.spec.minReadySeconds ?? 0;
        if (e.data.templateChanged) ds.rolling = true;
        return;
      }
      case 'DaemonSetStatusChanged': {
        const ds = this.ofStream(e.streamId);
        if (ds) ds.desired = desiredAfter(e.data, ds.desired);
        return;
      }
      case 'DaemonSetDeleted': {
        const uid = this.uidByStream.get(e.streamId);
        this.uidByStream.delete(e.streamId);
        if (uid !== undefined) this.byUid.delete(uid);
        return;
      }
      case 'RolloutCompleted': {
        // rollout-<ns>.<ds>-<n>: the DaemonSet's stream is daemonset-<ns>.<ds>.
        const ds = this.ofStream(`daemonset-${e.streamId.slice('rollout-'.length).replace(/-\d+$/, '')}`);
        if (ds) ds.rolling = false;
        return;
      }
      default:
        return;
    }
  }
}
