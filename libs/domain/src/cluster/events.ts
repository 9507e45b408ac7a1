import type {
  ControllerRevision,
  DaemonSet,
  DaemonSetSpec,
  DaemonSetStatus,
  ManagedFieldsEntry,
  Node,
  ObjectMeta,
  NodeCondition,
  OwnerReference,
  Pod,
  PodStatus,
  Taint,
} from '../api/types';
import type { DaemonPodRef } from './daemon-pod';
import type { KubeletObservation } from './kubelet-status';
import type { SimulatedNodeRef } from './simulated-node';

/**
 * Every fact DaemonLedger records. Each event lives in the stream of the one
 * object it changes (see `streams.ts`), and carries just enough to rebuild
 * that object exactly: projections and time travel are folds over these.
 *
 * Payloads hold whole sub-objects (a spec, a status, a label map) rather than
 * diffs: replays never depend on the code that computed a change. The
 * exceptions are what makes most of a log, a daemon pod's creation, a
 * kubelet's report and a simulated node's joining: they record what they were
 * built from (a DaemonSet version, an observation, an index) and the fold
 * rebuilds the object with the same pure function that built it
 * (`newDaemonPod`, `kubeletPodStatus`, `simulatedNode`); the decider records
 * them so only when the rebuild is exact (key order included), whole
 * otherwise. Those builders are part of the v2 schemas: changing what one
 * builds needs a new version, the old builder kept for the old events.
 */
export type DeletionPropagation = 'Background' | 'Foreground' | 'Orphan';

// ── DaemonSet stream: daemonset-<ns>.<name> ─────────────────────────────────
export interface DaemonSetCreated {
  type: 'DaemonSetCreated';
  /** Defaulted object with uid, creationTimestamp, generation 1 and the template-generation annotation. */
  data: { daemonSet: DaemonSet };
}
export interface DaemonSetSpecChanged {
  type: 'DaemonSetSpecChanged';
  data: {
    spec: DaemonSetSpec;
    generation: number;
    templateGeneration: number;
    templateChanged: boolean;
    /** Labels and annotations as they are after the change (same request). */
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    changeCause?: string;
    /** The field ownership after the change, when it moved; absent = unchanged. */
    managedFields?: ManagedFieldsEntry[];
  };
}
export interface DaemonSetMetadataChanged {
  type: 'DaemonSetMetadataChanged';
  /** managedFields: the field ownership after the change, when it moved (server-side apply); absent = unchanged. */
  data: { labels?: Record<string, string>; annotations?: Record<string, string>; managedFields?: ManagedFieldsEntry[] };
}
export interface DaemonSetStatusChanged {
  type: 'DaemonSetStatusChanged';
  /** v2. `changed`: the top-level status fields that changed, laid over the previous status; `status`: whole (and every v1 event). */
  data: { status: DaemonSetStatus; changed?: never } | { changed: Partial<DaemonSetStatus>; status?: never };
}
export interface DaemonSetDeletionRequested {
  type: 'DaemonSetDeletionRequested';
  data: { propagationPolicy: DeletionPropagation; deletionTimestamp: string; finalizers: string[] };
}
export interface DaemonSetDeleted {
  type: 'DaemonSetDeleted';
  data: { uid: string; propagationPolicy: DeletionPropagation };
}
export type DaemonSetEvent =
  | DaemonSetCreated
  | DaemonSetSpecChanged
  | DaemonSetMetadataChanged
  | DaemonSetStatusChanged
  | DaemonSetDeletionRequested
  | DaemonSetDeleted;

