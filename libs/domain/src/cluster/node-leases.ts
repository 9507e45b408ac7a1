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
