// Builders for the wire specs: one line per object, fields as the real server stores them.
import type { ContainerStatus, ControllerRevision, DaemonSet, Node, Pod } from '@daemonledger/domain';

export const NOW = new Date('2026-11-22T20:18:37Z');
/** RFC 3339 timestamp `s` seconds before NOW. */
export const ago = (s: number): string => new Date(NOW.getTime() - s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

const DS_UID = '7d3f0c1e-0000-4000-8000-000000000001';

export const aDaemonSet = (over: { nodeSelector?: Record<string, string>; status?: Partial<NonNullable<DaemonSet['status']>> } = {}): DaemonSet => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'nginx-ds', namespace: 'default', uid: DS_UID, resourceVersion: '112', generation: 2, creationTimestamp: ago(3), labels: { app: 'nginx-ds' } },
  spec: {
    selector: { matchLabels: { app: 'nginx-ds' } },
    template: { metadata: { labels: { app: 'nginx-ds' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.8.0' }], ...(over.nodeSelector ? { nodeSelector: over.nodeSelector } : {}) } },
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
  },
  status: { desiredNumberScheduled: 1, currentNumberScheduled: 1, numberReady: 1, updatedNumberScheduled: 1, numberAvailable: 1, numberMisscheduled: 0, observedGeneration: 2, ...over.status },
});

export const running = (over: Partial<ContainerStatus> = {}): ContainerStatus => ({
  name: 'nginx', ready: true, restartCount: 0, image: 'nginx:1.8.0', imageID: '', state: { running: { startedAt: ago(2) } }, ...over,
});
export const waiting = (reason: string, over: Partial<ContainerStatus> = {}): ContainerStatus => running({ ready: false, state: { waiting: { reason } }, ...over });

export const aPod = (over: { name?: string; status?: Partial<NonNullable<Pod['status']>>; spec?: Partial<Pod['spec']>; deletionTimestamp?: string } = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: over.name ?? 'nginx-ds-9426d',
    namespace: 'default',
    uid: 'p-1',
    resourceVersion: '120',
    creationTimestamp: ago(2),
    labels: { app: 'nginx-ds', 'controller-revision-hash': '9cd7444740', 'pod-template-generation': '2' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'nginx-ds', uid: DS_UID, controller: true, blockOwnerDeletion: true }],
    ...(over.deletionTimestamp ? { deletionTimestamp: over.deletionTimestamp } : {}),
  },
  spec: { nodeName: 'n1', containers: [{ name: 'nginx', image: 'nginx:1.8.0' }], ...over.spec },
  status: {
    phase: 'Running',
    podIP: '10.244.0.11',
    podIPs: [{ ip: '10.244.0.11' }],
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [running()],
    ...over.status,
  },
});

export const aNode = (over: { name?: string; labels?: Record<string, string>; unschedulable?: boolean; ready?: 'True' | 'False' | 'Unknown' | null; bare?: boolean } = {}): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: over.name ?? 'n1', uid: 'n-1', resourceVersion: '7', creationTimestamp: ago(49), labels: over.labels ?? { 'kubernetes.io/hostname': 'n1' } },
  spec: over.unschedulable ? { unschedulable: true } : {},
  status: over.bare
    ? {}
    : {
        conditions: over.ready === null ? [] : [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: over.ready ?? 'True' }],
        addresses: [{ type: 'InternalIP', address: '10.0.0.11' }, { type: 'Hostname', address: 'n1' }],
        nodeInfo: {
          machineID: '', systemUUID: '', bootID: '', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64',
          kubeletVersion: 'v1.32.4', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://1.7.0',
        },
      },
});

export const aRevision = (name: string, revision: number, secondsOld: number, owner: 'ds' | 'none' | 'core' = 'ds'): ControllerRevision => ({
  apiVersion: 'apps/v1',
  kind: 'ControllerRevision',
  metadata: {
    name,
    namespace: 'default',
    uid: `cr-${revision}`,
    resourceVersion: `${100 + revision}`,
    creationTimestamp: ago(secondsOld),
    labels: { app: 'nginx-ds' },
    ownerReferences:
      owner === 'ds'
        ? [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'nginx-ds', uid: DS_UID, controller: true }]
        : owner === 'core'
          ? [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'n-1', controller: true }]
          : [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'nginx-ds', uid: DS_UID }],
  },
  data: { spec: { template: { $patch: 'replace' } } },
  revision,
});