// ── ControllerRevision stream: controllerrevision-<ns>.<name> ───────────────
export interface ControllerRevisionCreated {
  type: 'ControllerRevisionCreated';
  data: { revision: ControllerRevision };
}
export interface ControllerRevisionRenumbered {
  type: 'ControllerRevisionRenumbered';
  data: { from: number; to: number };
}
export interface ControllerRevisionOwnerChanged {
  type: 'ControllerRevisionOwnerChanged';
  /** null: released (orphaned); otherwise adopted by this controller. */
  data: { ownerReference: OwnerReference | null };
}
export interface ControllerRevisionLabelsChanged {
  type: 'ControllerRevisionLabelsChanged';
  data: { labels: Record<string, string> };
}
export interface ControllerRevisionAnnotationsChanged {
  type: 'ControllerRevisionAnnotationsChanged';
  data: { annotations: Record<string, string> };
}
export interface ControllerRevisionDeleted {
  type: 'ControllerRevisionDeleted';
  data: { reason: 'pruned' | 'duplicate' | 'garbage-collected' | 'user' };
}
export type ControllerRevisionEvent =
  | ControllerRevisionCreated
  | ControllerRevisionRenumbered
  | ControllerRevisionOwnerChanged
  | ControllerRevisionLabelsChanged
  | ControllerRevisionAnnotationsChanged
  | ControllerRevisionDeleted;

// ── Pod stream: pod-<ns>.<name> ─────────────────────────────────────────────
export interface PodCreated {
  type: 'PodCreated';
  /**
   * v2. `daemonPod`: a pod the controller built from its DaemonSet (rebuilt by the fold);
   * `pod`: any other pod, whole (a user's create, and every v1 event).
   */
  data: { pod: Pod; daemonPod?: never } | { daemonPod: DaemonPodRef; pod?: never };
}
export interface PodBound {
  type: 'PodBound';
  /** `at`: when, for a pod that had a PodScheduled condition (the scheduler found it unschedulable first): it turns True then. */
  data: { nodeName: string; at?: string };
}
export interface PodStatusReported {
  type: 'PodStatusReported';
  /**
   * v2. `kubelet`: what the kubelet observed, the status being `kubeletPodStatus` of it;
   * `status`: any other status, whole (a user's pods/status write, and every v1 event).
   * v3: the observation may say Killed, may lack a podIP (sandbox not up), may carry
   * its pulls, and its status has runtime ids; a v2 observation is upcast with `legacy: true`.
   */
  data: { status: PodStatus; kubelet?: never } | { kubelet: KubeletObservation; status?: never };
}
export interface PodLabelsChanged {
  type: 'PodLabelsChanged';
  data: { labels: Record<string, string> };
}
export interface PodAnnotationsChanged {
  type: 'PodAnnotationsChanged';
  data: { annotations: Record<string, string> };
}
export interface PodOwnerChanged {
  type: 'PodOwnerChanged';
  /** null: released/orphaned; otherwise adopted. */
  data: { ownerReference: OwnerReference | null };
}
export interface PodDeletionRequested {
  type: 'PodDeletionRequested';
  /**
   * `preemptedBy` (reason 'preempted'): the pending pod the default scheduler
   * evicted this one for, and the node it nominated; the fold then sets the
   * DisruptionTarget condition, as upstream's preemption does before it deletes a victim.
   */
  data: { deletionTimestamp: string; gracePeriodSeconds: number; reason: string; preemptedBy?: PreemptorRef };
}
/** The pod a victim was preempted for (upstream's event names its uid and the node). */
export interface PreemptorRef {
  namespace: string;
  name: string;
  uid: string;
  nodeName: string;
}
/**
 * The default scheduler could not place the pod: its PodScheduled condition
 * turns False with reason Unschedulable and this message (upstream's FitError
 * text). `at`: when (RFC 3339), the condition's lastTransitionTime when it turns False.
 * Recorded only when the message changes, so a pending pod does not grow the log per retry.
 */
