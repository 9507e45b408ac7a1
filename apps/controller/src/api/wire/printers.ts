/**
 * Server-side printing: the columns and cells kube-apiserver's table
 * convertors produce (kubernetes pkg/printers/internalversion/printers.go,
 * v1.32). The apiserver always prints "wide", so every row carries the
 * priority-1 cells too and kubectl hides those columns unless `-o wide`.
 * Descriptions are our own words; kubectl never shows them.
 */
import { labelSelectorAsString } from '@daemonledger/domain';
import type { ControllerRevision, DaemonSet, Node, ObjectMeta } from '@daemonledger/domain';
import { formatRfc3339, parseTimestamp, translateTimestampSince } from './duration';
import { printPod } from './pod-printer';
import { printRollout } from './rollout-printer';
import { AGE, col, NAME, type TableColumnDefinition } from './columns';
import { STORED_COLUMNS, STORED_PRINTERS } from './stored-printers';
import { ENDPOINTS_COLUMNS, ENDPOINTS_PRINTERS } from './endpoints-printers';

export type { TableColumnDefinition } from './columns';

export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export type Cell = string | number | boolean | null;

/** What a printer returns per object: cells in column order, plus optional row conditions. */
export interface PrintedRow {
  cells: Cell[];
  conditions?: TableRowCondition[];
}

/** Minimal shapes of the kinds types.ts does not define; fields as in the v1 JSON. */
export interface Namespace {
  apiVersion?: 'v1';
  kind?: 'Namespace';
  metadata: ObjectMeta;
  spec?: { finalizers?: string[] };
  status?: { phase?: string };
}
export interface CoreEvent {
  apiVersion?: 'v1';
  kind?: 'Event';
  metadata: ObjectMeta;
  involvedObject: { kind?: string; name?: string; namespace?: string; uid?: string; fieldPath?: string; apiVersion?: string };
  reason?: string;
  message?: string;
  source?: { component?: string; host?: string };
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  count?: number;
  type?: string;
  series?: { count?: number; lastObservedTime?: string };
  reportingComponent?: string;
  reportingInstance?: string;
}
export interface ReplicaSet {
  apiVersion?: 'apps/v1';
  kind?: 'ReplicaSet';
  metadata: ObjectMeta;
  spec?: { replicas?: number; selector?: DaemonSet['spec']['selector']; template?: DaemonSet['spec']['template'] };
  status?: { replicas?: number; readyReplicas?: number };
}

const CONTAINERS = col('Containers', 'string', 'Names of the containers in the pod template.', { priority: 1 });
const IMAGES = col('Images', 'string', 'Images of the containers in the pod template.', { priority: 1 });
const SELECTOR = col('Selector', 'string', 'Label selector for the pods this object manages.', { priority: 1 });

