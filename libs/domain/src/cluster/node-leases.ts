/**
 * Node heartbeats → node Leases: what the API server would store when a
 * kubelet renews its Lease `kube-node-lease/<node>` (upstream's kubelet
 * nodelease controller: created on the first renewal, named after the node,
 * owned by the Node, holderIdentity the node's name; then only renewTime and
 * the duration change). Decided here from the heartbeats of one burst and the
 * current view; the shell sends the commands in one append.
 */
import type { Node } from '../api/types';
import { isDomainError } from '../errors';
import { stableUid } from '../kinds/stable-uid';
import { LEASE_KIND, NODE_LEASE_NAMESPACE, formatMicroTime, parseMicroTime, type LeaseSpec } from '../kinds/lease';
import type { StoredObject } from '../kinds/kind-def';
import type { ObjectCommand } from '../kinds/object.decider';
import { admitStoredCreate, admitStoredUpdate } from '../kinds/registry';

export interface NodeHeartbeat {
  nodeName: string;
  /** Who renews (the agent's identity); empty: the node's name, as upstream's kubelet writes it. */
  holderIdentity: string;
  /** MicroTime text, the agent's clock. */
  renewTime: string;
  leaseDurationSeconds: number;
}

export interface NodeLeaseView {
  node(name: string): Node | undefined;
  /** The node's Lease in kube-node-lease, as stored (with its resourceVersion). */
  lease(name: string): StoredObject | undefined;
}

/** Why a heartbeat was not recorded: the log does not know the node, an equal or newer renewal is already there, or it cannot be a Lease. */
export type HeartbeatDropReason = 'UnknownNode' | 'Stale' | 'Invalid';

export interface LeaseRenewals {
  /** One command per node (the newest heartbeat of the burst), for the lease stream of `nodeName`. */
  writes: { nodeName: string; command: ObjectCommand }[];
  dropped: { heartbeat: NodeHeartbeat; reason: HeartbeatDropReason; detail?: string }[];
}

/** The Lease object of a node as its kubelet keeps it. */
const leaseFor = (hb: NodeHeartbeat, node: Node, renewTime: string): StoredObject => ({
  apiVersion: `${LEASE_KIND.group}/${LEASE_KIND.version}`,
  kind: LEASE_KIND.kind,
  metadata: {
    name: hb.nodeName,
    namespace: NODE_LEASE_NAMESPACE,
    // Upstream's kubelet makes its Node the Lease's owner, so deleting the Node collects the Lease.
    ...(node.metadata.uid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: hb.nodeName, uid: node.metadata.uid }] } : {}),
  },
  spec: { holderIdentity: hb.holderIdentity || hb.nodeName, leaseDurationSeconds: hb.leaseDurationSeconds, renewTime },
});

/**
 * The Lease writes for a burst of heartbeats. Per node only the newest
 * renewal counts (a redelivered or reordered older one says nothing new);
 * a heartbeat for a node the log does not know, or not newer than the
 * Lease's recorded renewTime, is dropped. A renewal carries the Lease's
 * resourceVersion: if someone else wrote it meanwhile, the write is refused
 * (Conflict) rather than overwriting a newer renewal.
 */
export const planLeaseRenewals = (heartbeats: readonly NodeHeartbeat[], view: NodeLeaseView): LeaseRenewals => {
  const dropped: LeaseRenewals['dropped'] = [];
  const newest = new Map<string, { hb: NodeHeartbeat; micros: number }>();
  for (const hb of heartbeats) {
    const micros = parseMicroTime(hb.renewTime);
    if (micros === undefined) {
      dropped.push({ heartbeat: hb, reason: 'Invalid', detail: `renewTime ${JSON.stringify(hb.renewTime)} is not RFC 3339` });
      continue;
    }
    const seen = newest.get(hb.nodeName);
    if (!seen || micros > seen.micros) {
      if (seen) dropped.push({ heartbeat: seen.hb, reason: 'Stale' });
      newest.set(hb.nodeName, { hb, micros });
    } else {
      dropped.push({ heartbeat: hb, reason: 'Stale' });
    }
  }

  const writes: LeaseRenewals['writes'] = [];
  for (const [nodeName, { hb, micros }] of newest) {
    const node = view.node(nodeName);
    if (!node) {
      dropped.push({ heartbeat: hb, reason: 'UnknownNode' });
      continue;
    }
    const current = view.lease(nodeName);
    const recorded = parseMicroTime((current?.spec as LeaseSpec | undefined)?.renewTime);
    if (recorded !== undefined && micros <= recorded) {
      dropped.push({ heartbeat: hb, reason: 'Stale' });
      continue;
    }
    const wanted = leaseFor(hb, node, formatMicroTime(micros));
    try {
      if (!current) {
        writes.push({ nodeName, command: { type: 'CreateObject', object: admitStoredCreate(LEASE_KIND, wanted) } });
      } else {
        // Only the kubelet's fields change; the rest (labels, a user's annotations, acquireTime) stays.
        const next = { ...current, spec: { ...(current.spec as LeaseSpec), ...(wanted.spec as LeaseSpec) } };
        const object = admitStoredUpdate(LEASE_KIND, next, current);
        writes.push({ nodeName, command: { type: 'UpdateObject', object, expectedResourceVersion: current.metadata.resourceVersion } });
      }
    } catch (e) {
      if (!isDomainError(e)) throw e;
      dropped.push({ heartbeat: hb, reason: 'Invalid', detail: e.message });
    }
  }
  return { writes, dropped };
};

