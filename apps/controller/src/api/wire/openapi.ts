/**
 * OpenAPI v3 (kubectl-wire.md §3): the `/openapi/v3` root and one document per
 * group/version. Two consumers matter:
 *  - kubectl's fieldValidation verifier: a `patch` operation carrying
 *    `x-kubernetes-group-version-kind` for the object's GVK, with a
 *    `fieldValidation` query parameter → kubectl skips client-side validation
 *    and sends `fieldValidation=Strict`. Every patch operation of a GVK must
 *    carry it (kubectl inspects the first one it meets, in map order).
 *  - `kubectl explain` (explain/v2 plaintext template): finds the GVK on a
 *    get/post/put/patch/delete operation of `…/<resource>` or `…/<resource>/{name}`,
 *    then the components.schemas entry whose `x-kubernetes-group-version-kind`
 *    list contains exactly that {group, kind, version} map, and walks
 *    properties / allOf / items / additionalProperties.
 * No operation has a requestBody: with a strategic-merge requestBody kubectl
 * would compute apply patches from these schemas instead of its compiled types.
 */
import { createHash } from 'crypto';
import { LEDGER_V1_SCHEMAS } from './openapi-ledger';
import { APPS_V1_SCHEMAS, CORE_V1_SCHEMAS, type Schema } from './openapi-schemas';
import { COORDINATION_V1_SCHEMAS, CORE_STORED_SCHEMAS, RBAC_V1_SCHEMAS, SCHEDULING_V1_SCHEMAS } from './openapi-kinds';
import { CORE_ENDPOINTS_SCHEMAS, DISCOVERY_V1_SCHEMAS } from './openapi-endpoints';

interface OpenApiKind {
  kind: string;
  /** Plural resource name. */
  resource: string;
  namespaced: boolean;
  /** components.schemas entry, when we ship one. */
  schema?: string;
  /** Only get, list and watch are served. */
  readOnly?: boolean;
}

interface GroupVersionSpec {
  /** Key in the root document: `api/v1`, `apis/apps/v1`. */
  path: string;
  group: string;
  kinds: OpenApiKind[];
  schemas: Record<string, Schema>;
}

