import type { Node } from '../api/types';
import { sameJson } from './equality';

/**
 * The Node a simulated (KWOK-style) kubelet registers: a pure function of its
 * index (and any extra labels), so the log records a simulated node's joining
 * as `{ simulated: SimulatedNodeRef }` and the fold rebuilds it. Like
 * `kubeletPodStatus`, what this builds is part of the NodeJoined v2 schema:
 * changing it means a new schema version, the old builder kept for old events.
 */
export const simulatedNodeName = (i: number) => `node-${i}`;

/** KWOK-like labels, addresses and a /24 pod CIDR. */
export const simulatedNode = (i: number, extraLabels: Record<string, string> = {}): Node => {
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
      capacity: { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      allocatable: { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      conditions: [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
        { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
        { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
      ],
      addresses: [
        { type: 'InternalIP', address: `10.0.${hi}.${lo}` },
        { type: 'Hostname', address: name },
      ],
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

/** A simulated node as the log records its joining: the index, the extra labels, and what the API server set. */
export interface SimulatedNodeRef {
  index: number;
  labels?: Record<string, string>;
  uid: string;
  created: string;
}

export const rebuildSimulatedNode = (ref: SimulatedNodeRef): Node => {
  const node = simulatedNode(ref.index, ref.labels);
  return { ...node, metadata: { ...node.metadata, uid: ref.uid, creationTimestamp: ref.created } };
};

/** The reference that rebuilds `node` exactly (key order included), or `undefined` for any other node (recorded whole). */
export const simulatedNodeRef = (node: Node): SimulatedNodeRef | undefined => {
  const m = /^node-(0|[1-9]\d{0,8})$/.exec(node.metadata.name ?? '');
  const { uid, creationTimestamp } = node.metadata;
  if (!m || !uid || !creationTimestamp) return undefined;
  const index = Number(m[1]);
  const base = simulatedNode(index).metadata.labels ?? {};
  const extra = Object.fromEntries(Object.entries(node.metadata.labels ?? {}).filter(([k, v]) => base[k] !== v));
  const ref: SimulatedNodeRef = { index, ...(Object.keys(extra).length ? { labels: extra } : {}), uid, created: creationTimestamp };
  return sameJson(rebuildSimulatedNode(ref), node) ? ref : undefined;
};
