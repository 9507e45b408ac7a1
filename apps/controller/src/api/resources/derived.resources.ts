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