const GROUP_VERSIONS: GroupVersionSpec[] = [
  {
    path: 'api/v1',
    group: '',
    kinds: [
      { kind: 'Pod', resource: 'pods', namespaced: true, schema: 'io.k8s.api.core.v1.Pod' },
      { kind: 'Node', resource: 'nodes', namespaced: false, schema: 'io.k8s.api.core.v1.Node' },
      { kind: 'Namespace', resource: 'namespaces', namespaced: false, schema: 'io.k8s.api.core.v1.Namespace' },
      { kind: 'ServiceAccount', resource: 'serviceaccounts', namespaced: true, schema: 'io.k8s.api.core.v1.ServiceAccount' },
      { kind: 'ConfigMap', resource: 'configmaps', namespaced: true, schema: 'io.k8s.api.core.v1.ConfigMap' },
      { kind: 'Secret', resource: 'secrets', namespaced: true, schema: 'io.k8s.api.core.v1.Secret' },
      { kind: 'Service', resource: 'services', namespaced: true, schema: 'io.k8s.api.core.v1.Service' },
      { kind: 'Endpoints', resource: 'endpoints', namespaced: true, schema: 'io.k8s.api.core.v1.Endpoints', readOnly: true },
    ],
    schemas: { ...CORE_V1_SCHEMAS, ...CORE_STORED_SCHEMAS, ...CORE_ENDPOINTS_SCHEMAS },
  },
  {
    path: 'apis/rbac.authorization.k8s.io/v1',
    group: 'rbac.authorization.k8s.io',
    kinds: [
      { kind: 'Role', resource: 'roles', namespaced: true, schema: 'io.k8s.api.rbac.v1.Role' },
      { kind: 'ClusterRole', resource: 'clusterroles', namespaced: false, schema: 'io.k8s.api.rbac.v1.ClusterRole' },
      { kind: 'RoleBinding', resource: 'rolebindings', namespaced: true, schema: 'io.k8s.api.rbac.v1.RoleBinding' },
      { kind: 'ClusterRoleBinding', resource: 'clusterrolebindings', namespaced: false, schema: 'io.k8s.api.rbac.v1.ClusterRoleBinding' },
    ],
    schemas: RBAC_V1_SCHEMAS,
  },
  {
    path: 'apis/coordination.k8s.io/v1',
    group: 'coordination.k8s.io',
    kinds: [{ kind: 'Lease', resource: 'leases', namespaced: true, schema: 'io.k8s.api.coordination.v1.Lease' }],
    schemas: COORDINATION_V1_SCHEMAS,
  },
  {
    path: 'apis/scheduling.k8s.io/v1',
    group: 'scheduling.k8s.io',
    kinds: [{ kind: 'PriorityClass', resource: 'priorityclasses', namespaced: false, schema: 'io.k8s.api.scheduling.v1.PriorityClass' }],
    schemas: SCHEDULING_V1_SCHEMAS,
  },
  {
    path: 'apis/discovery.k8s.io/v1',
    group: 'discovery.k8s.io',
    kinds: [{ kind: 'EndpointSlice', resource: 'endpointslices', namespaced: true, schema: 'io.k8s.api.discovery.v1.EndpointSlice', readOnly: true }],
    schemas: DISCOVERY_V1_SCHEMAS,
  },
  {
    path: 'apis/apps/v1',
    group: 'apps',
    kinds: [
      { kind: 'DaemonSet', resource: 'daemonsets', namespaced: true, schema: 'io.k8s.api.apps.v1.DaemonSet' },
      { kind: 'ControllerRevision', resource: 'controllerrevisions', namespaced: true, schema: 'io.k8s.api.apps.v1.ControllerRevision' },
    ],
    schemas: APPS_V1_SCHEMAS,
  },
  {
    path: 'apis/ledger.daemonledger.io/v1',
    group: 'ledger.daemonledger.io',
    kinds: [{ kind: 'Rollout', resource: 'rollouts', namespaced: true, schema: 'io.daemonledger.ledger.v1.Rollout', readOnly: true }],
    schemas: LEDGER_V1_SCHEMAS,
  },
];

const queryParam = (name: string, description: string) => ({ name, in: 'query', description, schema: { type: 'string', uniqueItems: true } });
const pathParam = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string', uniqueItems: true } });

const WRITE_PARAMS = [
  queryParam('dryRun', 'When present (value All), the request is validated and processed but not persisted.'),
  queryParam('fieldManager', 'Name of the actor making the change, recorded in managedFields.'),
  queryParam('fieldValidation', 'What to do with unknown or duplicate fields: Ignore, Warn (default) or Strict (reject the request).'),
];

