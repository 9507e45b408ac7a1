/**
 * `rollingUpdate` (spec §6.1–6.3): which old pods to delete (maxSurge = 0) or which nodes get a
 * new pod next to the old one (maxSurge > 0), within the strategy's budget. Nodes that the rollout
 * controls hold (`updatableNodes`, README "Rollout controls") keep their old pod; they are counted
 * exactly as before, and a surge already made on one is completed (its old pod goes once the new
 * one is available).
 */
import type { Pod } from '../api/types';
import { type NodeUpdateState, updatableNodes } from '../rollout-controls/controls';
import { isPodAvailable, isPodDeleting, isPodUpdated, scaledValue } from './pods';
import { nodeName, nodeToDaemonPods, sortedEntries, type PodDeletion, type SyncView } from './view';

export interface RollingUpdateCounts {
  readonly desired: number;
  readonly maxUnavailable: number;
  readonly maxSurge: number;
}

export type RollingUpdatePlan =
  | {
      readonly ok: true;
      readonly counts: RollingUpdateCounts;
      readonly createOn: string[];
      readonly deletions: PodDeletion[];
      /** Nodes that should run the daemon whose old pod the rollout controls keep (0 without controls). */
      readonly heldBack: number;
    }
  | { readonly ok: false; readonly error: string };

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * `updatedDesiredNodeCounts`: desired = nodes with shouldRun; both budgets scaled against it
 * (0 when not RollingUpdate / not set; maxUnavailable required when rollingUpdate is set);
 * both 0 with desired > 0 → maxUnavailable 1. Adds an empty entry for desired nodes without pods.
 */
export const updatedDesiredNodeCounts = (view: SyncView, map?: Map<string, Pod[]>): RollingUpdateCounts => {
  let desired = 0;
  for (const name of view.names) {
    if (!view.eligibility.get(name)!.shouldRun) continue;
    desired++;
    if (map && !map.has(name)) map.set(name, []);
  }
  const strategy = view.ds.spec.updateStrategy;
  const ru = strategy?.type === 'RollingUpdate' ? strategy.rollingUpdate : undefined;
  let maxUnavailable = 0;
  let maxSurge = 0;
  if (ru !== undefined && ru !== null) {
    try {
      maxUnavailable = scaledValue(ru.maxUnavailable, desired);
    } catch (e) {
      throw new Error(`invalid value for MaxUnavailable: ${errorText(e)}`);
    }
    try {
      maxSurge = ru.maxSurge === undefined || ru.maxSurge === null ? 0 : scaledValue(ru.maxSurge, desired);
    } catch (e) {
      throw new Error(`invalid value for MaxSurge: ${errorText(e)}`);
    }
  }
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  return { desired, maxUnavailable, maxSurge };
};

/** `findUpdatedPodsOnNode`: at most one new and one old non-deleting pod, else not ok. */
const splitNode = (view: SyncView, pods: readonly Pod[]): { ok: boolean; newPod?: Pod; oldPod?: Pod } => {
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const pod of pods) {
    if (isPodDeleting(pod)) continue;
    if (isPodUpdated(pod, view.hash, view.generation)) {
      if (newPod) return { ok: false };
      newPod = pod;
    } else {
      if (oldPod) return { ok: false };
      oldPod = pod;
    }
  }
  return { ok: true, newPod, oldPod };
};

/** Where each node of the walk stands, for the rollout controls (OpenKruise's classes: updated, updating, old). */
const updateStates = (view: SyncView, entries: readonly (readonly [string, Pod[]])[]): NodeUpdateState[] =>
  entries.map(([name, pods]) => {
    const { ok, newPod, oldPod } = splitNode(view, pods);
    return { name, state: !ok || newPod !== undefined ? 'updated' : oldPod !== undefined ? 'old' : 'updating' };
  });

/** The nodes whose old pod this rolling update may replace now (all of them without controls). */
const EVERY_NODE = (): boolean => true;

const controlled = (view: SyncView, entries: readonly (readonly [string, Pod[]])[]): ((name: string) => boolean) => {
  // A canary not yet passed lets at most `canary` nodes run the new revision: a partition of the rest.
  const c = view.controls;
  const canaryHolds = c.canary !== undefined && !view.canaryPassed;
  // No control set: no walk over the nodes' pods (a sync of 100,000 nodes pays nothing for the controls).
  if (!c.paused && c.partition === 0 && c.selector === undefined && !canaryHolds) return EVERY_NODE;
  const controls = canaryHolds ? { ...c, partition: Math.max(c.partition, entries.length - c.canary!.nodes) } : c;
  return updatableNodes(controls, updateStates(view, entries), (name) => view.nodeByName.get(name)?.metadata.labels);
};

