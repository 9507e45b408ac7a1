// Types of cluster-at.js (a classic script the browser loads as is, so it is plain JS).
import type { ControllerRevision, DaemonSet, Node, Pod } from '@daemonledger/domain/api/types';

export interface GridPod {
  name: string;
  hash: string;
  revision: number | null;
  state: string;
}

export interface GridCell {
  node: string;
  nodeReady: boolean;
  cordoned: boolean;
  /** False for a node the pods name but the node list lacks. */
  known: boolean;
  pods: GridPod[];
  /** The newest revision running on the node (the cell's colour), or null. */
  revision: number | null;
}

export interface DaemonSetSummary {
  desired: number;
  current: number;
  ready: number;
  upToDate: number;
  available: number;
  unavailable: number;
  generation: number;
  observedGeneration: number;
  revision: number | null;
  images: string[];
}

export function podState(pod: Pod): string;
export function targetNode(pod: Pod): string | undefined;
export function nodeGrid(input: { daemonSet: string; daemonSetObject?: DaemonSet; pods: Pod[]; nodes: Node[]; revisions: ControllerRevision[] }): GridCell[];
export function daemonSetSummary(ds: DaemonSet | undefined, revisions: ControllerRevision[]): DaemonSetSummary | null;
