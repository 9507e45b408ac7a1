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
import type { NodeEligibility } from './scheduling';
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
  return rollingBudgets(view.ds, desired);
};

/** The budgets of `updatedDesiredNodeCounts` for `desired` nodes (throws on an invalid value). */
export const rollingBudgets = (ds: SyncView['ds'], desired: number): RollingUpdateCounts => {
  const strategy = ds.spec.updateStrategy;
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

export const budgetError = (e: unknown): string => `couldn't get unavailable numbers: ${errorText(e)}`;

/** `findUpdatedPodsOnNode`: at most one new and one old non-deleting pod, else not ok. */
const splitNode = (view: Pick<SyncView, 'hash' | 'generation'>, pods: readonly Pod[]): { ok: boolean; newPod?: Pod; oldPod?: Pod } => {
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
export const EVERY_NODE = (): boolean => true;

/** Whether a rollout control keeps any node from updating now (else every node may). */
export const controlsRestrict = ({ controls: c, canaryPassed }: Pick<SyncView, 'controls' | 'canaryPassed'>): boolean =>
  c.paused || c.partition !== 0 || c.selector !== undefined || (c.canary !== undefined && !canaryPassed);

export const controlled = (view: SyncView, entries: readonly (readonly [string, Pod[]])[]): ((name: string) => boolean) => {
  // A canary not yet passed lets at most `canary` nodes run the new revision: a partition of the rest.
  const c = view.controls;
  const canaryHolds = c.canary !== undefined && !view.canaryPassed;
  // No control set: no walk over the nodes' pods (a sync of 100,000 nodes pays nothing for the controls).
  if (!controlsRestrict(view)) return EVERY_NODE;
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

/**
 * One node's place in the maxSurge = 0 walk: `unavailable` counts against maxUnavailable;
 * `replace` is an unavailable old pod (replaced at once on a node the controls allow; it counts as
 * unavailable either way); `candidate` an available old pod the budget may take.
 */
export type NoSurgeClass =
  | { readonly kind: 'fine' | 'unavailable' }
  | { readonly kind: 'replace' | 'candidate'; readonly deletion: PodDeletion };

const FINE: NoSurgeClass = { kind: 'fine' };
const UNAVAILABLE: NoSurgeClass = { kind: 'unavailable' };

export const noSurgeClass = (view: Pick<SyncView, 'hash' | 'generation' | 'minReadySeconds' | 'now'>, node: string, pods: readonly Pod[]): NoSurgeClass => {
  const { ok, newPod, oldPod } = splitNode(view, pods);
  // Excess pods (manage prunes), nothing running, or old + new on the node.
  if (!ok || (oldPod === undefined) === (newPod === undefined)) return UNAVAILABLE;
  if (newPod !== undefined) return isPodAvailable(newPod, view.minReadySeconds, view.now) ? FINE : UNAVAILABLE;
  const deletion: PodDeletion = { name: oldPod!.metadata.name ?? '', nodeName: node, reason: 'rolling-update' };
  return { kind: isPodAvailable(oldPod!, view.minReadySeconds, view.now) ? 'candidate' : 'replace', deletion };
};

/**
 * One node's place in the maxSurge > 0 walk. `surging` counts against maxSurge, `available`
 * towards the availability kept while a constraint moves the daemon. `delete`: its old pod goes
 * (unavailable on a node that should not run it, or replaced by an available new one);
 * `should-not-run`: an available old pod on such a node (dropped only when surplus); `allowed`: an
 * unavailable old pod whose node gets a new pod next to it (not limited by maxSurge); `candidate`:
 * an available old pod whose node may get one within maxSurge; `error`: a node the pod points at
 * is gone.
 */
export type SurgeClass = {
  readonly surging: boolean;
  readonly available: boolean;
} & (
  | { readonly kind: 'none' | 'error' | 'allowed' | 'candidate' }
  | { readonly kind: 'delete' | 'should-not-run'; readonly deletion: PodDeletion }
);

// Shared: the incremental planner keeps a class per node.
const SURGING: SurgeClass = { surging: true, available: false, kind: 'none' };
const NONE: SurgeClass = { surging: false, available: false, kind: 'none' };
const NONE_AVAILABLE: SurgeClass = { surging: false, available: true, kind: 'none' };

export const surgeClass = (
  view: Pick<SyncView, 'hash' | 'generation' | 'minReadySeconds' | 'now'>,
  node: string,
  eligibility: NodeEligibility | undefined,
  pods: readonly Pod[],
): SurgeClass => {
  const available = (pod: Pod) => isPodAvailable(pod, view.minReadySeconds, view.now);
  const { ok, newPod, oldPod } = splitNode(view, pods);
  if (!ok) return SURGING;
  const avail = oldPod !== undefined ? available(oldPod) : newPod !== undefined && available(newPod);
  if (oldPod === undefined) return avail ? NONE_AVAILABLE : NONE;
  const deletion: PodDeletion = { name: oldPod.metadata.name ?? '', nodeName: node, reason: 'rolling-update' };
  if (newPod !== undefined) {
    return available(newPod) ? { surging: false, available: avail, kind: 'delete', deletion: { ...deletion, reason: 'surge-replaced' } } : { surging: true, available: avail, kind: 'none' };
  }
  if (eligibility === undefined) return { surging: false, available: avail, kind: 'error' };
  if (!available(oldPod)) return eligibility.shouldRun ? { surging: false, available: avail, kind: 'allowed' } : { surging: false, available: avail, kind: 'delete', deletion };
  return eligibility.shouldRun ? { surging: false, available: avail, kind: 'candidate' } : { surging: false, available: avail, kind: 'should-not-run', deletion };
};

export const nodeGoneError = (node: string): string => `couldn't get node for nodeName "${node}": node "${node}" not found`;

export const rollingUpdate = (view: SyncView, claimed: readonly Pod[]): RollingUpdatePlan => {
  const map = nodeToDaemonPods(claimed);
  let counts: RollingUpdateCounts;
  try {
    counts = updatedDesiredNodeCounts(view, map);
  } catch (e) {
    return { ok: false, error: budgetError(e) };
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

  if (maxSurge === 0) {
    let unavailable = 0;
    const replacements: PodDeletion[] = [];
    const candidates: PodDeletion[] = [];
    for (const [node, pods] of entries) {
      const c = noSurgeClass(view, node, pods);
      if (c.kind === 'unavailable') unavailable++;
      else if (c.kind === 'replace') {
        // A held node (rollout controls) keeps even an unavailable old pod; it still counts as unavailable.
        if (mayUpdate(node)) replacements.push(c.deletion);
        unavailable++;
      } else if (c.kind === 'candidate' && unavailable < maxUnavailable && mayUpdate(node)) candidates.push(c.deletion);
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
    const c = surgeClass(view, node, view.eligibility.get(node), pods);
    if (c.surging) surging++;
    if (c.available) numAvailable++;
    if (c.kind === 'error') return { ok: false, error: nodeGoneError(node) };
    if (c.kind === 'delete') deletions.push(c.deletion);
    else if (c.kind === 'should-not-run') shouldNotRun.push(c.deletion);
    else if (c.kind === 'allowed' && mayUpdate(node)) allowedNodes.push(node);
    else if (c.kind === 'candidate' && surging < maxSurge && mayUpdate(node)) candidateNodes.push(node);
  }
  // Keep full availability while a constraint moves the daemon: only drop surplus should-not-run pods.
  const deletable = Math.min(Math.max(numAvailable - desired, 0), shouldNotRun.length);
  deletions.push(...shouldNotRun.slice(0, deletable));
  const room = Math.min(Math.max(maxSurge - surging, 0), candidateNodes.length);
  return { ok: true, counts, createOn: [...allowedNodes, ...candidateNodes.slice(0, room)], deletions, heldBack };
};
