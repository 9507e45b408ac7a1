/**
 * Server-side printing of the stored kinds: the columns and cells of
 * kube-apiserver's table convertors for them (pkg/printers/internalversion,
 * v1.32). Descriptions are our own words.
 */
import type { ObjectMeta } from '@daemonledger/domain';
import { formatRfc3339, translateTimestampSince } from './duration';
import { AGE, col, NAME, type TableColumnDefinition } from './columns';
import type { PrintedRow } from './printers';

const CREATED_AT = col('Created At', 'date', 'Time the object was created (metadata.creationTimestamp).');
const BINDING = [
  NAME,
  col('Role', 'string', 'The role bound: its kind and name.'),
  AGE,
  col('Users', 'string', 'Users the role is bound to.', { priority: 1 }),
  col('Groups', 'string', 'Groups the role is bound to.', { priority: 1 }),
  col('ServiceAccounts', 'string', 'Service accounts (namespace/name) the role is bound to.', { priority: 1 }),
];

export const STORED_COLUMNS = {
  serviceaccounts: [NAME, col('Secrets', 'string', 'Number of secrets the service account lists.'), AGE],
  configmaps: [NAME, col('Data', 'string', 'Number of keys in data and binaryData.'), AGE],
  secrets: [NAME, col('Type', 'string', 'The type of the secret.'), col('Data', 'string', 'Number of keys in data.'), AGE],
  services: [
    NAME,
    col('Type', 'string', 'How the service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    col('Cluster-IP', 'string', 'The service\'s IP address inside the cluster.'),
    col('External-IP', 'string', 'Addresses the service is reachable at from outside the cluster.'),
    col('Port(s)', 'string', 'The ports the service exposes (port[:nodePort]/protocol).'),
    AGE,
    col('Selector', 'string', 'Labels of the pods the service sends traffic to.', { priority: 1 }),
  ],
  roles: [NAME, CREATED_AT],
  clusterroles: [NAME, CREATED_AT],
  rolebindings: BINDING,
  clusterrolebindings: BINDING,
  leases: [NAME, col('Holder', 'string', 'Who holds the lease now (spec.holderIdentity): a node\'s name for a node lease, a controller\'s id for a leader lease.'), AGE],
  priorityclasses: [
    NAME,
    col('Value', 'integer', 'The priority pods of this class get (spec.priority); higher schedules first and may preempt lower.'),
    col('Global-Default', 'boolean', 'Whether pods that name no class get this one.'),
    AGE,
    col('PreemptionPolicy', 'string', 'Whether pods of this class may preempt lower-priority pods (PreemptLowerPriority) or not (Never).'),
  ],
} satisfies Record<string, TableColumnDefinition[]>;

interface Obj {
  metadata: ObjectMeta;
  [field: string]: unknown;
}
const keys = (m: unknown) => Object.keys((m as Record<string, unknown> | undefined) ?? {}).length;
const age = (o: Obj, now: Date) => translateTimestampSince(o.metadata.creationTimestamp, now);
const labels = (m: Record<string, string> | undefined) => {
  const k = Object.keys(m ?? {}).sort();
  return k.length ? k.map((x) => `${x}=${m![x]}`).join(',') : '<none>';
};

interface ServiceShape {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  externalIPs?: string[];
  externalName?: string;
  selector?: Record<string, string>;
  ports?: { port: number; nodePort?: number; protocol?: string }[];
}

/** getServiceExternalIP: what the External-IP column shows for each type. */
const externalIP = (spec: ServiceShape, ingress: { ip?: string; hostname?: string }[]): string => {
  const lb = ingress.map((i) => i.ip || i.hostname || '').filter(Boolean);
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return spec.externalIPs?.length ? spec.externalIPs.join(',') : '<none>';
    case 'LoadBalancer':
      if (spec.externalIPs?.length) return [...lb, ...spec.externalIPs].join(',');
      return lb.length ? lb.join(',') : '<pending>';
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
};

const printService = (o: Obj, now: Date): PrintedRow => {
  const spec = (o.spec ?? {}) as ServiceShape;
  const ingress = ((o.status as { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } } | undefined)?.loadBalancer?.ingress) ?? [];
  const ports = (spec.ports ?? []).map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)).join(',');
  const internal = spec.type === 'ExternalName' ? '<none>' : spec.clusterIPs?.length ? spec.clusterIPs.join(',') : (spec.clusterIP || '<none>');
  return { cells: [o.metadata.name ?? '', spec.type ?? '', internal, externalIP(spec, ingress), ports || '<none>', age(o, now), labels(spec.selector)] };
};

interface SubjectShape {
  kind: string;
  name: string;
  namespace?: string;
}
const printBinding = (o: Obj, now: Date): PrintedRow => {
  const ref = (o.roleRef ?? {}) as { kind?: string; name?: string };
  const subjects = (o.subjects as SubjectShape[] | undefined) ?? [];
  const of = (kind: string) => subjects.filter((s) => s.kind === kind);
  return {
    cells: [
      o.metadata.name ?? '',
      `${ref.kind ?? ''}/${ref.name ?? ''}`,
      age(o, now),
      of('User').map((s) => s.name).join(', '),
      of('Group').map((s) => s.name).join(', '),
      of('ServiceAccount').map((s) => `${s.namespace ?? ''}/${s.name}`).join(', '),
    ],
  };
};

const printCreatedAt = (o: Obj): PrintedRow => ({ cells: [o.metadata.name ?? '', formatRfc3339(o.metadata.creationTimestamp)] });

export const STORED_PRINTERS: Record<keyof typeof STORED_COLUMNS, (o: never, now: Date) => PrintedRow> = {
  serviceaccounts: (o: Obj, now: Date) => ({ cells: [o.metadata.name ?? '', ((o.secrets as unknown[] | undefined) ?? []).length, age(o, now)] }),
  configmaps: (o: Obj, now: Date) => ({ cells: [o.metadata.name ?? '', keys(o.data) + keys(o.binaryData), age(o, now)] }),
  secrets: (o: Obj, now: Date) => ({ cells: [o.metadata.name ?? '', (o.type as string | undefined) ?? '', keys(o.data), age(o, now)] }),
  services: printService,
  roles: printCreatedAt,
  clusterroles: printCreatedAt,
  rolebindings: printBinding,
  clusterrolebindings: printBinding,
  leases: (o: Obj, now: Date) => ({ cells: [o.metadata.name ?? '', ((o.spec as { holderIdentity?: string } | undefined)?.holderIdentity) ?? '', age(o, now)] }),
  // printPriorityClass: an unset policy prints empty.
  priorityclasses: (o: Obj, now: Date) => ({
    cells: [o.metadata.name ?? '', (o.value as number | undefined) ?? 0, (o.globalDefault as boolean | undefined) ?? false, age(o, now), (o.preemptionPolicy as string | undefined) ?? ''],
  }),
};
