/**
 * What one sync looks at: the DaemonSet with its current hash, the node list with eligibility,
 * and the node → daemon pods map (spec §4.3). Shared by manage, rolling update and status.
 */
import type { DaemonSet, Node, Pod } from '../api/types';
import { readRolloutControls, type RolloutControls } from '../rollout-controls/controls';
import { isPodDeleting, isPodTerminal, podTargetNode, templateGeneration } from './pods';
import { nodeShouldRunDaemonPod, type NodeEligibility } from './scheduling';
import type { EpochMs } from './time';

export type DeleteReason =
  | 'failed'
  | 'succeeded'
  | 'duplicate'
  | 'misscheduled'
  | 'orphaned-node'
  | 'rolling-update'
  | 'surge-replaced';

export interface PodDeletion {
  readonly name: string;
  /** The pod's target node (absent for none). */
  readonly nodeName?: string;
  readonly reason: DeleteReason;
}

export interface ControllerEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

export interface SyncView {
  readonly ds: DaemonSet;
  /** Node list in the deterministic order every phase walks: by name. */
  readonly nodes: readonly Node[];
  /** `nodes[i].metadata.name`, read once: node objects come in many shapes, so the property read is slow. */
  readonly names: readonly string[];
  readonly nodeByName: ReadonlyMap<string, Node>;
  readonly eligibility: ReadonlyMap<string, NodeEligibility>;
  readonly hash: string;
  readonly generation: string | undefined;
  readonly minReadySeconds: number;
  readonly now: EpochMs;
  /** The rollout controls the DaemonSet's annotations set (README "Rollout controls"); the rolling update obeys them. */
  readonly controls: RolloutControls;
  /** The canary control's hold is over for this revision (it passed): it restricts nothing any more. */
  readonly canaryPassed: boolean;
}

export const nodeName = (node: Node): string => node.metadata.name ?? '';

const isSortedByName = (nodes: readonly Node[]): boolean => {
  for (let i = 1; i < nodes.length; i++) if (nodeName(nodes[i - 1]) > nodeName(nodes[i])) return false;
  return true;
};

export const buildView = (ds: DaemonSet, nodes: readonly Node[], hash: string, now: EpochMs, canaryPassed = false): SyncView => {
  const sorted = isSortedByName(nodes)
    ? nodes
    : nodes
        .map((n) => [nodeName(n), n] as const)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, n]) => n);
  const names = sorted.map(nodeName);
  const nodeByName = new Map(sorted.map((n, i) => [names[i], n]));
  const eligibility = new Map(sorted.map((n, i) => [names[i], nodeShouldRunDaemonPod(n, ds)]));
  return {
    ds,
    nodes: sorted,
    names,
    nodeByName,
    eligibility,
    hash,
    generation: templateGeneration(ds),
    minReadySeconds: ds.spec.minReadySeconds ?? 0,
    now,
    controls: readRolloutControls(ds.metadata.annotations),
    canaryPassed,
  };
};

/**
 * `getNodesToDaemonPods`: claimed pods grouped by target node, pods without one ignored.
 * Terminal pods with a deletionTimestamp are left out unless `includeDeletedTerminal`.
 * Iterate the result with `sortedEntries` for a deterministic walk.
 */
export const nodeToDaemonPods = (claimed: readonly Pod[], includeDeletedTerminal = false): Map<string, Pod[]> => {
  const map = new Map<string, Pod[]>();
  for (const pod of claimed) {
    if (!includeDeletedTerminal && isPodTerminal(pod) && isPodDeleting(pod)) continue;
    const target = podTargetNode(pod);
    if (target === undefined) continue;
    const list = map.get(target);
    if (list) list.push(pod);
    else map.set(target, [pod]);
  }
  return map;
};

export const sortedEntries = <V>(map: ReadonlyMap<string, V>): [string, V][] =>
  [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
