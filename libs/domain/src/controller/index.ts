/** Public API of the pure DaemonSet controller core. */
export type { EpochMs } from './time';
export { toRfc3339, parseTime } from './time';
export { goJsonMarshal, goQuote, goFormatNumber, utf8Bytes, compareUtf8 } from './go-json';
export { fnv1a32, safeEncodeString, SAFE_ALPHABET } from './hash';
export { compileLabelSelector, isSelectingAll, type LabelSelectorMatcher } from './labels';
export {
  nodeShouldRunDaemonPod,
  nodeAffinityMatches,
  toleratesTaint,
  daemonPodTolerations,
  type NodeEligibility,
} from './scheduling';
export {
  CONTROLLER_REVISION_HASH_LABEL,
  POD_TEMPLATE_GENERATION_LABEL,
  TEMPLATE_GENERATION_ANNOTATION,
  newDaemonPod,
  podTargetNode,
  generatePodName,
  podNamePrefix,
  isPodReady,
  isPodAvailable,
  isPodUpdated,
  isPodTerminal,
  isPodDeleting,
  compareDaemonPods,
  scaledValue,
  templateGeneration,
  daemonSetControllerRef,
  controllerOf,
  type NewDaemonPodArgs,
} from './pods';
export { claimPods, claimRevisions, daemonSetSelector, withAdoption, withRelease, type ClaimResult } from './claims';
export {
  templateHash,
  revisionData,
  revisionDataBytes,
  revisionMatches,
  revisionHash,
  newRevision,
  constructHistory,
  cleanupHistory,
  goCanonicalTemplate,
  type HistoryPlan,
} from './revisions';
export {
  BACKOFF_INITIAL_MS,
  BACKOFF_MAX_MS,
  failedPodBackoffKey,
  isInBackoff,
  nextBackoff,
  gcBackoff,
  type BackoffEntry,
  type FailedPodBackoff,
} from './backoff';
export { allowsSurge } from './manage';
export { updatedDesiredNodeCounts, type RollingUpdateCounts } from './rolling-update';
export { rolloutProgress, statusCounters, type RolloutProgress, type StatusCounters } from './status';
export type { ControllerEvent, DeleteReason, PodDeletion } from './view';
export {
  syncDaemonSet,
  applyPodDeletion,
  BURST_REPLICAS,
  type SyncInput,
  type SyncResult,
  type RevisionAction,
  type PodCreation,
} from './sync';
export { IncrementalPlanner, type IncrementalSyncInput } from './incremental';
