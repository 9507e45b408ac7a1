// Types of timeline.js (a classic script the browser loads as is, so it is plain JS).

export type Axis = 'time' | 'position';
export type SegmentKind = 'waiting' | 'stopping' | 'pending' | 'pulling' | 'backoff' | 'starting' | 'ready';
export type MarkerKind = 'ready' | 'available' | 'pullFailed';

/** One entry of a Rollout's status.nodes[].steps (shapes.md). */
export interface RolloutStep {
  step: string;
  time: string;
  position: number;
  actor?: string;
  message?: string;
}

export interface Rollout {
  metadata: { name: string; namespace?: string; creationTimestamp?: string; resourceVersion?: string; labels?: Record<string, string> };
  spec: {
    daemonSet: string;
    rollout: number;
    fromRevision?: number | null;
    toRevision: number;
    toHash?: string;
    changeCause?: string;
    requestedBy?: string;
    maxUnavailable?: number | string;
    maxSurge?: number | string;
    nodeCount?: number;
  };
  status?: {
    state?: 'Progressing' | 'Complete' | 'Stalled' | 'Paused' | 'Holding' | 'Superseded' | 'RolledBack';
    startedAt?: string;
    endedAt?: string;
    startPosition?: number;
    lastPosition?: number;
    message?: string;
    /** The per-node steps were dropped (only the newest rollouts keep them). */
    nodesPruned?: boolean;
    desired?: number;
    updated?: number;
    nodes?: { node: string; oldPod?: string; newPod?: string; steps: RolloutStep[] }[];
  };
}

export interface Segment {
  kind: SegmentKind;
  from: number;
  to: number;
  /** The steps that opened and closed it (one when still open). */
  steps: RolloutStep[];
  /** Still under way when the rollout was last seen. */
  open: boolean;
  rollout?: number;
}

export interface Marker {
  kind: MarkerKind;
  at: number;
  step: RolloutStep;
  rollout?: number;
}

export interface Scale {
  /** Axis key → 0..1 across the chart. */
  at(key: number): number;
  pieces: { from: number; to: number; x0: number; x1: number }[];
  breaks: { x0: number; x1: number; gap: number }[];
}

export interface Band {
  rollout: number;
  name: string;
  fromRevision: number | null;
  toRevision: number;
  state?: string;
  from: number;
  to: number;
  stalled: boolean;
  pullFailures: number;
  /** Its per-node steps were pruned by the server: a band, no lanes. */
  pruned: boolean;
  /** Why this rollout is an undo, or null. */
  undo: string | null;
  message: string;
  changeCause: string;
  requestedBy: string;
}

export interface Lane {
  node: string;
  segments: Segment[];
  markers: Marker[];
}

export interface Timeline {
  axis: Axis;
  scale: Scale;
  bands: Band[];
  lanes: Lane[];
}

export const SEGMENT_LABELS: Record<SegmentKind, string>;
export const MARKER_LABELS: Record<MarkerKind, string>;
export function nodeTrack(steps: RolloutStep[], axis: Axis, end: number): { segments: Segment[]; markers: Marker[] };
export function findUndos(rollouts: Rollout[]): Record<number, string>;
export function makeScale(spans: [number, number][], opts?: { minShare?: number; breakShare?: number }): Scale;
export function rolloutSpan(r: Rollout, axis: Axis, now?: number): [number, number];
export function buildTimeline(rollouts: Rollout[], axis: Axis, now?: number): Timeline;
export function rolloutAt(rollouts: Rollout[], position: number): Rollout | undefined;
export function keyAtPosition(rollouts: Rollout[], axis: Axis, position: number): number | undefined;
export function stepPositions(rollouts: Rollout[]): number[];
export function parseFragment(hash: string): Record<string, string>;
export function byNodeName(a: string, b: string): number;