/** `controlled` from the DaemonSet's claimed pods, as `rollingUpdate` computes it (tests and properties). */
export const mayUpdateOf = (view: SyncView, claimed: readonly Pod[]): ((name: string) => boolean) => {
  const map = nodeToDaemonPods(claimed);
  try {
    updatedDesiredNodeCounts(view, map);
  } catch {
    return () => false;
  }
  return controlled(view, sortedEntries(map));
};

export const rollingUpdate = (view: SyncView, claimed: readonly Pod[]): RollingUpdatePlan => {
  const map = nodeToDaemonPods(claimed);
  let counts: RollingUpdateCounts;
  try {
    counts = updatedDesiredNodeCounts(view, map);
  } catch (e) {
    return { ok: false, error: `couldn't get unavailable numbers: ${errorText(e)}` };
  }
  const { maxUnavailable, maxSurge, desired } = counts;
  const entries = sortedEntries(map); // upstream walks a Go map (random order)
  const mayUpdate = controlled(view, entries);
  let heldBack = 0;
  if (mayUpdate !== EVERY_NODE) {
    for (const [node, pods] of entries) {
      if (mayUpdate(node) || !view.eligibility.get(node)?.shouldRun) continue;
      const { ok, newPod, oldPod } = splitNode(view, pods);
      if (ok && newPod === undefined && oldPod !== undefined) heldBack++;
    }
  }
  const available = (pod: Pod) => isPodAvailable(pod, view.minReadySeconds, view.now);

  if (maxSurge === 0) {
    let unavailable = 0;
    const replacements: PodDeletion[] = [];
    const candidates: PodDeletion[] = [];
    for (const [node, pods] of entries) {
      const { ok, newPod, oldPod } = splitNode(view, pods);
      if (!ok || (oldPod === undefined) === (newPod === undefined)) {
        unavailable++; // excess pods (manage prunes), nothing running, or old + new on the node
      } else if (newPod !== undefined) {
        if (!available(newPod)) unavailable++;
      } else if (!available(oldPod!)) {
        // A held node (rollout controls) keeps even an unavailable old pod; it still counts as unavailable.
        if (mayUpdate(node)) replacements.push({ name: oldPod!.metadata.name ?? '', nodeName: node, reason: 'rolling-update' });
        unavailable++;
      } else if (unavailable < maxUnavailable && mayUpdate(node)) {
        candidates.push({ name: oldPod!.metadata.name ?? '', nodeName: node, reason: 'rolling-update' });
      }
    }
    const room = Math.min(Math.max(maxUnavailable - unavailable, 0), candidates.length);
    return { ok: true, counts, createOn: [], deletions: [...replacements, ...candidates.slice(0, room)], heldBack };
  }

  const deletions: PodDeletion[] = [];
  const shouldNotRun: PodDeletion[] = [];
  const candidateNodes: string[] = [];
  const allowedNodes: string[] = [];
  let surging = 0;
  let numAvailable = 0;
  for (const [node, pods] of entries) {
    const { ok, newPod, oldPod } = splitNode(view, pods);
    if (!ok) {
      surging++;
      continue;
    }
    if (oldPod !== undefined ? available(oldPod) : newPod !== undefined && available(newPod)) numAvailable++;
    if (oldPod === undefined) continue;
    const oldDeletion: PodDeletion = { name: oldPod.metadata.name ?? '', nodeName: node, reason: 'rolling-update' };
    if (newPod === undefined) {
      const eligibility = view.eligibility.get(node);
      if (eligibility === undefined) return { ok: false, error: `couldn't get node for nodeName "${node}": node "${node}" not found` };
      if (!available(oldPod)) {
        if (!eligibility.shouldRun) deletions.push(oldDeletion);
        else if (mayUpdate(node)) allowedNodes.push(node); // not limited by maxSurge
      } else if (!eligibility.shouldRun) {
        shouldNotRun.push(oldDeletion);
      } else if (surging < maxSurge && mayUpdate(node)) {
        candidateNodes.push(node);
      }
    } else if (!available(newPod)) {
      surging++;
    } else {
      deletions.push({ ...oldDeletion, reason: 'surge-replaced' });
    }
  }
  // Keep full availability while a constraint moves the daemon: only drop surplus should-not-run pods.
  const deletable = Math.min(Math.max(numAvailable - desired, 0), shouldNotRun.length);
  deletions.push(...shouldNotRun.slice(0, deletable));
  const room = Math.min(Math.max(maxSurge - surging, 0), candidateNodes.length);
  return { ok: true, counts, createOn: [...allowedNodes, ...candidateNodes.slice(0, room)], deletions, heldBack };
};
