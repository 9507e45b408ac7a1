/** One-line setup for the scheduling specs (not exported from the package). */
import type { Container, ContainerPort, Node, Pod, PodSpec, Taint } from '../api/types';
import type { NodeState, SchedulingCluster } from './types';

export interface NodeOpts {
  cpu?: string;
  memory?: string;
  pods?: string;
  taints?: Taint[];
  unschedulable?: boolean;
  labels?: Record<string, string>;
}

/** A node with allocatable cpu=4, memory=8Gi, pods=110 unless told otherwise. */
export const node = (name: string, o: NodeOpts = {}): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
  spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
  status: {
    capacity: { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110' },
    allocatable: { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110' },
  },
});

export interface PodOpts {
  cpu?: string;
  memory?: string;
  priority?: number;
  preemptionPolicy?: string;
  hostPorts?: Partial<ContainerPort>[];
  /** status.startTime */
  started?: string;
  deleting?: boolean;
  /** Pinned to this node the way the DaemonSet controller pins daemon pods (matchFields). */
  pinnedTo?: string;
  nominated?: string;
  spec?: Partial<PodSpec>;
}

const requests = (o: { cpu?: string; memory?: string }): Record<string, string> => ({
  ...(o.cpu ? { cpu: o.cpu } : {}),
  ...(o.memory ? { memory: o.memory } : {}),
});

export const container = (name: string, req: { cpu?: string; memory?: string } = {}, extra: Partial<Container> = {}): Container => ({
  name,
  image: 'busybox',
  resources: { requests: requests(req) },
  ...extra,
});

export const pod = (name: string, o: PodOpts = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'default',
    creationTimestamp: '2024-01-01T00:00:00Z',
    ...(o.deleting ? { deletionTimestamp: '2024-01-01T01:00:00Z' } : {}),
  },
  spec: {
    containers: [
      container('app', { cpu: o.cpu, memory: o.memory }, {
        ports: (o.hostPorts ?? []).map((p) => ({ containerPort: p.hostPort ?? 80, ...p })),
      }),
    ],
    ...(o.priority !== undefined ? { priority: o.priority } : {}),
    ...(o.preemptionPolicy ? { preemptionPolicy: o.preemptionPolicy } : {}),
    ...(o.pinnedTo
      ? {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [o.pinnedTo] }] }],
              },
            },
          },
        }
      : {}),
    ...(o.spec ?? {}),
  },
  status: {
    phase: 'Running',
    ...(o.started ? { startTime: o.started } : {}),
    ...(o.nominated ? ({ nominatedNodeName: o.nominated } as object) : {}),
  },
});

export const on = (n: Node, ...pods: Pod[]): NodeState => ({ node: n, pods });

/** A cluster over the given node states that counts the nodeState look-ups per node. */
export const cluster = (...states: NodeState[]): SchedulingCluster & { lookups: Map<string, number> } => {
  const byName = new Map(states.map((s) => [s.node.metadata.name!, s]));
  const lookups = new Map<string, number>();
  return {
    nodeCount: states.length,
    nodeNames: () => byName.keys(),
    nodeState: (name) => {
      lookups.set(name, (lookups.get(name) ?? 0) + 1);
      return byName.get(name);
    },
    lookups,
  };
};
