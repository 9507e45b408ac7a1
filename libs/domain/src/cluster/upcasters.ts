import type { ClusterEventType } from './events';

/**
 * How stored events of an older schema version read as the current one: one
 * pure step per version (`fromVersion` → `fromVersion + 1`). The app registers
 * them with the event store's UpcasterRegistry (libs/domain has no store).
 */
export interface EventUpcaster {
  type: ClusterEventType;
  fromVersion: number;
  upcast: (data: unknown) => unknown;
}

export const EVENT_UPCASTERS: readonly EventUpcaster[] = [
  // v2 records a daemon pod as a DaemonPodRef; a v1 pod is the v2 whole form (`{ pod }`), kept as is:
  // rebuilding a reference would need the DaemonSet version, which an upcaster (one event) cannot see.
  { type: 'PodCreated', fromVersion: 1, upcast: (data) => data },
  // v2 records a kubelet's report as a KubeletObservation; a v1 status is the v2 whole form (`{ status }`).
  { type: 'PodStatusReported', fromVersion: 1, upcast: (data) => data },
  // v2 records the status fields that changed; a v1 status is the v2 whole form (`{ status }`).
  { type: 'DaemonSetStatusChanged', fromVersion: 1, upcast: (data) => data },
  // v2 records a simulated kubelet's node as its index; a v1 node is the v2 whole form (`{ node }`).
  { type: 'NodeJoined', fromVersion: 1, upcast: (data) => data },
];