export interface PodUnschedulable {
  type: 'PodUnschedulable';
  data: { message: string; at: string };
}
/** The default scheduler preempted pods on this node for the pod: `status.nominatedNodeName`. */
export interface PodNominated {
  type: 'PodNominated';
  data: { nodeName: string };
}
export interface PodDeleted {
  type: 'PodDeleted';
  data: { reason: string };
}
export type PodEvent =
  | PodCreated
  | PodBound
  | PodStatusReported
  | PodLabelsChanged
  | PodAnnotationsChanged
  | PodOwnerChanged
  | PodDeletionRequested
  | PodDeleted
  | PodUnschedulable
  | PodNominated;

// ── Node stream: node-<name> ────────────────────────────────────────────────
export interface NodeJoined {
  type: 'NodeJoined';
  /** v2. `simulated`: a simulated kubelet's node (rebuilt by the fold); `node`: any other node, whole (and every v1 event). v3: the ref's `capacity` absent means DEFAULT_NODE_SIZE (upcast: a v2 ref's means LEGACY_NODE_SIZE). */
  data: { node: Node; simulated?: never } | { simulated: SimulatedNodeRef; node?: never };
}
export interface NodeLabelsChanged {
  type: 'NodeLabelsChanged';
  data: { labels: Record<string, string> };
}
export interface NodeAnnotationsChanged {
  type: 'NodeAnnotationsChanged';
  data: { annotations: Record<string, string> };
}
export interface NodeStatusReported {
  type: 'NodeStatusReported';
  /** The whole status as posted (kubelet, or a user's PUT/PATCH of nodes/status), and the taints the node lifecycle puts with its readiness. */
  data: { status: NonNullable<Node['status']>; taints: Taint[] };
}
export interface NodeTaintsChanged {
  type: 'NodeTaintsChanged';
  data: { taints: Taint[] };
}
export interface NodeConditionChanged {
  type: 'NodeConditionChanged';
  /** All conditions after the change, and the taints the node lifecycle puts with them. */
  data: { conditions: NodeCondition[]; taints: Taint[] };
}
export interface NodeCordoned {
  type: 'NodeCordoned';
  data: { taints: Taint[] };
}
export interface NodeUncordoned {
  type: 'NodeUncordoned';
  data: { taints: Taint[] };
}

/**
 * Whether a node event can change where or how a DaemonSet places and rolls
 * its pods. Only the image list cannot: no predicate of the controller reads
 * `status.images` (upstream's daemon-pod predicates look at the node's name,
 * labels, taints, conditions and allocatable resources). Such events wake no
 * DaemonSet and mark no node for the incremental planners; a rollout pulls a
 * new image on every node, and each of those reports would otherwise make
 * every DaemonSet's next sync read that node again.
 */
export const nodeEventAffectsPlacement = (type: string): boolean => type !== 'NodeImagesChanged';

/**
 * The images the node's container runtime holds changed (a pull, or the
 * kubelet's image GC): their `repo:tag` names, least recently used first. The
 * fold lists them as `status.images` (`nodeImagesOf`: repo digest and tag,
 * size, largest first, at most 50), as a kubelet's node status setter does.
 */
export interface NodeImagesChanged {
  type: 'NodeImagesChanged';
  data: { images: string[] };
}
export interface NodeLeft {
  type: 'NodeLeft';
  data: Record<string, never>;
}
/**
 * The node's kubelet registered again (an agent restarted): it must learn its
 * pods again, as a real kubelet lists them at start. Changes nothing in the
 * Node; the leader's pod-command relay resends the node's RunPod/StopPod from
 * it, whichever controller process received the registration.
 */
export interface NodeReregistered {
  type: 'NodeReregistered';
  data: Record<string, never>;
}
export type NodeEvent =
  | NodeJoined
  | NodeLabelsChanged
  | NodeAnnotationsChanged
  | NodeStatusReported
  | NodeTaintsChanged
  | NodeConditionChanged
  | NodeCordoned
  | NodeUncordoned
  | NodeLeft
  | NodeReregistered
  | NodeImagesChanged;

