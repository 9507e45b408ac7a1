import type { Node, NodeCondition } from '../api/types';
import { parseQuantity } from '../api/quantity';
import { sameJson } from './equality';

/**
 * The Node a simulated (KWOK-style) kubelet registers: a pure function of its
 * index (and any extra labels), so the log records a simulated node's joining
 * as `{ simulated: SimulatedNodeRef }` and the fold rebuilds it. Like
 * `kubeletPodStatus`, what this builds is part of the NodeJoined v3 schema:
 * changing it means a new schema version, the old builder kept for old events.
 */
export const simulatedNodeName = (i: number) => `node-${i}`;

/** The size of a simulated node: its capacity, which is also its allocatable (nothing reserved). */
export interface NodeSize {
  cpu: string;
  memory: string;
  pods: string;
}

/** `SIM_NODE_CAPACITY`'s default (issue 11 §1). */
export const DEFAULT_NODE_SIZE: NodeSize = { cpu: '4', memory: '8Gi', pods: '110' };
/**
 * The size every simulated node had before nodes had a configurable one
 * (NodeJoined v2): the v2→v3 upcaster gives old refs this capacity, so the
 * log's old events rebuild the nodes they always did.
 */
export const LEGACY_NODE_SIZE: NodeSize = { cpu: '4', memory: '16Gi', pods: '110' };

const SIZE_KEYS = ['cpu', 'memory', 'pods'] as const;

/**
 * `SIM_NODE_CAPACITY`: `cpu=<q>,memory=<q>,pods=<n>`, any subset (the rest
 * from the default), each a valid positive Kubernetes quantity and pods a
 * whole number. Every problem is returned, none thrown.
 */
export const parseNodeSize = (text: string): { size: NodeSize; problems: string[] } => {
  const size: NodeSize = { ...DEFAULT_NODE_SIZE };
  const problems: string[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [key, value] = part.split(/=(.*)/s);
    if (!(SIZE_KEYS as readonly string[]).includes(key) || value === undefined) {
      problems.push(`SIM_NODE_CAPACITY: "${part}": expected cpu=<quantity>, memory=<quantity> or pods=<number>`);
      continue;
    }
    const q = parseQuantity(value);
    if (q === undefined || !(q > 0)) problems.push(`SIM_NODE_CAPACITY: "${part}": ${key} must be a positive quantity (e.g. cpu=4, memory=8Gi)`);
    else if (key === 'pods' && !/^[1-9]\d*$/.test(value)) problems.push(`SIM_NODE_CAPACITY: "${part}": pods must be a whole number`);
    else size[key as keyof NodeSize] = value;
  }
  return { size, problems };
};

const sameSize = (a: NodeSize, b: NodeSize) => SIZE_KEYS.every((k) => a[k] === b[k]);

/** KWOK-like labels, addresses and a /24 pod CIDR; capacity and allocatable from `size`. */
/** A simulated machine's capacity, all of it allocatable (the kubelet reserves nothing). */
export const machineResources = (size: NodeSize): { capacity: Record<string, string>; allocatable: Record<string, string> } => ({
  capacity: { cpu: size.cpu, memory: size.memory, pods: size.pods, 'ephemeral-storage': '100Gi' },
  allocatable: { cpu: size.cpu, memory: size.memory, pods: size.pods, 'ephemeral-storage': '100Gi' },
});

/**
 * What a simulated kubelet posts for a Node a user created without a status
 * (`kubectl create -f node.yaml`): its machine's capacity and allocatable, as
 * a real kubelet reports them when it registers; `undefined` when the Node
 * already says what it has. Without this a user's Node has room for nothing
 * and every pod bound there would fail the scheduler's fit.
 */
export const registeredNodeStatus = (node: Node, size: NodeSize): NonNullable<Node['status']> | undefined =>
  node.status?.capacity || node.status?.allocatable ? undefined : { ...node.status, ...machineResources(size) };

/**
 * The conditions a kubelet sets, in the order it sets them (pkg/kubelet/
 * kubelet_node_status.go `defaultNodeStatusFuncs`: MemoryPressure,
 * DiskPressure, PIDPressure, then Ready), without their times: the
 * registering kubelet stamps those (`stampConditionTimes`).
 */
