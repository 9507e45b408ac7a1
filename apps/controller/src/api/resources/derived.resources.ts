import type { ResourceRef } from '@daemonledger/domain';
import type { KubeEvent } from '@daemonledger/projections/kube-events';
import { byName, type KubeObject, type ResourceDef } from './resource-def';
import { namespaceIn } from './stored.resources';

/**
 * Resources that are not objects of the log: events (derived from the log by
 * the projection) and replicasets (always empty: DaemonSets own none, but
 * `kubectl get rs` / `get all` ask). Namespaces are stored objects
 * (stored.resources.ts).
 */
const EVENTS_REF: ResourceRef = { resource: 'events', group: '' };
const REPLICASETS_REF: ResourceRef = { resource: 'replicasets', group: 'apps' };

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
  // Events of a namespace that is gone went with it (upstream's namespace controller deletes them).
  list: (view, ns) => byName(view.events.list(ns).filter((e) => namespaceIn(view, e.metadata.namespace ?? '') !== undefined)),
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

const ENDPOINTS_REF: ResourceRef = { resource: 'endpoints', group: '' };
const ENDPOINT_SLICES_REF: ResourceRef = { resource: 'endpointslices', group: 'discovery.k8s.io' };

/**
 * v1 endpoints, read-only: what upstream's endpoints controller would write
 * for every Service with a selector, derived from the view (README "Reaching
 * daemon pods"). Writes are refused with 405: Endpoints of selector-less
 * Services are not taken (see the README).
 */
export const ENDPOINTS_RESOURCE: ResourceDef = {
  group: '',
  version: 'v1',
  resource: 'endpoints',
  kind: 'Endpoints',
  namespaced: true,
  ref: ENDPOINTS_REF,
  streamKind: 'endpoints',
  selectableFields: ['metadata.name', 'metadata.namespace'],
  fields: (o) => ({ 'metadata.name': o.metadata.name ?? '', 'metadata.namespace': o.metadata.namespace ?? '' }),
  list: (view, ns) => byName(view.serviceEndpoints.listEndpoints(ns) as unknown as KubeObject[]),
  get: (view, ns, name) => view.serviceEndpoints.endpoints.get(`${ns}/${name}`) as unknown as KubeObject | undefined,
};

/** discovery.k8s.io/v1 endpointslices, read-only: upstream's endpointslice controller's slices, derived the same way. */
export const ENDPOINT_SLICES_RESOURCE: ResourceDef = {
  group: 'discovery.k8s.io',
  version: 'v1',
  resource: 'endpointslices',
  kind: 'EndpointSlice',
  namespaced: true,
  ref: ENDPOINT_SLICES_REF,
  streamKind: 'endpointslice',
  selectableFields: ['metadata.name', 'metadata.namespace'],
  fields: (o) => ({ 'metadata.name': o.metadata.name ?? '', 'metadata.namespace': o.metadata.namespace ?? '' }),
  list: (view, ns) => byName(view.serviceEndpoints.listSlices(ns) as unknown as KubeObject[]),
  get: (view, ns, name) => view.serviceEndpoints.listSlices(ns).find((s) => s.metadata.name === name) as unknown as KubeObject | undefined,
};