// ── Rollout stream: rollout-<ns>.<name>-<n> (audit) ─────────────────────────
export interface RolloutCounts {
  desired: number;
  updated: number;
  available: number;
  unavailable: number;
}
export interface RolloutStarted {
  type: 'RolloutStarted';
  data: {
    daemonSet: string;
    namespace: string;
    uid: string;
    rollout: number;
    generation: number;
    fromRevision: number | null;
    toRevision: number;
    toHash: string;
    strategy: string;
    maxUnavailable: number;
    maxSurge: number;
    nodeCount: number;
    /** The change-cause of the template change that started it (kubectl --record), if any. */
    changeCause?: string;
    /** Who changed the template (the command's actor). */
    requestedBy?: string;
  };
}
export interface RolloutProgressed {
  type: 'RolloutProgressed';
  data: RolloutCounts & { created: string[]; deleted: string[] };
}
export interface RolloutStalled {
  type: 'RolloutStalled';
  data: RolloutCounts & { reason: string; message: string; pods: string[] };
}
export interface RolloutCompleted {
  type: 'RolloutCompleted';
  data: RolloutCounts;
}
export interface RolloutSuperseded {
  type: 'RolloutSuperseded';
  data: RolloutCounts & { byRollout: number; byGeneration: number };
}
/**
 * Rollout controls (annotations `rollout.daemonledger.io/…` on the DaemonSet,
 * README "Rollout controls"): each change of one that the open rollout obeys
 * is recorded in its stream, with the counts at that moment, so the audit
 * says why a rollout waited, and since when.
 */
export interface RolloutPaused {
  type: 'RolloutPaused';
  data: RolloutCounts;
}
export interface RolloutResumed {
  type: 'RolloutResumed';
  data: RolloutCounts;
}
export interface RolloutPartitionChanged {
  type: 'RolloutPartitionChanged';
  /** How many nodes (the highest names) keep the old revision: before, and now. */
  data: RolloutCounts & { from: number; to: number };
}
export interface RolloutWaveStarted {
  type: 'RolloutWaveStarted';
  /** The label selector of the nodes that may update now ('' = every node again). */
  data: RolloutCounts & { selector: string };
}
/** Everything the controls allow is updated and available; `held` nodes wait on them. */
export interface RolloutHeld {
  type: 'RolloutHeld';
  data: RolloutCounts & { held: number; message: string };
}
/** No progress for `seconds` (annotation progress-deadline-seconds): the DaemonSet's Progressing condition turns False. */
export interface RolloutDeadlineExceeded {
  type: 'RolloutDeadlineExceeded';
  data: RolloutCounts & { seconds: number; message: string };
}
/** on-stall: rollback — the controller undid the rollout to the last revision that was fully available. */
export interface RolloutAutoRolledBack {
  type: 'RolloutAutoRolledBack';
  data: RolloutCounts & { toRevision: number; toHash: string; reason: string };
}
/** canary: the first `nodes` updated pods are all available; they are watched for `holdSeconds`. */
export interface RolloutCanaryHeld {
  type: 'RolloutCanaryHeld';
  data: RolloutCounts & { nodes: number; holdSeconds: number; pods: string[]; restarts: number };
}
/** The canary pods stayed Ready, without a restart, for the hold: the rest of the nodes may update. */
export interface RolloutCanaryPassed {
  type: 'RolloutCanaryPassed';
  data: RolloutCounts;
}
/** A canary pod stopped being Ready or restarted during the hold: the rollout stalls (and on-stall acts). */
export interface RolloutCanaryFailed {
  type: 'RolloutCanaryFailed';
  data: RolloutCounts & { message: string };
}
export type RolloutControlEvent =
  | RolloutCanaryHeld
  | RolloutCanaryPassed
  | RolloutCanaryFailed
  | RolloutPaused
  | RolloutResumed
  | RolloutPartitionChanged
  | RolloutWaveStarted
  | RolloutHeld
  | RolloutDeadlineExceeded
  | RolloutAutoRolledBack;