export const KUBELET_NODE_CONDITIONS: readonly NodeCondition[] = [
  { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
];

/** What simulated nodes looked like before NodeJoined v4: Ready first, no times, no daemonEndpoints (old logs rebuild these). */
const V3_CONDITIONS: NodeCondition[] = [KUBELET_NODE_CONDITIONS[3], ...KUBELET_NODE_CONDITIONS.slice(0, 3)];

/** The kubelet's port, as a kubelet reports it in `status.daemonEndpoints` (`--port`, 10250). */
export const KUBELET_PORT = 10250;

/**
 * A kubelet's registration stamps each condition it posts with the time it
 * posted it (`lastHeartbeatTime`) and, being new, `lastTransitionTime`:
 * conditions without them get `now`.
 */
export const stampConditionTimes = (node: Node, now: string): Node => {
  const conditions = node.status?.conditions;
  if (!conditions?.some((c) => !c.lastHeartbeatTime || !c.lastTransitionTime)) return node;
  return {
    ...node,
    status: { ...node.status, conditions: conditions.map((c) => ({ ...c, lastHeartbeatTime: c.lastHeartbeatTime || now, lastTransitionTime: c.lastTransitionTime || now })) },
  };
};

/** `layout`: 'v3' builds the node as simulated kubelets registered before NodeJoined v4 (see V3_CONDITIONS). */
export const simulatedNode = (i: number, extraLabels: Record<string, string> = {}, size: NodeSize = DEFAULT_NODE_SIZE, layout: 'v3' | 'v4' = 'v4'): Node => {
  const name = simulatedNodeName(i);
  const hi = Math.floor(i / 250);
  const lo = (i % 250) + 2;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        type: 'kwok',
        ...extraLabels,
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'kwok.x-k8s.io/node': 'fake' },
    },
    spec: { podCIDR: `10.${244 - (i >> 8)}.${i & 255}.0/24`, podCIDRs: [`10.${244 - (i >> 8)}.${i & 255}.0/24`] },
    status: {
      ...machineResources(size),
      conditions: [...(layout === 'v3' ? V3_CONDITIONS : KUBELET_NODE_CONDITIONS)],
      addresses: [
        { type: 'InternalIP', address: `10.0.${hi}.${lo}` },
        { type: 'Hostname', address: name },
      ],
      ...(layout === 'v3' ? {} : { daemonEndpoints: { kubeletEndpoint: { Port: KUBELET_PORT } } }),
      nodeInfo: {
        machineID: '',
        systemUUID: '',
        bootID: '',
        kernelVersion: '6.1.0',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: 'containerd://1.7.0',
        kubeletVersion: 'v1.32.4',
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
};

/** A simulated node as the log records its joining: the index, the extra labels, its size unless legacy, and what the API server set. */
export interface SimulatedNodeRef {
  index: number;
  labels?: Record<string, string>;
  /** Absent: DEFAULT_NODE_SIZE (a v2 ref, recorded before sizes were configurable, is upcast to LEGACY_NODE_SIZE). */
  capacity?: NodeSize;
  uid: string;
  created: string;
  /** 'v3': joined before NodeJoined v4 (set by the v3→v4 upcaster): rebuilt without condition times, Ready first. */
  layout?: 'v3';
}

/** The node as it joined: its conditions stamped with the join time, as its kubelet stamped them when it registered. */
export const rebuildSimulatedNode = (ref: SimulatedNodeRef): Node => {
  const node = simulatedNode(ref.index, ref.labels, ref.capacity ?? DEFAULT_NODE_SIZE, ref.layout ?? 'v4');
  const joined = { ...node, metadata: { ...node.metadata, uid: ref.uid, creationTimestamp: ref.created } };
  return ref.layout === 'v3' ? joined : stampConditionTimes(joined, ref.created);
};

/** The reference that rebuilds `node` exactly (key order included), or `undefined` for any other node (recorded whole). */
export const simulatedNodeRef = (node: Node): SimulatedNodeRef | undefined => {
  const m = /^node-(0|[1-9]\d{0,8})$/.exec(node.metadata.name ?? '');
  const { uid, creationTimestamp } = node.metadata;
  if (!m || !uid || !creationTimestamp) return undefined;
  const index = Number(m[1]);
  const base = simulatedNode(index).metadata.labels ?? {};
  const extra = Object.fromEntries(Object.entries(node.metadata.labels ?? {}).filter(([k, v]) => base[k] !== v));
  const c = node.status?.capacity ?? {};
  const size: NodeSize = { cpu: c.cpu ?? '', memory: c.memory ?? '', pods: c.pods ?? '' };
  const ref: SimulatedNodeRef = {
    index,
    ...(Object.keys(extra).length ? { labels: extra } : {}),
    ...(sameSize(size, DEFAULT_NODE_SIZE) ? {} : { capacity: size }),
    uid,
    created: creationTimestamp,
  };
  return sameJson(rebuildSimulatedNode(ref), node) ? ref : undefined;
};
