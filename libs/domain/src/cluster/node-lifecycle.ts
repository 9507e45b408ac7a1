/**
 * The node lifecycle controller's health check (upstream's
 * pkg/controller/nodelifecycle, monitorNodeHealth), over node Leases:
 *
 * - A node's probe time is the latest of its Lease's renewTime, the moment
 *   this controller became leader and the node's creation. Upstream keeps
 *   probe timestamps of its own, set when it first sees a node or a renewal,
 *   so a controller that just took over gives every node a full grace period
 *   before judging it; measuring from the leader's start does the same here.
 * - When `now` is more than the grace period (node-monitor-grace-period)
 *   past the probe time, the node is marked Ready=Unknown, reason
 *   NodeStatusUnknown, "Kubelet stopped posting node status.", with the
 *   taints node.kubernetes.io/unreachable NoSchedule and NoExecute
 *   (SetNodeReadiness in node.decider.ts carries them).
 * - When a node marked Unknown has a renewal within the grace period again,
 *   it goes back to Ready=True and the taints go (here the controller posts
 *   what a kubelet that renews again would).
 *
 * Daemon pods tolerate both unreachable NoExecute taints (daemonPodTolerations),
 * so nothing is evicted; the NoSchedule one makes NodeShouldRunDaemonPod say
 * shouldRun=false, shouldContinueRunning=true: an unreachable node keeps its
 * daemon pod and gets no new one until it is back.
 */
import type { Node } from '../api/types';
import { parseMicroTime } from '../kinds/lease';
import type { NodeCommand, NodeReadiness } from './node.decider';

export const NODE_STATUS_UNKNOWN_REASON = 'NodeStatusUnknown';
export const NODE_STATUS_UNKNOWN_MESSAGE = 'Kubelet stopped posting node status.';

export interface NodeLifecycleInput {
  nodes: Iterable<Node>;
  /** The renewTime (MicroTime text) of the node's Lease in kube-node-lease, when it has one. */
  renewTimeOf(nodeName: string): string | undefined;
  now: Date;
  /** When this process became the leader. */
  leaderSince: Date;
  /** node-monitor-grace-period, seconds. */
  graceSeconds: number;
}

export interface NodeLifecycleStep {
  nodeName: string;
  command: Extract<NodeCommand, { type: 'SetNodeReadiness' }>;
}

const micros = (d: Date) => d.getTime() * 1000;
const readinessOf = (node: Node): NodeReadiness | undefined => node.status?.conditions?.find((c) => c.type === 'Ready')?.status as NodeReadiness | undefined;

/** When the node was last heard of, as far as this leader can tell (microseconds since the epoch). */
export const nodeProbeTime = (node: Node, renewTime: string | undefined, leaderSince: Date): number => {
  const created = node.metadata.creationTimestamp ? Date.parse(node.metadata.creationTimestamp) * 1000 : Number.NaN;
  return Math.max(parseMicroTime(renewTime) ?? -Infinity, micros(leaderSince), Number.isNaN(created) ? -Infinity : created);
};

/**
 * The readiness changes due now, one per node at most; nodes whose state is
 * already right get none (a repeated check appends nothing).
 */
export const planNodeLifecycle = (input: NodeLifecycleInput): NodeLifecycleStep[] => {
  const now = micros(input.now);
  const grace = input.graceSeconds * 1_000_000;
  const steps: NodeLifecycleStep[] = [];
  for (const node of input.nodes) {
    const nodeName = node.metadata.name ?? '';
    const renewTime = input.renewTimeOf(nodeName);
    const ready = readinessOf(node);
    // Upstream: probeTimestamp + gracePeriod is before now → Unknown (exactly at the edge, not yet).
    if (now > nodeProbeTime(node, renewTime, input.leaderSince) + grace) {
      if (ready !== 'Unknown') {
        steps.push({ nodeName, command: { type: 'SetNodeReadiness', status: 'Unknown', reason: NODE_STATUS_UNKNOWN_REASON, message: NODE_STATUS_UNKNOWN_MESSAGE } });
      }
      continue;
    }
    const renewed = parseMicroTime(renewTime);
    if (ready === 'Unknown' && renewed !== undefined && now <= renewed + grace) {
      steps.push({ nodeName, command: { type: 'SetNodeReadiness', status: 'True' } });
    }
  }
  return steps;
};
