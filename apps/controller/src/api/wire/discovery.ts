/**
 * Discovery and /version documents (kubectl-wire.md §0.1, §2).
 *
 * kubectl asks `/api` and `/apis` with an Accept preferring the aggregated
 * format (apidiscovery.k8s.io/v2 APIGroupDiscoveryList, one round trip); the
 * legacy documents (APIVersions, APIGroupList, per-GV APIResourceList) are
 * served for every other Accept. Both come from one resource table.
 */
import { parseAccept } from './tables';

export interface ServedSubresource {
  name: string;
  verbs: readonly string[];
  /** What the subresource answers, when not the resource's own kind. */
  kind?: { group: string; version: string; kind: string };
}

export interface ServedResource {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Plural, lower case: the URL segment. */
  resource: string;
  kind: string;
  singular: string;
  namespaced: boolean;
  verbs: readonly string[];
  shortNames?: readonly string[];
  categories?: readonly string[];
  subresources?: readonly ServedSubresource[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;
const STATUS: ServedSubresource = { name: 'status', verbs: ['get', 'patch', 'update'] };

/** What DaemonLedger serves. Verbs, short names and categories mirror upstream for these kinds. */
export const SERVED_RESOURCES: readonly ServedResource[] = [
  { group: '', version: 'v1', resource: 'pods', kind: 'Pod', singular: 'pod', namespaced: true, verbs: ALL_VERBS, shortNames: ['po'], categories: ['all'], subresources: [STATUS, { name: 'log', verbs: ['get'] }] },
  { group: '', version: 'v1', resource: 'nodes', kind: 'Node', singular: 'node', namespaced: false, verbs: ALL_VERBS, shortNames: ['no'], subresources: [STATUS] },
  { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', singular: 'namespace', namespaced: false, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ns'] },
  { group: '', version: 'v1', resource: 'serviceaccounts', kind: 'ServiceAccount', singular: 'serviceaccount', namespaced: true, verbs: ALL_VERBS, shortNames: ['sa'] },
  { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', singular: 'configmap', namespaced: true, verbs: ALL_VERBS, shortNames: ['cm'] },
  { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', singular: 'secret', namespaced: true, verbs: ALL_VERBS },
  // Upstream lists services in `all` (so `kubectl get all` shows them).
  { group: '', version: 'v1', resource: 'services', kind: 'Service', singular: 'service', namespaced: true, verbs: ALL_VERBS, shortNames: ['svc'], categories: ['all'] },
  { group: '', version: 'v1', resource: 'events', kind: 'Event', singular: 'event', namespaced: true, verbs: ALL_VERBS, shortNames: ['ev'] },
  // Derived from Services and pods, read-only here (README "Reaching daemon pods"): upstream also takes writes.
  { group: '', version: 'v1', resource: 'endpoints', kind: 'Endpoints', singular: 'endpoints', namespaced: true, verbs: ['get', 'list', 'watch'], shortNames: ['ep'] },
  { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', singular: 'daemonset', namespaced: true, verbs: ALL_VERBS, shortNames: ['ds'], categories: ['all'], subresources: [STATUS] },
  { group: 'apps', version: 'v1', resource: 'controllerrevisions', kind: 'ControllerRevision', singular: 'controllerrevision', namespaced: true, verbs: ALL_VERBS },
  // DaemonSets own no ReplicaSets: listed (always empty) so `get rs` and `get all` work; nothing else is served.
  { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', singular: 'replicaset', namespaced: true, verbs: ['list'], shortNames: ['rs'], categories: ['all'] },
  // What a token may do and who it is (`kubectl auth can-i`, `kubectl auth whoami`): create-only reviews of oneself.
  { group: 'authorization.k8s.io', version: 'v1', resource: 'selfsubjectaccessreviews', kind: 'SelfSubjectAccessReview', singular: 'selfsubjectaccessreview', namespaced: false, verbs: ['create'] },
  { group: 'authorization.k8s.io', version: 'v1', resource: 'selfsubjectrulesreviews', kind: 'SelfSubjectRulesReview', singular: 'selfsubjectrulesreview', namespaced: false, verbs: ['create'] },
  { group: 'authentication.k8s.io', version: 'v1', resource: 'selfsubjectreviews', kind: 'SelfSubjectReview', singular: 'selfsubjectreview', namespaced: false, verbs: ['create'] },
  // Kept and served as objects; DaemonLedger's own authorization is its tokens (README).
  { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', kind: 'Role', singular: 'role', namespaced: true, verbs: ALL_VERBS },
  { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', kind: 'ClusterRole', singular: 'clusterrole', namespaced: false, verbs: ALL_VERBS },
  { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'rolebindings', kind: 'RoleBinding', singular: 'rolebinding', namespaced: true, verbs: ALL_VERBS },
  { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterrolebindings', kind: 'ClusterRoleBinding', singular: 'clusterrolebinding', namespaced: false, verbs: ALL_VERBS },
  // Node heartbeats (kube-node-lease) and the controllers' leader lease (kube-system).
  { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', kind: 'Lease', singular: 'lease', namespaced: true, verbs: ALL_VERBS },
  // Pod priorities (pods resolve spec.priorityClassName at admission); two built-in classes.
  { group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses', kind: 'PriorityClass', singular: 'priorityclass', namespaced: false, verbs: ALL_VERBS, shortNames: ['pc'] },
  { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', kind: 'EndpointSlice', singular: 'endpointslice', namespaced: true, verbs: ['get', 'list', 'watch'] },
  // DaemonLedger's own, read-only: one Rollout per rollout of a DaemonSet, and its audit trail.
  {
    group: 'ledger.daemonledger.io', version: 'v1', resource: 'rollouts', kind: 'Rollout', singular: 'rollout', namespaced: true, verbs: ['get', 'list', 'watch'], shortNames: ['ro'],
    subresources: [{ name: 'audit', verbs: ['get'], kind: { group: 'ledger.daemonledger.io', version: 'v1', kind: 'RolloutAudit' } }],
  },
];

const groupVersion = (r: { group: string; version: string }) => (r.group ? `${r.group}/${r.version}` : r.version);
const byResource = (a: ServedResource, b: ServedResource) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0);

// ---- aggregated (apidiscovery.k8s.io) ----

export type AggregatedVersion = 'v2' | 'v2beta1';

export const aggregatedContentType = (v: AggregatedVersion = 'v2'): string =>
  `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;

/** The exact Content-Type client-go needs to parse the aggregated form (kubectl-wire §2.1). */
export const AGGREGATED_DISCOVERY_CONTENT_TYPE = aggregatedContentType('v2');

const gvkOf = (r: ServedResource) => ({ group: r.group, version: r.version, kind: r.kind });

const resourceDiscovery = (r: ServedResource) => {
  const d: Record<string, unknown> = {
    resource: r.resource,
    responseKind: gvkOf(r),
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: [...r.verbs],
  };
  if (r.shortNames?.length) d.shortNames = [...r.shortNames];
  if (r.categories?.length) d.categories = [...r.categories];
  if (r.subresources?.length) {
    d.subresources = r.subresources.map((s) => ({ subresource: s.name, responseKind: s.kind ?? gvkOf(r), verbs: [...s.verbs] }));
  }
  return d;
};

/**
 * `GET /api` (`scope: 'core'`) or `GET /apis` (`scope: 'apis'`) as an
 * APIGroupDiscoveryList. Groups and versions in preference order; resources sorted.
 */
export const aggregatedDiscovery = (scope: 'core' | 'apis', version: AggregatedVersion = 'v2', resources: readonly ServedResource[] = SERVED_RESOURCES) => {
  const mine = resources.filter((r) => (scope === 'core' ? r.group === '' : r.group !== ''));
  const groups = [...new Set(mine.map((r) => r.group))];
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((group) => {
      const inGroup = mine.filter((r) => r.group === group);
      const versions = [...new Set(inGroup.map((r) => r.version))];
      return {
        metadata: group ? { name: group, creationTimestamp: null } : { creationTimestamp: null },
        versions: versions.map((v) => ({
          version: v,
          resources: inGroup.filter((r) => r.version === v).sort(byResource).map(resourceDiscovery),
          freshness: 'Current',
        })),
      };
    }),
  };
};

// ---- legacy ----

/** `GET /api`: APIVersions (no apiVersion field on the real server). */
export const apiVersions = (serverAddress?: string) => ({
  kind: 'APIVersions',
  versions: ['v1'],
  serverAddressByClientCIDRs: serverAddress ? [{ clientCIDR: '0.0.0.0/0', serverAddress }] : [],
});

/** `GET /apis`: APIGroupList of the named groups. */
export const apiGroupList = (resources: readonly ServedResource[] = SERVED_RESOURCES) => {
  const named = resources.filter((r) => r.group !== '');
  const groups = [...new Set(named.map((r) => r.group))];
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((name) => {
      const versions = [...new Set(named.filter((r) => r.group === name).map((r) => r.version))].map((version) => ({
        groupVersion: `${name}/${version}`,
        version,
      }));
      return { name, versions, preferredVersion: versions[0] };
    }),
  };
};

/**
 * `GET /api/v1` or `GET /apis/<group>/<version>`: APIResourceList, or
 * undefined for a group/version we do not serve (answer 404).
 * Subresources are entries of their own (`daemonsets/status`).
 */
export const apiResourceList = (gv: string, resources: readonly ServedResource[] = SERVED_RESOURCES) => {
  const mine = resources.filter((r) => groupVersion(r) === gv).sort(byResource);
  if (!mine.length) return undefined;
  const entries: Record<string, unknown>[] = [];
  for (const r of mine) {
    const e: Record<string, unknown> = { name: r.resource, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: [...r.verbs] };
    if (r.shortNames?.length) e.shortNames = [...r.shortNames];
    if (r.categories?.length) e.categories = [...r.categories];
    entries.push(e);
    for (const s of r.subresources ?? []) {
      entries.push({ name: `${r.resource}/${s.name}`, singularName: '', namespaced: r.namespaced, kind: s.kind?.kind ?? r.kind, verbs: [...s.verbs] });
    }
  }
  // The core list carries no apiVersion on the real server; named groups say "v1".
  return gv.includes('/')
    ? { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources: entries }
    : { kind: 'APIResourceList', groupVersion: gv, resources: entries };
};

// ---- negotiation ----

export type DiscoveryFormat =
  | { format: 'aggregated'; version: AggregatedVersion; contentType: string }
  | { format: 'legacy'; contentType: 'application/json' }
  | { format: 'notAcceptable' };

/**
 * Which form to answer `/api` and `/apis` with. The client's order decides:
 * the first range that is aggregated JSON (g=apidiscovery.k8s.io, v=v2|v2beta1,
 * as=APIGroupDiscoveryList) or plain JSON (`application/json`, `application/*`,
 * `*\/*`) wins. Protobuf is never chosen. No Accept → legacy. Set `Vary: Accept`
 * on either answer.
 */
export const negotiateDiscovery = (accept: string | undefined): DiscoveryFormat => {
  const ranges = parseAccept(accept);
  if (!ranges.length) return { format: 'legacy', contentType: 'application/json' };
  for (const m of ranges) {
    const { g, v, as } = m.params;
    if (m.type === 'application/json' && g === 'apidiscovery.k8s.io' && as === 'APIGroupDiscoveryList' && (v === 'v2' || v === 'v2beta1')) {
      return { format: 'aggregated', version: v, contentType: aggregatedContentType(v) };
    }
    const plain = g === undefined && v === undefined && as === undefined;
    if (plain && (m.type === 'application/json' || m.type === 'application/*' || m.type === '*/*')) {
      return { format: 'legacy', contentType: 'application/json' };
    }
  }
  return { format: 'notAcceptable' };
};

// ---- /version ----

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

/** What the build knew of itself (scripts/build.mjs writes it into dist/build-info.json); any part may be unknown. */
export interface BuildInfo {
  /** RFC 3339, whole seconds, UTC. */
  buildDate?: string;
  /** `git rev-parse HEAD` of the checkout built. */
  gitCommit?: string;
  /** `clean`, or `dirty` when tracked files differed from that commit. */
  gitTreeState?: 'clean' | 'dirty';
}

/**
 * `GET /version`. The gcloud kubectl dispatcher picks `kubectl.1.<minor>` from
 * `minor`, so it must stay "32" (kubectl-wire §0.1); `gitVersion` is the
 * Kubernetes version whose API is served. The build fields are this
 * server's: its build date, git commit and tree state when the build knew
 * them, else what upstream's own binaries say when unset
 * (k8s.io/component-base/version/base.go: empty commit and tree state, the
 * epoch for the date).
 */
export const versionInfo = (build: BuildInfo = {}): VersionInfo => ({
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: build.gitCommit ?? '',
  gitTreeState: build.gitTreeState ?? '',
  buildDate: build.buildDate ?? '1970-01-01T00:00:00Z',
  goVersion: 'go1.23.8',
  compiler: 'gc',
  platform: 'linux/amd64',
});
