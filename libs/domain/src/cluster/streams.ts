/** Stream names: one stream per object, `<kind>-<namespace>.<name>` (cluster-scoped: `<kind>-<name>`). */
export const daemonSetStream = (namespace: string, name: string) => `daemonset-${namespace}.${name}`;
export const podStream = (namespace: string, name: string) => `pod-${namespace}.${name}`;
export const nodeStream = (name: string) => `node-${name}`;
export const revisionStream = (namespace: string, name: string) => `controllerrevision-${namespace}.${name}`;
export const rolloutStream = (namespace: string, name: string, rollout: number) => `rollout-${namespace}.${name}-${rollout}`;

/**
 * The kinds kept by the generic stored-object machinery (libs/domain/src/kinds):
 * one stream per object, `<kind>-<namespace>.<name>` or, cluster-scoped, `<kind>-<name>`.
 */
export const STORED_STREAM_KINDS = [
  'namespace',
  'serviceaccount',
  'configmap',
  'secret',
  'service',
  'role',
  'clusterrole',
  'rolebinding',
  'clusterrolebinding',
  'lease',
  'priorityclass',
] as const;
export type StoredStreamKind = (typeof STORED_STREAM_KINDS)[number];
const CLUSTER_SCOPED_STORED: readonly string[] = ['namespace', 'clusterrole', 'clusterrolebinding', 'priorityclass'];

export const isStoredStreamKind = (kind: string): kind is StoredStreamKind => (STORED_STREAM_KINDS as readonly string[]).includes(kind);

/** The stream of one stored object (namespace '' for cluster-scoped kinds). */
export const objectStream = (kind: StoredStreamKind, namespace: string, name: string) =>
  CLUSTER_SCOPED_STORED.includes(kind) ? `${kind}-${name}` : `${kind}-${namespace}.${name}`;

export type StreamKind = 'daemonset' | 'pod' | 'node' | 'controllerrevision' | 'rollout' | StoredStreamKind;

export interface StreamRef {
  kind: StreamKind;
  namespace?: string;
  name: string;
}

/** Inverse of the builders above. Namespaces are DNS labels (no dots), so the first dot splits. */
export const parseStreamId = (streamId: string): StreamRef | undefined => {
  const dash = streamId.indexOf('-');
  if (dash < 0) return undefined;
  const kind = streamId.slice(0, dash) as StreamKind;
  const rest = streamId.slice(dash + 1);
  if (kind === 'node' || CLUSTER_SCOPED_STORED.includes(kind)) return { kind, name: rest };
  if (!['daemonset', 'pod', 'controllerrevision', 'rollout', ...STORED_STREAM_KINDS].includes(kind)) return undefined;
  const dot = rest.indexOf('.');
  if (dot < 0) return undefined;
  return { kind, namespace: rest.slice(0, dot), name: rest.slice(dot + 1) };
};