const operation = (gv: GroupVersionSpec, k: OpenApiKind, action: string, verb: string, extraParams: unknown[] = []) => {
  const ok = k.schema
    ? { description: 'OK', content: { 'application/json': { schema: { $ref: `#/components/schemas/${k.schema}` } } } }
    : { description: 'OK' };
  return {
    description: `${verb} the specified ${k.kind}`,
    operationId: `${action}${k.kind}`,
    parameters: extraParams,
    responses: { '200': ok, '401': { description: 'Unauthorized' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: gv.group, version: 'v1', kind: k.kind },
  };
};

const buildDocument = (gv: GroupVersionSpec) => {
  const prefix = gv.group ? `/apis/${gv.group}/v1` : '/api/v1';
  const paths: Record<string, unknown> = {};
  for (const k of gv.kinds) {
    const collection = k.namespaced ? `${prefix}/namespaces/{namespace}/${k.resource}` : `${prefix}/${k.resource}`;
    const scope = k.namespaced ? [pathParam('namespace', 'Object name and auth scope, such as for teams and projects.')] : [];
    const named = [pathParam('name', `Name of the ${k.kind}.`), ...scope];
    if (k.readOnly) {
      paths[collection] = { get: operation(gv, k, 'list', 'list or watch objects of kind', scope) };
      paths[`${collection}/{name}`] = { get: operation(gv, k, 'get', 'read', named) };
      continue;
    }
    paths[collection] = {
      get: operation(gv, k, 'list', 'list or watch objects of kind', scope),
      post: operation(gv, k, 'post', 'create', [...scope, ...WRITE_PARAMS]),
    };
    paths[`${collection}/{name}`] = {
      get: operation(gv, k, 'get', 'read', named),
      put: operation(gv, k, 'put', 'replace', [...named, ...WRITE_PARAMS]),
      patch: operation(gv, k, 'patch', 'partially update', [...named, ...WRITE_PARAMS, queryParam('force', 'Apply only: take ownership of conflicting fields.')]),
      delete: operation(gv, k, 'delete', 'delete', named),
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.4' },
    paths,
    components: { schemas: gv.schemas },
  };
};

export interface OpenApiDocument {
  /** `api/v1` or `apis/apps/v1`. */
  path: string;
  /** The serialised document: serve these exact bytes. */
  body: string;
  /** Upper-case hex SHA-512 of `body`, as kube-openapi computes it; also the ETag. */
  hash: string;
}

const build = (): Map<string, OpenApiDocument> => {
  const docs = new Map<string, OpenApiDocument>();
  for (const gv of GROUP_VERSIONS) {
    const body = JSON.stringify(buildDocument(gv));
    docs.set(gv.path, { path: gv.path, body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() });
  }
  return docs;
};

let cached: Map<string, OpenApiDocument> | undefined;
const documents = (): Map<string, OpenApiDocument> => (cached ??= build());

/** The document for `GET /openapi/v3/<path>`, or undefined (answer 404). Deterministic across processes. */
export const openApiV3Document = (path: string): OpenApiDocument | undefined => documents().get(path.replace(/^\/+|\/+$/g, ''));

/** `GET /openapi/v3`: every served group/version with its hash URL. */
export const openApiV3Root = () => ({
  paths: Object.fromEntries([...documents().values()].map((d) => [d.path, { serverRelativeURL: `/openapi/v3/${d.path}?hash=${d.hash}` }])),
});

export interface OpenApiResponse {
  status: 200 | 301 | 304 | 404;
  headers: Record<string, string>;
  body?: string;
}

/**
 * The full answer to `GET /openapi/v3/<path>[?hash=…]`, as kube-openapi's
 * handler3 gives it: a stale `hash` → 301 to the current hash URL; a matching
 * one → `Cache-Control: public, immutable` and `Expires` one year after `now`
 * (so kubectl's HTTP cache keeps it); `If-None-Match` equal to the ETag → 304.
 */
export const openApiV3Response = (
  path: string,
  req: { hash?: string; ifNoneMatch?: string; now: Date },
): OpenApiResponse => {
  const doc = openApiV3Document(path);
  if (!doc) return { status: 404, headers: {} };
  if (req.hash && req.hash !== doc.hash) {
    return { status: 301, headers: { Location: `/openapi/v3/${doc.path}?hash=${doc.hash}` } };
  }
  const etag = JSON.stringify(doc.hash);
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ETag: etag };
  if (req.hash) {
    const expires = new Date(req.now.getTime());
    expires.setUTCFullYear(expires.getUTCFullYear() + 1);
    Object.assign(headers, { Vary: 'Accept', 'Cache-Control': 'public, immutable', Expires: expires.toUTCString() });
  }
  if (req.ifNoneMatch && req.ifNoneMatch.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
    return { status: 304, headers };
  }
  return { status: 200, headers, body: doc.body };
};
