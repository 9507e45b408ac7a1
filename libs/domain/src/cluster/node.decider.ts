import type { Node, NodeCondition, Taint } from '../api/types';
import { checkPreconditions } from '../api/preconditions';
import { NODES } from '../api/status';
import { DomainError } from '../errors';
import { jsonEqual } from './equality';
import { nodeImagesOf } from './kubelet-images';
import { KUBELET_NODE_CONDITIONS, simulatedNodeRef, stampConditionTimes } from './simulated-node';
import { NODE_STATUS_UNKNOWN_MESSAGE, NODE_STATUS_UNKNOWN_REASON } from './node-lifecycle';
import type { NodeEvent } from './events';
import type { CommandContext } from './daemon-set.decider';

/**
 * Node commands → events. Readiness changes carry the taints the node
 * lifecycle controller puts with them (not-ready / unreachable, NoSchedule and
 * NoExecute), and cordon carries `node.kubernetes.io/unschedulable:NoSchedule`,
 * so the DaemonSet planner sees exactly what it would see in a cluster.
 */
export type NodeReadiness = 'True' | 'False' | 'Unknown';

export type NodeCommand =
  | { type: 'JoinNode'; node: Node }
  | { type: 'LeaveNode' }
  /** The node's kubelet registered again (NodeReregistered: its pods are sent to it again). */
  | { type: 'ReregisterNode' }
  /** The node's kubelet lists the images its runtime holds (`repo:tag`, least recently used first). */
  | { type: 'ReportNodeImages'; images: string[] }
  | { type: 'SetNodeReadiness'; status: NodeReadiness; reason?: string; message?: string }
  /**
   * A user's PUT/PATCH of the whole Node (kubectl label / taint / cordon /
   * edit): the labels, taints and unschedulable flag it ends with, decided
   * together so one request appends atomically. Cordon and uncordon keep
   * their taint, whatever taint list came with them.
   */
  | {
      type: 'UpdateNode';
      labels: Record<string, string>;
      annotations?: Record<string, string>;
      taints: Taint[];
      unschedulable: boolean;
      expectedResourceVersion?: string;
    }
  /**
   * A status posted whole (PUT/PATCH nodes/<name>/status), with the labels
   * and annotations the write ends with (upstream's status strategy keeps
   * them from the request; absent: unchanged), so all of it is one append.
   * A change of the Ready condition brings the lifecycle taints with it, as
   * SetNodeReadiness.
   */
  | {
      type: 'ReportNodeStatus';
      status: NonNullable<Node['status']>;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
      expectedResourceVersion?: string;
    };

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

const notFound = (name?: string) => new DomainError('NotFound', `nodes "${name ?? ''}" not found`, { name, kind: 'nodes' });

const checkVersion = (node: Node, expected?: string) => checkPreconditions(NODES, node, { resourceVersion: expected });

const readinessTaints = (status: NodeReadiness, now: string): Taint[] => {
  if (status === 'True') return [];
  const key = status === 'False' ? TAINT_NOT_READY : TAINT_UNREACHABLE;
  return [
    { key, effect: 'NoSchedule' },
    { key, effect: 'NoExecute', timeAdded: now },
  ];
};

/**
 * The pressure conditions as readiness changes them. Unknown (no heartbeat:
 * nodelifecycle `tryUpdateNodeHealth`) turns each kubelet condition the node
 * has Unknown as well, its last heartbeat kept; True (its kubelet posts
 * again) brings those back as the kubelet posts them (no pressure). Other
 * conditions, and False (the kubelet itself reports not ready), are left alone.
 */
const withPressure = (conditions: NodeCondition[], status: NodeReadiness, now: string): NodeCondition[] =>
  conditions.map((c) => {
    const posted = KUBELET_NODE_CONDITIONS.find((k) => k.type === c.type);
    if (!posted) return c;
    if (status === 'Unknown' && c.status !== 'Unknown') {
      return { ...c, status: 'Unknown', lastTransitionTime: now, reason: NODE_STATUS_UNKNOWN_REASON, message: NODE_STATUS_UNKNOWN_MESSAGE };
    }
    if (status === 'True' && c.status === 'Unknown') return { ...posted, lastHeartbeatTime: now, lastTransitionTime: now };
    return c;
  });

const withoutKeys = (taints: Taint[] | undefined, keys: string[]) => (taints ?? []).filter((t) => !keys.includes(t.key));

