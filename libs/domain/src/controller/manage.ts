/**
 * `manage` (spec §4.4): per node, create the missing daemon pod, delete failed, succeeded,
 * excess and misscheduled ones; delete unbound pods aimed at vanished nodes.
 */
import type { Pod } from '../api/types';
import { backoffDelay, failedPodBackoffKey, isInBackoff, nextBackoff, type FailedPodBackoff } from './backoff';
import { compareDaemonPods, CONTROLLER_REVISION_HASH_LABEL, isPodAvailable, isPodDeleting, isPodReady, scaledValue } from './pods';
import { nodeName, nodeToDaemonPods, sortedEntries, type ControllerEvent, type PodDeletion, type SyncView } from './view';

export interface ManagePlan {
  /** Nodes needing a pod, in node order. */
  readonly createOn: string[];
  readonly deletions: PodDeletion[];
  readonly events: ControllerEvent[];
  readonly backoff: FailedPodBackoff;
  /** Set when a failed pod was left alone because of backoff: requeue after the current delay. */
  readonly requeueAfterMs?: number;
}

/** `util.AllowsSurge`: RollingUpdate whose maxSurge scaled against one node is > 0 (invalid → no). */
export const allowsSurge = (view: Pick<SyncView, 'ds'>): boolean => {
  const strategy = view.ds.spec.updateStrategy;
  const surge = strategy?.rollingUpdate?.maxSurge;
  if (strategy?.type !== 'RollingUpdate' || surge === undefined || surge === null) return false;
  try {
    return scaledValue(surge, 1) > 0;
  } catch {
    return false;
  }
};

export const manage = (view: SyncView, claimed: readonly Pod[], backoffIn: FailedPodBackoff): ManagePlan => {
  const { ds, now } = view;
  const namespace = ds.metadata.namespace ?? '';
  const map = nodeToDaemonPods(claimed);
  const surge = allowsSurge(view);
  const createOn: string[] = [];
  const deletions: PodDeletion[] = [];
  const events: ControllerEvent[] = [];
  let backoff = backoffIn;
  let requeueAfterMs: number | undefined;
  const del = (pod: Pod, node: string, reason: PodDeletion['reason']) => deletions.push({ name: pod.metadata.name ?? '', nodeName: node, reason });

  for (let i = 0; i < view.nodes.length; i++) {
    const name = view.names[i];
    const { shouldRun, shouldContinueRunning } = view.eligibility.get(name)!;
    const pods = map.get(name);
    if (shouldRun && pods === undefined) {
      createOn.push(name);
    } else if (shouldContinueRunning) {
      const running: Pod[] = [];
      for (const pod of pods ?? []) {
        if (isPodDeleting(pod)) continue;
        const phase = pod.status?.phase;
        if (phase === 'Failed') {
          const key = failedPodBackoffKey(ds, name);
          if (isInBackoff(backoff, key, now)) {
            const delay = backoffDelay(backoff, key);
            requeueAfterMs = requeueAfterMs === undefined ? delay : Math.min(requeueAfterMs, delay);
            continue;
          }
          backoff = nextBackoff(backoff, key, now);
          events.push({ type: 'Warning', reason: 'FailedDaemonPod', message: `Found failed daemon pod ${namespace}/${pod.metadata.name} on node ${name}, will try to kill it` });
          del(pod, name, 'failed');
        } else if (phase === 'Succeeded') {
          events.push({ type: 'Normal', reason: 'SucceededDaemonPod', message: `Found succeeded daemon pod ${namespace}/${pod.metadata.name} on node ${name}, will try to delete it` });
          del(pod, name, 'succeeded');
        } else {
          running.push(pod);
        }
      }
      running.sort(compareDaemonPods);
      if (!surge) {
        // Keep the oldest; a node whose only pod failed or is terminating gets its pod on a later sync.
        for (const pod of running.slice(1)) del(pod, name, 'duplicate');
      } else if (running.length === 0) {
        if (shouldRun) createOn.push(name);
      } else if (running.length > 1) {
        // Surge: keep at most the oldest new and the oldest old pod (by hash label only).
        let oldestNew: Pod | undefined;
        let oldestOld: Pod | undefined;
        for (const pod of running) {
          const isNew = pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === view.hash;
          if (isNew && oldestNew === undefined) oldestNew = pod;
          else if (!isNew && oldestOld === undefined) oldestOld = pod;
          else del(pod, name, 'duplicate');
        }
        if (oldestNew !== undefined && oldestOld !== undefined) {
          if (!isPodReady(oldestOld) || isPodAvailable(oldestNew, view.minReadySeconds, now)) del(oldestOld, name, 'surge-replaced');
        }
      }
    } else if (pods !== undefined) {
      for (const pod of pods) if (!isPodDeleting(pod)) del(pod, name, 'misscheduled');
    }
  }

  // Unbound pods aimed at nodes that no longer exist: pod GC cannot see them, so the controller deletes them.
  // Upstream does not skip deleting ones here; harmless, the API server removes unbound pods at once.
  for (const [target, pods] of sortedEntries(map)) {
    if (view.nodeByName.has(target)) continue;
    for (const pod of pods) if ((pod.spec.nodeName ?? '') === '') del(pod, target, 'orphaned-node');
  }
  return { createOn, deletions, events, backoff, ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}) };
};
