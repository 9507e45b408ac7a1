import { createHash } from 'node:crypto';
import { DomainError, forbiddenError, type ResourceRef } from '@daemonledger/domain';
import type { KubeEvent } from '@daemonledger/projections/kube-events';
import { byName, type KubeObject, type ResourceDef } from './resource-def';

/**
 * Resources that are not objects of the log: namespaces (a fixed set),
 * events (derived from the log by the projection) and replicasets (always
 * empty: DaemonSets own none, but `kubectl get rs` / `get all` ask).
 */
export const NAMESPACE_NAMES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'] as const;

export const NAMESPACES_REF: ResourceRef = { resource: 'namespaces', group: '' };
const EVENTS_REF: ResourceRef = { resource: 'events', group: '' };
const REPLICASETS_REF: ResourceRef = { resource: 'replicasets', group: 'apps' };

export interface NamespaceObject extends KubeObject {
  spec: { finalizers: string[] };
  status: { phase: 'Active' };
}

const stableUid = (seed: string) => {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

export const namespaceObject = (name: string, createdAt: string): NamespaceObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, uid: stableUid(`namespace/${name}`), resourceVersion: '1', creationTimestamp: createdAt, labels: { 'kubernetes.io/metadata.name': name } },
  spec: { finalizers: ['kubernetes'] },
  status: { phase: 'Active' },
});

export const namespaceExists = (name: string): boolean => (NAMESPACE_NAMES as readonly string[]).includes(name);

export const namespaceNotFound = (name: string) =>
  new DomainError('NotFound', `namespaces ${JSON.stringify(name)} not found`, { name, kind: 'namespaces' });

/**
 * v1 namespaces: the four every cluster has, created with the log. Creating
 * or deleting namespaces is refused (403) with a message saying why.
 */
export const namespacesResource = (createdAt: () => string): ResourceDef<NamespaceObject> => ({
  group: '',
  version: 'v1',
  resource: 'namespaces',
  kind: 'Namespace',
  namespaced: false,
  ref: NAMESPACES_REF,
  selectableFields: ['metadata.name', 'status.phase'],
  fields: (n) => ({ 'metadata.name': n.metadata.name ?? '', 'status.phase': n.status.phase }),
  list: () => NAMESPACE_NAMES.map((n) => namespaceObject(n, createdAt())),
  get: (_view, _ns, name) => (namespaceExists(name) ? namespaceObject(name, createdAt()) : undefined),
  writes: {
    patchKind: 'Namespace',
    async create(input) {
      throw forbiddenError(NAMESPACES_REF, input.metadata.name ?? '', `DaemonLedger serves the fixed namespaces ${NAMESPACE_NAMES.join(', ')}; creating namespaces is not supported`);
    },
    async update(_input, current) {
      throw forbiddenError(NAMESPACES_REF, current.metadata.name ?? '', 'DaemonLedger namespaces are fixed; updating them is not supported');
    },
    async delete(current) {
      throw forbiddenError(NAMESPACES_REF, current.metadata.name ?? '', 'this namespace may not be deleted');
    },
  },
});

const eventFields = (e: KubeEvent): Record<string, string> => ({
  'metadata.name': e.metadata.name ?? '',
  'metadata.namespace': e.metadata.namespace ?? '',
  'involvedObject.kind': e.involvedObject.kind ?? '',
  'involvedObject.namespace': e.involvedObject.namespace ?? '',
  'involvedObject.name': e.involvedObject.name ?? '',
  'involvedObject.uid': e.involvedObject.uid ?? '',
  'involvedObject.apiVersion': e.involvedObject.apiVersion ?? '',
  'involvedObject.resourceVersion': e.involvedObject.resourceVersion ?? '',
  'involvedObject.fieldPath': e.involvedObject.fieldPath ?? '',
  reason: e.reason ?? '',
  reportingComponent: e.reportingComponent ?? '',
  source: e.source?.component ?? '',
  type: e.type ?? '',
});

/** v1 events, read-only: what the projection derives from the log (`kubectl describe` lists them by involvedObject). */
export const EVENTS_RESOURCE: ResourceDef<KubeEvent> = {
  group: '',
  version: 'v1',
  resource: 'events',
  kind: 'Event',
  namespaced: true,
  ref: EVENTS_REF,
  streamKind: 'event',
  selectableFields: Object.keys(eventFields({ metadata: {}, involvedObject: {}, source: {} } as unknown as KubeEvent)),
  fields: eventFields,
  list: (view, ns) => byName(view.events.list(ns)),
  get: (view, ns, name) => view.events.list(ns).find((e) => e.metadata.name === name),
};

/** apps/v1 replicasets: served so `kubectl get rs` answers "No resources found", never holds anything. */
export const REPLICASETS_RESOURCE: ResourceDef = {
  group: 'apps',
  version: 'v1',
  resource: 'replicasets',
  kind: 'ReplicaSet',
  namespaced: true,
  ref: REPLICASETS_REF,
  selectableFields: ['metadata.name', 'metadata.namespace'],
  fields: (o) => ({ 'metadata.name': o.metadata.name ?? '', 'metadata.namespace': o.metadata.namespace ?? '' }),
  list: () => byName([]),
  get: () => undefined,
};
