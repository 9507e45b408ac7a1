/**
 * `manage` (spec §4.4): per node, create the missing daemon pod, delete failed, succeeded,
 * excess and misscheduled ones; delete unbound pods aimed at vanished nodes.
 */
import type { Pod } from '../api/types';
import { backoffDelay, failedPodBackoffKey, isInBackoff, nextBackoff, type FailedPodBackoff } from './backoff';
import { compareDaemonPods, CONTROLLER_REVISION_HASH_LABEL, isPodAvailable, isPodDeleting, isPodReady, scaledValue } from './pods';
import type { NodeEligibility } from './scheduling';
import { nodeToDaemonPods, sortedEntries, type ControllerEvent, type PodDeletion, type SyncView } from './view';

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

/** One node's part of `manage`: whether it needs a pod, and which of its pods go (with the events). */
export interface NodeManagePlan {
  readonly create: boolean;
  readonly deletions: PodDeletion[];
  readonly events: ControllerEvent[];
  readonly backoff: FailedPodBackoff;
  readonly requeueAfterMs?: number;
}

/**
 * `manage` for one node that exists. The node's pods are looked at in `compareDaemonPods` order
 * (upstream walks its informer's order, which is arbitrary): the plan is the same whatever order
 * the pods come in, which the incremental planner relies on.
 */
export const manageNode = (
  view: Pick<SyncView, 'ds' | 'now' | 'hash' | 'minReadySeconds'>,
  surge: boolean,
  name: string,
  { shouldRun, shouldContinueRunning }: NodeEligibility,
  unsorted: readonly Pod[] | undefined,
  backoffIn: FailedPodBackoff,
): NodeManagePlan => {
  const { ds, now } = view;
  const deletions: PodDeletion[] = [];
  const events: ControllerEvent[] = [];
  let backoff = backoffIn;
  let requeueAfterMs: number | undefined;
  const del = (pod: Pod, reason: PodDeletion['reason']) => deletions.push({ name: pod.metadata.name ?? '', nodeName: name, reason });
  const plan = (create: boolean): NodeManagePlan => ({ create, deletions, events, backoff, ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}) });
  if (shouldRun && unsorted === undefined) return plan(true);
  const pods = unsorted && unsorted.length > 1 ? [...unsorted].sort(compareDaemonPods) : (unsorted ?? []);
  if (!shouldContinueRunning) {
    for (const pod of pods) if (!isPodDeleting(pod)) del(pod, 'misscheduled');
    return plan(false);
  }
  const namespace = ds.metadata.namespace ?? '';
  const running: Pod[] = [];
  for (const pod of pods) {
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
      del(pod, 'failed');
    } else if (phase === 'Succeeded') {
      events.push({ type: 'Normal', reason: 'SucceededDaemonPod', message: `Found succeeded daemon pod ${namespace}/${pod.metadata.name} on node ${name}, will try to delete it` });
      del(pod, 'succeeded');
    } else {
      running.push(pod);
    }
  }
  if (!surge) {
    // Keep the oldest; a node whose only pod failed or is terminating gets its pod on a later sync.
    for (const pod of running.slice(1)) del(pod, 'duplicate');
    return plan(false);
  }
  if (running.length === 0) return plan(shouldRun);
  if (running.length > 1) {
    // Surge: keep at most the oldest new and the oldest old pod (by hash label only).
    let oldestNew: Pod | undefined;
    let oldestOld: Pod | undefined;
    for (const pod of running) {
      const isNew = pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === view.hash;
      if (isNew && oldestNew === undefined) oldestNew = pod;
      else if (!isNew && oldestOld === undefined) oldestOld = pod;
      else del(pod, 'duplicate');
    }
    if (oldestNew !== undefined && oldestOld !== undefined) {
      if (!isPodReady(oldestOld) || isPodAvailable(oldestNew, view.minReadySeconds, now)) del(oldestOld, 'surge-replaced');
    }
  }
  return plan(false);
};

/**
 * Unbound pods aimed at a node that no longer exists: pod GC cannot see them, so the controller
 * deletes them. Upstream does not skip deleting ones here; harmless, the API server removes unbound
 * pods at once.
 */
export const orphanedNodeDeletions = (target: string, pods: readonly Pod[]): PodDeletion[] =>
  pods
    .filter((pod) => (pod.spec.nodeName ?? '') === '')
    .sort(compareDaemonPods)
    .map((pod) => ({ name: pod.metadata.name ?? '', nodeName: target, reason: 'orphaned-node' }));

export const manage = (view: SyncView, claimed: readonly Pod[], backoffIn: FailedPodBackoff): ManagePlan => {
  const map = nodeToDaemonPods(claimed);
  const surge = allowsSurge(view);
  const createOn: string[] = [];
  const deletions: PodDeletion[] = [];
  const events: ControllerEvent[] = [];
  let backoff = backoffIn;
  let requeueAfterMs: number | undefined;
  for (let i = 0; i < view.nodes.length; i++) {
    const name = view.names[i];
    const node = manageNode(view, surge, name, view.eligibility.get(name)!, map.get(name), backoff);
    if (node.create) createOn.push(name);
    deletions.push(...node.deletions);
    events.push(...node.events);
    backoff = node.backoff;
    if (node.requeueAfterMs !== undefined) requeueAfterMs = requeueAfterMs === undefined ? node.requeueAfterMs : Math.min(requeueAfterMs, node.requeueAfterMs);
  }
  for (const [target, pods] of sortedEntries(map)) {
    if (!view.nodeByName.has(target)) deletions.push(...orphanedNodeDeletions(target, pods));
  }
  return { createOn, deletions, events, backoff, ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}) };
};