export const COLUMNS = {
  daemonsets: [
    NAME,
    col('Desired', 'integer', 'Number of nodes that should run the daemon pod.'),
    col('Current', 'integer', 'Number of nodes running at least one daemon pod that should run it.'),
    col('Ready', 'integer', 'Number of nodes whose daemon pod is ready.'),
    col('Up-to-date', 'integer', 'Number of nodes running the current template revision.'),
    col('Available', 'integer', 'Number of nodes whose daemon pod has been ready for minReadySeconds.'),
    col('Node Selector', 'string', 'Node labels a node needs for the pod template to be scheduled on it.'),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  pods: [
    NAME,
    col('Ready', 'string', 'Ready containers out of all containers of the pod.'),
    col('Status', 'string', 'Summary of the pod phase and its containers\' states.'),
    col('Restarts', 'string', 'Container restarts, and how long ago the latest one was.'),
    AGE,
    col('IP', 'string', 'The pod\'s first IP address.', { priority: 1 }),
    col('Node', 'string', 'The node the pod is bound to.', { priority: 1 }),
    col('Nominated Node', 'string', 'The node the scheduler preempted other pods on for this pod.', { priority: 1 }),
    col('Readiness Gates', 'string', 'Readiness gates whose condition is True, out of all gates.', { priority: 1 }),
  ],
  nodes: [
    NAME,
    col('Status', 'string', 'Readiness of the node, and whether scheduling is disabled.'),
    col('Roles', 'string', 'Roles from the node-role.kubernetes.io/<role> labels.'),
    AGE,
    col('Version', 'string', 'Kubelet version reported by the node.'),
    col('Internal-IP', 'string', 'First InternalIP address of the node.', { priority: 1 }),
    col('External-IP', 'string', 'First ExternalIP address of the node.', { priority: 1 }),
    col('OS-Image', 'string', 'Operating system image reported by the node.', { priority: 1 }),
    col('Kernel-Version', 'string', 'Kernel version reported by the node.', { priority: 1 }),
    col('Container-Runtime', 'string', 'Container runtime and version reported by the node.', { priority: 1 }),
  ],
  controllerrevisions: [
    NAME,
    col('Controller', 'string', 'The object that controls this revision.'),
    col('Revision', 'string', 'Revision number of the stored state.'),
    AGE,
  ],
  namespaces: [NAME, col('Status', 'string', 'Lifecycle phase of the namespace.'), AGE],
  events: [
    col('Last Seen', 'string', 'Time since the event was last observed.'),
    col('Type', 'string', 'Normal or Warning.'),
    col('Reason', 'string', 'Short machine-readable reason for the event.'),
    col('Object', 'string', 'The object the event is about.'),
    col('Subobject', 'string', 'Field path inside the object, e.g. a container.', { priority: 1 }),
    col('Source', 'string', 'Component (and host) that reported the event.', { priority: 1 }),
    col('Message', 'string', 'Human-readable description of the event.'),
    col('First Seen', 'string', 'Time since the event was first observed.', { priority: 1 }),
    col('Count', 'string', 'How many times the event has occurred.', { priority: 1 }),
    col('Name', 'string', 'Name of the Event object.', { priority: 1, format: 'name' }),
  ],
  replicasets: [
    NAME,
    col('Desired', 'integer', 'Requested number of replicas.'),
    col('Current', 'integer', 'Number of replicas observed.'),
    col('Ready', 'integer', 'Number of ready replicas.'),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  rollouts: [
    NAME,
    col('DaemonSet', 'string', 'The DaemonSet this rollout updated.'),
    col('From', 'string', 'Revision number the rollout started from (<none> for a DaemonSet\'s first).'),
    col('To', 'integer', 'Revision number the rollout rolls out.'),
    col('State', 'string', 'Progressing, Complete, Stalled, Paused, Holding, Superseded or RolledBack.'),
    col('Updated', 'string', 'Nodes running the new revision, out of the nodes that should run the DaemonSet.'),
    col('Started', 'string', 'Time since the rollout started.'),
    col('Duration', 'string', 'How long the rollout took, or has taken so far.'),
    col('By', 'string', 'Who changed the template.'),
    col('Cause', 'string', 'The change-cause recorded with the template change.'),
  ],
  ...STORED_COLUMNS,
  ...ENDPOINTS_COLUMNS,
  /** apiserver rest.NewDefaultTableConvertor: kinds without a printer. */
  default: [NAME, col('Created At', 'date', 'Time the object was created (metadata.creationTimestamp).')],
} satisfies Record<string, TableColumnDefinition[]>;

export type PrintedResource = Exclude<keyof typeof COLUMNS, 'default'>;

/** labels.FormatLabels: sorted `k=v` pairs, `<none>` when empty. */
export const formatLabels = (m: Record<string, string> | undefined): string => {
  const keys = Object.keys(m ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${m![k]}`).join(',') : '<none>';
};

const containerCells = (containers: { name: string; image?: string }[] | undefined): [string, string] => [
  (containers ?? []).map((c) => c.name).join(','),
  (containers ?? []).map((c) => c.image ?? '').join(','),
];

export const printDaemonSet = (ds: DaemonSet, now: Date): PrintedRow => {
  const s = ds.status;
  const [names, images] = containerCells(ds.spec?.template?.spec?.containers);
  return {
    cells: [
      ds.metadata.name ?? '',
      s?.desiredNumberScheduled ?? 0,
      s?.currentNumberScheduled ?? 0,
      s?.numberReady ?? 0,
      s?.updatedNumberScheduled ?? 0,
      s?.numberAvailable ?? 0,
      formatLabels(ds.spec?.template?.spec?.nodeSelector),
      translateTimestampSince(ds.metadata.creationTimestamp, now),
      names,
      images,
      labelSelectorAsString(ds.spec?.selector),
    ],
  };
};

export const printReplicaSet = (rs: ReplicaSet, now: Date): PrintedRow => {
  const [names, images] = containerCells(rs.spec?.template?.spec?.containers);
  return {
    cells: [
      rs.metadata.name ?? '',
      rs.spec?.replicas ?? 1, // apps/v1 defaults spec.replicas to 1
      rs.status?.replicas ?? 0,
      rs.status?.readyReplicas ?? 0,
      translateTimestampSince(rs.metadata.creationTimestamp, now),
      names,
      images,
      labelSelectorAsString(rs.spec?.selector),
    ],
  };
};

/** Node STATUS: only the Ready condition counts; `,SchedulingDisabled` when cordoned. */
export const nodeStatus = (node: Node): string => {
  let ready: string | undefined;
  for (const c of node.status?.conditions ?? []) if (c.type === 'Ready') ready = c.status; // last one wins, as in a Go map
  const status = [ready === undefined ? 'Unknown' : ready === 'True' ? 'Ready' : 'NotReady'];
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
};

/** Node ROLES: `node-role.kubernetes.io/<role>` keys plus a non-empty `kubernetes.io/role` value, sorted, deduplicated. */
export const nodeRoles = (node: Node): string => {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
};

export const printNode = (node: Node, now: Date): PrintedRow => {
  const info = node.status?.nodeInfo;
  const address = (type: string) => node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';
  return {
    cells: [
      node.metadata.name ?? '',
      nodeStatus(node),
      nodeRoles(node),
      translateTimestampSince(node.metadata.creationTimestamp, now),
      info?.kubeletVersion ?? '',
      address('InternalIP'),
      address('ExternalIP'),
      info?.osImage || '<unknown>',
      info?.kernelVersion || '<unknown>',
      info?.containerRuntimeVersion || '<unknown>',
    ],
  };
};

export const printNamespace = (ns: Namespace, now: Date): PrintedRow => ({
  cells: [ns.metadata.name ?? '', ns.status?.phase ?? '', translateTimestampSince(ns.metadata.creationTimestamp, now)],
});

/** schema.GroupKind.String() lower-cased + `/name`: `daemonset.apps/nginx-ds`, `node/n1`. */
export const controllerName = (meta: ObjectMeta): string => {
  const ref = meta.ownerReferences?.find((r) => r.controller === true);
  if (!ref) return '<none>';
  const slash = ref.apiVersion.indexOf('/');
  const group = slash >= 0 ? ref.apiVersion.slice(0, slash) : '';
  if (!group && !ref.kind) return ref.name;
  return `${(group ? `${ref.kind}.${group}` : ref.kind).toLowerCase()}/${ref.name}`;
};

export const printControllerRevision = (cr: ControllerRevision, now: Date): PrintedRow => ({
  cells: [cr.metadata.name ?? '', controllerName(cr.metadata), cr.revision ?? 0, translateTimestampSince(cr.metadata.creationTimestamp, now)],
});

export const printEvent = (ev: CoreEvent, now: Date): PrintedRow => {
  const microSince = (ts: string | null | undefined) => translateTimestampSince(ts, now);
  const firstSeen = parseTimestamp(ev.firstTimestamp) === undefined ? microSince(ev.eventTime) : translateTimestampSince(ev.firstTimestamp, now);
  let lastSeen = parseTimestamp(ev.lastTimestamp) === undefined ? firstSeen : translateTimestampSince(ev.lastTimestamp, now);
  let count = ev.count ?? 0;
  if (ev.series) {
    lastSeen = microSince(ev.series.lastObservedTime);
    count = ev.series.count ?? 0;
  } else if (count === 0) {
    count = 1; // singleton events of the events.k8s.io API carry no count
  }
  const kind = (ev.involvedObject?.kind ?? '').toLowerCase();
  const target = ev.involvedObject?.name ? `${kind}/${ev.involvedObject.name}` : kind;
  const component = ev.source?.component || ev.reportingComponent || '';
  const host = ev.source?.host || ev.reportingInstance || '';
  return {
    cells: [
      lastSeen,
      ev.type ?? '',
      ev.reason ?? '',
      target,
      ev.involvedObject?.fieldPath ?? '',
      host ? `${component}, ${host}` : component,
      (ev.message ?? '').trim(),
      firstSeen,
      count,
      ev.metadata.name ?? '',
    ],
  };
};

export const printDefault = (obj: { metadata: ObjectMeta }): PrintedRow => ({
  cells: [obj.metadata.name ?? '', formatRfc3339(obj.metadata.creationTimestamp)],
});

type AnyPrinter = (obj: never, now: Date) => PrintedRow;
export const PRINTERS: Record<PrintedResource, AnyPrinter> = {
  daemonsets: printDaemonSet,
  pods: printPod,
  nodes: printNode,
  controllerrevisions: printControllerRevision,
  namespaces: printNamespace,
  events: printEvent,
  replicasets: printReplicaSet,
  rollouts: printRollout,
  ...STORED_PRINTERS,
  ...ENDPOINTS_PRINTERS,
};
