/**
 * One-line builders for controller specs: `aDaemonSet`, `nodes`, `aNode`, `aPod`, `readyPods`.
 * Defaults follow spec §8: DaemonSet `foo` in `default`, labels {name: simple-daemon, type: production}.
 */
import type { Affinity, DaemonSet, IntOrString, Node, Pod, PodPhase, PodSpec, Taint, Toleration } from '../../api/types';
import { CONTROLLER_REVISION_HASH_LABEL, daemonSetControllerRef, POD_TEMPLATE_GENERATION_LABEL, TEMPLATE_GENERATION_ANNOTATION } from '../pods';
import { toRfc3339 } from '../time';

export const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);
export const seconds = (s: number): number => s * 1000;
export const LABELS = { name: 'simple-daemon', type: 'production' } as const;

export interface DaemonSetOptions {
  name?: string;
  uid?: string;
  image?: string;
  maxUnavailable?: IntOrString;
  maxSurge?: IntOrString;
  onDelete?: boolean;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  tolerations?: Toleration[];
  nodeName?: string;
  hostNetwork?: boolean;
  selector?: DaemonSet['spec']['selector'];
  templateLabels?: Record<string, string>;
  generation?: number;
  templateGeneration?: number;
  annotations?: Record<string, string>;
}

export const aDaemonSet = (o: DaemonSetOptions = {}): DaemonSet => {
  const spec: PodSpec = {
    containers: [{ name: 'app', image: o.image ?? 'nginx:1.0', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {} }],
    restartPolicy: 'Always',
    dnsPolicy: 'ClusterFirst',
    terminationGracePeriodSeconds: 30,
    schedulerName: 'default-scheduler',
    securityContext: {},
    ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
    ...(o.affinity ? { affinity: o.affinity } : {}),
    ...(o.tolerations ? { tolerations: o.tolerations } : {}),
    ...(o.nodeName ? { nodeName: o.nodeName } : {}),
    ...(o.hostNetwork ? { hostNetwork: true } : {}),
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {
      name: o.name ?? 'foo',
      namespace: 'default',
      uid: o.uid ?? 'uid-foo-1',
      generation: o.generation ?? 1,
      annotations: { [TEMPLATE_GENERATION_ANNOTATION]: String(o.templateGeneration ?? 1), ...(o.annotations ?? {}) },
    },
    spec: {
      selector: o.selector ?? { matchLabels: { ...LABELS } },
      template: { metadata: { labels: o.templateLabels ?? { ...LABELS } }, spec },
      updateStrategy: o.onDelete
        ? { type: 'OnDelete' }
        : { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: o.maxUnavailable ?? (o.maxSurge !== undefined ? 0 : 1), maxSurge: o.maxSurge ?? 0 } },
      revisionHistoryLimit: o.revisionHistoryLimit ?? 10,
      ...(o.minReadySeconds !== undefined ? { minReadySeconds: o.minReadySeconds } : {}),
    },
    status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 },
  };
};

export interface NodeOptions {
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
}

export const aNode = (name: string, o: NodeOptions = {}): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
  spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
});

/** `node-<from>` … `node-<from+count-1>`. */
export const nodes = (count: number, o: NodeOptions & { from?: number } = {}): Node[] =>
  Array.from({ length: count }, (_, i) => aNode(`node-${(o.from ?? 0) + i}`, o));

export interface PodOptions {
  name?: string;
  hash?: string;
  generation?: string;
  ready?: boolean;
  /** Ready condition lastTransitionTime (ms). */
  readySince?: number;
  phase?: PodPhase;
  bound?: boolean;
  created?: number;
  deleting?: boolean;
  labels?: Record<string, string>;
  owner?: DaemonSet | null;
  ownerKind?: string;
}

let podSeq = 0;
/** A daemon pod of `ds` on `nodeName`: bound, Running, owned, labelled with `hash`. */
export const aPod = (ds: DaemonSet | null, nodeName: string, o: PodOptions = {}): Pod => {
  const name = o.name ?? `${ds?.metadata.name ?? 'pod'}-${nodeName}-${++podSeq}`;
  const owner = o.owner === undefined ? ds : o.owner;
  const labels: Record<string, string> = { ...(o.labels ?? { ...LABELS }) };
  if (o.hash !== undefined) labels[CONTROLLER_REVISION_HASH_LABEL] = o.hash;
  if (o.generation !== undefined) labels[POD_TEMPLATE_GENERATION_LABEL] = o.generation;
  const ready = o.ready ?? false;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      creationTimestamp: toRfc3339(o.created ?? T0),
      labels,
      ...(owner ? { ownerReferences: [o.ownerKind ? { ...daemonSetControllerRef(owner), kind: o.ownerKind, uid: `uid-${o.ownerKind}` } : daemonSetControllerRef(owner)] } : {}),
      ...(o.deleting ? { deletionTimestamp: toRfc3339(o.created ?? T0) } : {}),
    },
    spec: {
      containers: [{ name: 'app', image: 'nginx' }],
      ...(o.bound === false ? {} : { nodeName }),
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] } } },
    },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: toRfc3339(o.readySince ?? o.created ?? T0) }],
    },
  };
};

/** One ready pod per node with the given hash. */
export const readyPods = (ds: DaemonSet, on: readonly Node[], hash: string, o: PodOptions = {}): Pod[] =>
  on.map((n) => aPod(ds, n.metadata.name!, { hash, ready: true, ...o }));

export const taint = (key: string, effect: Taint['effect'], value?: string): Taint => ({ key, effect, ...(value !== undefined ? { value } : {}) });
