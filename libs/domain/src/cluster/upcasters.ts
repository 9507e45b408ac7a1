import type { ClusterEventType } from './events';
import { LEGACY_NODE_SIZE } from './simulated-node';

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

/** A v2 NodeJoined as v3: a simulated ref without a capacity had the size every simulated node had then. */
export function upcastNodeJoinedV2(data: unknown): unknown {
  const d = data as { simulated?: { capacity?: unknown } };
  if (!d?.simulated || d.simulated.capacity) return data;
  return { ...d, simulated: { ...d.simulated, capacity: { ...LEGACY_NODE_SIZE } } };
}

/** A v2 PodStatusReported as v3: a kubelet observation folds with the ids its kubelet gave then. */
export function upcastPodStatusReportedV2(data: unknown): unknown {
  const d = data as { kubelet?: Record<string, unknown> };
  if (!d?.kubelet) return data;
  return { ...d, kubelet: { ...d.kubelet, legacy: true } };
}

/** A v3 NodeJoined as v4: a simulated node then joined without condition times, Ready first (SimulatedNodeRef.layout). */
export function upcastNodeJoinedV3(data: unknown): unknown {
  const d = data as { simulated?: Record<string, unknown> };
  if (!d?.simulated) return data;
  return { ...d, simulated: { ...d.simulated, layout: 'v3' } };
}

export const EVENT_UPCASTERS: readonly EventUpcaster[] = [
  // v2 records a daemon pod as a DaemonPodRef; a v1 pod is the v2 whole form (`{ pod }`), kept as is:
  // rebuilding a reference would need the DaemonSet version, which an upcaster (one event) cannot see.
  { type: 'PodCreated', fromVersion: 1, upcast: (data) => data },
  // v2 records a kubelet's report as a KubeletObservation; a v1 status is the v2 whole form (`{ status }`).
  { type: 'PodStatusReported', fromVersion: 1, upcast: (data) => data },
  // v2 records the status fields that changed; a v1 status is the v2 whole form (`{ status }`).
  // v3 gives a kubelet's report runtime ids (imageID repo@sha256, 64-hex containerID); a v2 one keeps the ids of then.
  { type: 'PodStatusReported', fromVersion: 2, upcast: upcastPodStatusReportedV2 },
  { type: 'DaemonSetStatusChanged', fromVersion: 1, upcast: (data) => data },
  // v2 records a simulated kubelet's node as its index; a v1 node is the v2 whole form (`{ node }`).
  { type: 'NodeJoined', fromVersion: 1, upcast: (data) => data },
  // v3 records a simulated node's size unless it is SIM_NODE_CAPACITY's default; a v2 ref was always the legacy size (16Gi).
  { type: 'NodeJoined', fromVersion: 2, upcast: upcastNodeJoinedV2 },
  // v4 simulated nodes join with the kubelet's condition order and times and daemonEndpoints; a v3 ref rebuilds the old layout.
  { type: 'NodeJoined', fromVersion: 3, upcast: upcastNodeJoinedV3 },
];