export type RolloutEvent = RolloutStarted | RolloutProgressed | RolloutStalled | RolloutCompleted | RolloutSuperseded | RolloutControlEvent;

// ── Stored objects: <kind>-<ns>.<name> (namespaces, configmaps, secrets, …) ──
/**
 * One event family for every kind kept by the generic stored-object
 * machinery (libs/domain/src/kinds): the stream names the kind, the payload
 * holds the whole object as admitted. A Secret's `data` is never in it: its
 * events carry `sealedData` (the data sealed under the Secret's own key,
 * outside the domain) instead.
 */
export interface StoredObjectPayload {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}
export interface ObjectCreated {
  type: 'ObjectCreated';
  /** The object with uid and creationTimestamp. */
  data: { object: StoredObjectPayload };
}
export interface ObjectUpdated {
  type: 'ObjectUpdated';
  /** The whole object after the change (resourceVersion left out: the event's position is it). */
  data: { object: StoredObjectPayload };
}
export interface ObjectDeletionRequested {
  type: 'ObjectDeletionRequested';
  /** Kinds with a lifecycle (Namespace): termination begins; the object stays until finalized. */
  data: { deletionTimestamp: string };
}
export interface ObjectDeleted {
  type: 'ObjectDeleted';
  data: { uid: string; reason: string };
}
export type ObjectEvent = ObjectCreated | ObjectUpdated | ObjectDeletionRequested | ObjectDeleted;

export type ClusterEvent = DaemonSetEvent | ControllerRevisionEvent | PodEvent | NodeEvent | RolloutEvent | ObjectEvent;
export type ClusterEventType = ClusterEvent['type'];

/** Registry of current schema versions; bump one and register an upcaster when a payload changes. */
export const EVENT_SCHEMA_VERSIONS: Record<ClusterEventType, number> = {
  DaemonSetCreated: 1,
  DaemonSetSpecChanged: 1,
  DaemonSetMetadataChanged: 1,
  DaemonSetStatusChanged: 2,
  DaemonSetDeletionRequested: 1,
  DaemonSetDeleted: 1,
  ControllerRevisionCreated: 1,
  ControllerRevisionRenumbered: 1,
  ControllerRevisionOwnerChanged: 1,
  ControllerRevisionLabelsChanged: 1,
  ControllerRevisionAnnotationsChanged: 1,
  ControllerRevisionDeleted: 1,
  PodCreated: 2,
  PodBound: 1,
  PodStatusReported: 3,
  PodLabelsChanged: 1,
  PodAnnotationsChanged: 1,
  PodOwnerChanged: 1,
  PodDeletionRequested: 1,
  PodDeleted: 1,
  PodUnschedulable: 1,
  PodNominated: 1,
  NodeJoined: 4,
  NodeLabelsChanged: 1,
  NodeAnnotationsChanged: 1,
  NodeStatusReported: 1,
  NodeTaintsChanged: 1,
  NodeConditionChanged: 1,
  NodeCordoned: 1,
  NodeUncordoned: 1,
  NodeLeft: 1,
  NodeReregistered: 1,
  NodeImagesChanged: 1,
  RolloutStarted: 1,
  RolloutProgressed: 1,
  RolloutStalled: 1,
  RolloutCompleted: 1,
  RolloutSuperseded: 1,
  RolloutPaused: 1,
  RolloutResumed: 1,
  RolloutPartitionChanged: 1,
  RolloutWaveStarted: 1,
  RolloutHeld: 1,
  RolloutDeadlineExceeded: 1,
  RolloutAutoRolledBack: 1,
  RolloutCanaryHeld: 1,
  RolloutCanaryPassed: 1,
  RolloutCanaryFailed: 1,
  ObjectCreated: 1,
  ObjectUpdated: 1,
  ObjectDeletionRequested: 1,
  ObjectDeleted: 1,
};
