import { type NodeHeartbeatMessage, TOPICS, type TransportMessage } from '@daemonledger/messaging';

/**
 * Node heartbeats, as a kubelet keeps its Lease in kube-node-lease: it renews
 * every quarter of the lease duration (upstream: renewInterval = 0.25 ×
 * leaseDuration, 10 s of 40; pkg/kubelet/kubelet.go), and the node lifecycle
 * controller judges the node by the last renewTime.
 */
export const renewIntervalMs = (leaseDurationSeconds: number): number => Math.max(1, Math.round((leaseDurationSeconds * 1000) / 4));

/** RFC 3339 with microseconds, as a Lease's MicroTime is written ("2026-12-02T19:34:06.123000Z"). */
export const microTime = (at: Date): string => at.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/** One tick's renewals: one heartbeat per node, keyed by node name, ready for a single `publishBatch`. */
export const heartbeatBatch = (
  nodeNames: readonly string[],
  o: { holderIdentity: string; leaseDurationSeconds: number; now: Date; id: () => string },
): TransportMessage<NodeHeartbeatMessage>[] => {
  const renewTime = microTime(o.now);
  return nodeNames.map((nodeName) => ({
    topic: TOPICS.nodeHeartbeats,
    key: nodeName,
    value: { kind: 'NodeHeartbeat', id: o.id(), nodeName, holderIdentity: o.holderIdentity, renewTime, leaseDurationSeconds: o.leaseDurationSeconds },
  }));
};
