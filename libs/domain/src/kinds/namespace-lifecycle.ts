/**
 * Namespaces and what the control plane keeps in each, as pure decisions:
 * the built-in namespaces, upstream's NamespaceLifecycle admission (no new
 * content in a missing or terminating namespace), the order in which a
 * terminating namespace is emptied, and the objects every namespace gets
 * (ServiceAccount `default`, ConfigMap `kube-root-ca.crt`) plus
 * `default/kubernetes`.
 */
import { stableUid } from './stable-uid';
import type { StoredStreamKind } from '../cluster/streams';
import { DomainError } from '../errors';
import { NAMESPACE_FINALIZER, NAMESPACE_NAME_LABEL } from './core-kinds';
import type { StoredObject } from './kind-def';
import { kubernetesService, type ServiceRange } from './service';

/** The namespaces every cluster has, as old as the log (old logs hold no events for them). */
export const BUILTIN_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'] as const;
export const isBuiltinNamespace = (name: string): boolean => (BUILTIN_NAMESPACES as readonly string[]).includes(name);


/** A built-in namespace as served while the log holds none of its events. */
export const builtinNamespace = (name: string, createdAt: string): StoredObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, uid: stableUid(`namespace/${name}`), resourceVersion: '1', creationTimestamp: createdAt, labels: { [NAMESPACE_NAME_LABEL]: name } },
  spec: { finalizers: [NAMESPACE_FINALIZER] },
  status: { phase: 'Active' },
});

export const namespaceNotFound = (name: string): DomainError => new DomainError('NotFound', `namespaces ${JSON.stringify(name)} not found`, { name, kind: 'namespaces' });

/**
 * NamespaceLifecycle admission for a create of `resource` named `name` in
 * namespace `ns` (`namespace`: the namespace object, undefined when it does
 * not exist): 404 for a missing namespace, upstream's 403 for a terminating one.
 */
export const admitIntoNamespace = (ns: string, namespace: StoredObject | undefined, resource: { resource: string; group: string }, name: string): void => {
  if (!namespace) throw namespaceNotFound(ns);
  if (!namespace.metadata.deletionTimestamp) return;
  const message = `unable to create new content in namespace ${ns} because it is being terminated`;
  const qualified = resource.group ? `${resource.resource}.${resource.group}` : resource.resource;
  throw new DomainError('Forbidden', `${qualified} ${JSON.stringify(name)} is forbidden: ${message}`, {
    name,
    ...(resource.group ? { group: resource.group } : {}),
    kind: resource.resource,
    causes: [{ reason: 'NamespaceTerminating', message, field: 'metadata.namespace' }],
  });
};

/** The namespaces that may not be deleted (upstream's NamespaceLifecycle keeps default, kube-system and kube-public; DaemonLedger all four it starts with). */
export const namespaceDeletionRefusal = (name: string): string | undefined => (isBuiltinNamespace(name) ? 'this namespace may not be deleted' : undefined);

// ── Emptying a terminating namespace ────────────────────────────────────────

export interface ContentRef {
  name: string;
  uid: string;
  /** Its deletion was asked and is under way (a pod's grace period, a DaemonSet's dependents). */
  deleting: boolean;
}

export interface NamespaceContents {
  daemonSets: ContentRef[];
  pods: ContentRef[];
  revisions: ContentRef[];
  objects: (ContentRef & { kind: StoredStreamKind })[];
}

export type CleanupStep =
  | { type: 'DeleteDaemonSet'; name: string; uid: string }
  | { type: 'DeletePod'; name: string; uid: string }
  | { type: 'DeleteRevision'; name: string }
  | { type: 'DeleteObject'; kind: StoredStreamKind; name: string; uid: string }
  | { type: 'FinalizeNamespace' };