export const decideNode = (cmd: NodeCommand, current: Node | undefined, ctx: CommandContext): NodeEvent[] => {
  if (cmd.type === 'JoinNode') {
    if (current) {
      throw new DomainError('AlreadyExists', `nodes "${cmd.node.metadata.name}" already exists`, {
        name: cmd.node.metadata.name,
        kind: 'nodes',
      });
    }
    const { resourceVersion: _rv, ...meta } = cmd.node.metadata;
    const node: Node = { ...cmd.node, metadata: { ...meta, uid: ctx.newUid, creationTimestamp: ctx.now } };
    // A simulated kubelet's node is recorded as its index when it rebuilds from that exactly; its
    // kubelet stamped the conditions it registered with (the whole form is recorded as given).
    const simulated = simulatedNodeRef(stampConditionTimes(node, ctx.now));
    return [{ type: 'NodeJoined', data: simulated ? { simulated } : { node } }];
  }
  if (!current) throw notFound();
  switch (cmd.type) {
    case 'LeaveNode':
      return [{ type: 'NodeLeft', data: {} }];
    case 'ReregisterNode':
      return [{ type: 'NodeReregistered', data: {} }];
    case 'ReportNodeImages': {
      // Recorded when the list the node shows changes (a use that only reorders the cache changes nothing visible).
      const listed = (names: readonly string[]) => nodeImagesOf(names);
      return jsonEqual(listed(cmd.images), current.status?.images ?? []) ? [] : [{ type: 'NodeImagesChanged', data: { images: cmd.images } }];
    }
    case 'SetNodeReadiness': {
      const conditions = current.status?.conditions ?? [];
      const ready = conditions.find((c) => c.type === 'Ready');
      if (ready?.status === cmd.status) return [];
      const next: NodeCondition = {
        type: 'Ready',
        status: cmd.status,
        // Unknown is the node lifecycle controller's verdict that no heartbeat came: the last one stays
        // (nodelifecycle tryUpdateNodeHealth changes only status, reason, message and transition time).
        lastHeartbeatTime: cmd.status === 'Unknown' ? (ready?.lastHeartbeatTime ?? ctx.now) : ctx.now,
        lastTransitionTime: ctx.now,
        reason: cmd.reason ?? (cmd.status === 'True' ? 'KubeletReady' : cmd.status === 'False' ? 'KubeletNotReady' : 'NodeStatusUnknown'),
        message: cmd.message ?? (cmd.status === 'True' ? 'kubelet is posting ready status' : cmd.status === 'False' ? 'container runtime is down' : 'Kubelet stopped posting node status.'),
      };
      const taints = [...withoutKeys(current.spec.taints, [TAINT_NOT_READY, TAINT_UNREACHABLE]), ...readinessTaints(cmd.status, ctx.now)];
      return [
        {
          type: 'NodeConditionChanged',
          data: { conditions: [...withPressure(conditions.filter((c) => c.type !== 'Ready'), cmd.status, ctx.now), next], taints },
        },
      ];
    }
    case 'UpdateNode':
      checkVersion(current, cmd.expectedResourceVersion);
      return updateNode(cmd, current, ctx);
    case 'ReportNodeStatus': {
      checkVersion(current, cmd.expectedResourceVersion);
      // Status first: a label event wakes the controller, which must then see the status this write stored.
      const metadata = metadataEvents(cmd, current);
      if (jsonEqual(cmd.status, current.status ?? {})) return metadata;
      const readiness = (s: Node['status']): NodeReadiness => (s?.conditions?.find((c) => c.type === 'Ready')?.status as NodeReadiness | undefined) ?? 'Unknown';
      const before = readiness(current.status);
      const after = readiness(cmd.status);
      const taints = before === after ? (current.spec.taints ?? []) : [...withoutKeys(current.spec.taints, [TAINT_NOT_READY, TAINT_UNREACHABLE]), ...readinessTaints(after, ctx.now)];
      return [{ type: 'NodeStatusReported', data: { status: cmd.status, taints } }, ...metadata];
    }
  }
};

/** The label and annotation events of a write that ends with these maps (absent: unchanged). */
const metadataEvents = (cmd: { labels?: Record<string, string>; annotations?: Record<string, string> }, current: Node): NodeEvent[] => {
  const events: NodeEvent[] = [];
  if (cmd.labels && !jsonEqual(cmd.labels, current.metadata.labels ?? {})) events.push({ type: 'NodeLabelsChanged', data: { labels: cmd.labels } });
  if (cmd.annotations && !jsonEqual(cmd.annotations, current.metadata.annotations ?? {})) events.push({ type: 'NodeAnnotationsChanged', data: { annotations: cmd.annotations } });
  return events;
};

const updateNode = (cmd: Extract<NodeCommand, { type: 'UpdateNode' }>, current: Node, ctx: CommandContext): NodeEvent[] => {
  const events = metadataEvents(cmd, current);
  const wasUnschedulable = Boolean(current.spec.unschedulable);
  if (cmd.unschedulable && !wasUnschedulable) {
    const kept = cmd.taints.find((t) => t.key === TAINT_UNSCHEDULABLE && t.effect === 'NoSchedule');
    const taints = [...withoutKeys(cmd.taints, [TAINT_UNSCHEDULABLE]), kept ?? { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' as const, timeAdded: ctx.now }];
    events.push({ type: 'NodeCordoned', data: { taints } });
  } else if (!cmd.unschedulable && wasUnschedulable) {
    events.push({ type: 'NodeUncordoned', data: { taints: withoutKeys(cmd.taints, [TAINT_UNSCHEDULABLE]) } });
  } else if (!jsonEqual(cmd.taints, current.spec.taints ?? [])) {
    events.push({ type: 'NodeTaintsChanged', data: { taints: cmd.taints } });
  }
  return events;
};