/**
 * Upstream's kubelet renews its Lease every quarter of its duration
 * (pkg/kubelet/nodelease: `renewInterval = leaseDuration × 0.25`).
 */
export const nodeLeaseRenewIntervalMs = (leaseDurationSeconds: number): number => (leaseDurationSeconds * 1000) / 4;

/**
 * The Lease a simulated kubelet running in this process holds, derived
 * instead of written: `kubectl describe node` (its `Lease:` section) and
 * `get leases -n kube-node-lease` read it, yet no renewal reaches the log.
 * Recording one event per node every 10 s would make renewals most of the
 * log and would let a 1000-node fleet flood it; the renewals of an
 * in-process kubelet carry nothing the log does not know already (the node
 * joined at a known time and its kubelet renews on a fixed period until the
 * node is marked Unknown). So the Lease is a fold of the node: created with
 * it, owned by it, held by the node's name, `renewTime` the last renewal
 * tick (join time + k × interval) at or before `now`, or, once the node is
 * Unknown (its kubelet stopped), the last tick before its last heartbeat.
 * Its resourceVersion is the node's: it changes when the node does.
 * `undefined` for a node without a creation time.
 */
export const simulatedNodeLease = (node: Node, now: number, leaseDurationSeconds: number): StoredObject | undefined => {
  const name = node.metadata.name ?? '';
  const joined = node.metadata.creationTimestamp ? Date.parse(node.metadata.creationTimestamp) : Number.NaN;
  if (!name || Number.isNaN(joined)) return undefined;
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const lastHeartbeat = ready?.lastHeartbeatTime ? Date.parse(ready.lastHeartbeatTime) : Number.NaN;
  const until = ready?.status === 'Unknown' && !Number.isNaN(lastHeartbeat) ? lastHeartbeat : now;
  const interval = nodeLeaseRenewIntervalMs(leaseDurationSeconds);
  const renewed = joined + Math.max(0, Math.floor((until - joined) / interval)) * interval;
  return {
    apiVersion: `${LEASE_KIND.group}/${LEASE_KIND.version}`,
    kind: LEASE_KIND.kind,
    metadata: {
      name,
      namespace: NODE_LEASE_NAMESPACE,
      ...(node.metadata.uid ? { uid: stableUid(`lease/${NODE_LEASE_NAMESPACE}/${node.metadata.uid}`) } : {}),
      ...(node.metadata.resourceVersion ? { resourceVersion: node.metadata.resourceVersion } : {}),
      creationTimestamp: node.metadata.creationTimestamp,
      ...(node.metadata.uid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid }] } : {}),
    },
    spec: { holderIdentity: name, leaseDurationSeconds, renewTime: formatMicroTime(renewed * 1000) },
  };
};


/** Upstream kubelet's `nodeStatusReportFrequency` default: with a Lease, it posts an unchanged status this often. */
export const NODE_STATUS_REPORT_FREQUENCY_MS = 5 * 60_000;

/**
 * A simulated in-process kubelet's node as its periodic status posts would
 * leave it, derived at read time like its Lease: every condition's
 * `lastHeartbeatTime` is the last report tick (every 5 minutes from the
 * last recorded heartbeat) at or before `now`. A node marked Unknown gets
 * no report (its kubelet stopped): unchanged. The log records only real
 * changes (joining, readiness, taints...), never the unchanged reports.
 */
export const withKubeletHeartbeat = (node: Node, now: number, reportFrequencyMs = NODE_STATUS_REPORT_FREQUENCY_MS): Node => {
  const conditions = node.status?.conditions;
  if (!conditions?.length || conditions.some((c) => c.status === 'Unknown')) return node;
  const last = Math.max(...conditions.map((c) => (c.lastHeartbeatTime ? Date.parse(c.lastHeartbeatTime) : Number.NaN)).filter((t) => !Number.isNaN(t)));
  if (!Number.isFinite(last) || now - last < reportFrequencyMs) return node;
  const tick = new Date(last + Math.floor((now - last) / reportFrequencyMs) * reportFrequencyMs).toISOString().replace(/\.\d+Z$/, 'Z');
  return { ...node, status: { ...node.status, conditions: conditions.map((c) => ({ ...c, lastHeartbeatTime: tick })) } };
};