/**
 * What to do next for a terminating namespace, from what it still holds
 * (upstream's namespace controller deletes every resource in it, then
 * removes the finalizer): DaemonSets first (their controller then deletes
 * their pods and revisions as a Background delete does), pods through their
 * graceful deletion, revisions, every stored object; nothing left → the
 * namespace goes. Objects already being deleted are waited for. Level-based:
 * a repeated plan over the same contents asks for nothing new.
 */
export const planNamespaceCleanup = (c: NamespaceContents): CleanupStep[] => {
  const steps: CleanupStep[] = [
    ...c.daemonSets.filter((d) => !d.deleting).map((d): CleanupStep => ({ type: 'DeleteDaemonSet', name: d.name, uid: d.uid })),
    ...c.pods.filter((p) => !p.deleting).map((p): CleanupStep => ({ type: 'DeletePod', name: p.name, uid: p.uid })),
    ...c.revisions.map((r): CleanupStep => ({ type: 'DeleteRevision', name: r.name })),
    ...c.objects.filter((o) => !o.deleting).map((o): CleanupStep => ({ type: 'DeleteObject', kind: o.kind, name: o.name, uid: o.uid })),
  ];
  const empty = c.daemonSets.length + c.pods.length + c.revisions.length + c.objects.length === 0;
  return empty ? [{ type: 'FinalizeNamespace' }] : steps;
};

// ── What the control plane keeps in every namespace ─────────────────────────

export const DEFAULT_SERVICE_ACCOUNT = 'default';
export const ROOT_CA_CONFIG_MAP = 'kube-root-ca.crt';

export const defaultServiceAccount = (namespace: string): StoredObject => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace },
});

export const rootCaConfigMap = (namespace: string, caCert: string): StoredObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: ROOT_CA_CONFIG_MAP,
    namespace,
    annotations: { 'kubernetes.io/description': 'The CA certificate clients in this namespace use to verify the API server.' },
  },
  data: { 'ca.crt': caCert },
});

export interface ControlPlaneInput {
  /** Namespaces that exist and are not terminating. */
  activeNamespaces: readonly string[];
  /** The stored object, if any. */
  find(kind: 'serviceaccount' | 'configmap' | 'service', namespace: string, name: string): StoredObject | undefined;
  /** PEM of the API server's CA certificate. */
  caCert: string;
  serviceRange: ServiceRange;
  /** The port the API server listens on (the `kubernetes` Service's targetPort). */
  apiPort: number;
}

export type ControlPlaneStep =
  | { type: 'Create'; kind: 'serviceaccount' | 'configmap' | 'service'; object: StoredObject }
  | { type: 'Update'; kind: 'configmap'; object: StoredObject };

/**
 * The objects the control plane makes, as upstream's service-account, root
 * CA publisher and API server do: ServiceAccount `default` and ConfigMap
 * `kube-root-ca.crt` in every active namespace (made again when deleted; the
 * ConfigMap brought back to the current certificate), and `default/kubernetes`.
 */
export const planControlPlaneObjects = (input: ControlPlaneInput): ControlPlaneStep[] => {
  const steps: ControlPlaneStep[] = [];
  for (const ns of input.activeNamespaces) {
    if (!input.find('serviceaccount', ns, DEFAULT_SERVICE_ACCOUNT)) steps.push({ type: 'Create', kind: 'serviceaccount', object: defaultServiceAccount(ns) });
    const desired = rootCaConfigMap(ns, input.caCert);
    const cm = input.find('configmap', ns, ROOT_CA_CONFIG_MAP);
    if (!cm) steps.push({ type: 'Create', kind: 'configmap', object: desired });
    else if ((cm.data as Record<string, string> | undefined)?.['ca.crt'] !== input.caCert) {
      steps.push({ type: 'Update', kind: 'configmap', object: { ...cm, data: { ...(cm.data as object), 'ca.crt': input.caCert } } });
    }
  }
  if (input.activeNamespaces.includes('default') && !input.find('service', 'default', 'kubernetes')) {
    steps.push({ type: 'Create', kind: 'service', object: kubernetesService(input.serviceRange, input.apiPort) });
  }
  return steps;
};
