/**
 * Strategic-merge-patch metadata: the `patchStrategy` / `patchMergeKey`
 * struct tags of k8s.io/api (v0.32.4, unchanged in newer releases for these
 * fields) and apimachinery's ObjectMeta, as a tree of plain data.
 *
 * Only fields whose merge differs from the default need an entry, plus the
 * path down to them. Defaults (as upstream): a JSON object merges key by key;
 * a list without a strategy is replaced whole ("atomic"). So `tolerations`,
 * Node `spec.taints`, `readinessGates`, containers' `args`/`command`/`envFrom`/
 * `resizePolicy`, and `containerStatuses` are deliberately absent.
 */

/** The Go struct tag value, verbatim: `patchStrategy:"merge,retainKeys"`. */
export type PatchStrategy = 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys';

export interface FieldPatchMeta {
  readonly strategy?: PatchStrategy;
  /** Only for lists of objects with a merge strategy. */
  readonly mergeKey?: string;
  /** The struct schema of the value (an object field) or of each element (a list field). */
  readonly fields?: StructPatchSchema;
}

export interface StructPatchSchema {
  readonly [field: string]: FieldPatchMeta;
}

export type PatchKind =
  | 'DaemonSet'
  | 'Pod'
  | 'Node'
  | 'ControllerRevision'
  | 'Namespace'
  | 'ServiceAccount'
  | 'ConfigMap'
  | 'Secret'
  | 'Service'
  | 'Role'
  | 'ClusterRole'
  | 'RoleBinding'
  | 'ClusterRoleBinding'
  | 'Lease'
  | 'PriorityClass';

const mergeBy = (mergeKey: string, fields?: StructPatchSchema): FieldPatchMeta =>
  fields ? { strategy: 'merge', mergeKey, fields } : { strategy: 'merge', mergeKey };

/** ObjectMeta (apimachinery meta/v1). */
export const OBJECT_META: StructPatchSchema = {
  ownerReferences: mergeBy('uid'),
  finalizers: { strategy: 'merge' },
};

/** Container and EphemeralContainerCommon share these tags. */
const CONTAINER: StructPatchSchema = {
  ports: mergeBy('containerPort'),
  env: mergeBy('name'),
  volumeMounts: mergeBy('mountPath'),
  volumeDevices: mergeBy('devicePath'),
};

export const POD_SPEC: StructPatchSchema = {
  volumes: { strategy: 'merge,retainKeys', mergeKey: 'name' },
  initContainers: mergeBy('name', CONTAINER),
  containers: mergeBy('name', CONTAINER),
  ephemeralContainers: mergeBy('name', CONTAINER),
  imagePullSecrets: mergeBy('name'),
  hostAliases: mergeBy('ip'),
  topologySpreadConstraints: mergeBy('topologyKey'),
  schedulingGates: mergeBy('name'),
  resourceClaims: { strategy: 'merge,retainKeys', mergeKey: 'name' },
};

export const POD_TEMPLATE_SPEC: StructPatchSchema = {
  metadata: { fields: OBJECT_META },
  spec: { fields: POD_SPEC },
};

const POD_STATUS: StructPatchSchema = {
  conditions: mergeBy('type'),
  podIPs: mergeBy('ip'),
  hostIPs: mergeBy('ip'),
  resourceClaimStatuses: { strategy: 'merge,retainKeys', mergeKey: 'name' },
};

export const PATCH_SCHEMAS: Readonly<Record<PatchKind, StructPatchSchema>> = {
  DaemonSet: {
    metadata: { fields: OBJECT_META },
    // selector, updateStrategy (no retainKeys, unlike Deployment.strategy),
    // minReadySeconds, revisionHistoryLimit: plain recursive merge.
    spec: { fields: { template: { fields: POD_TEMPLATE_SPEC } } },
    status: { fields: { conditions: mergeBy('type') } },
  },
  Pod: {
    metadata: { fields: OBJECT_META },
    spec: { fields: POD_SPEC },
    status: { fields: POD_STATUS },
  },
  Node: {
    metadata: { fields: OBJECT_META },
    // taints carry no patch tags: an SMP list replaces them whole (kubectl taint sends the full list).
    spec: { fields: { podCIDRs: { strategy: 'merge' } } },
    status: { fields: { conditions: mergeBy('type'), addresses: mergeBy('type') } },
  },
  // `data` is a RawExtension: no tags, so an ordinary recursive merge.
  ControllerRevision: { metadata: { fields: OBJECT_META } },
  Namespace: {
    metadata: { fields: OBJECT_META },
    status: { fields: { conditions: mergeBy('type') } },
  },
  ServiceAccount: { metadata: { fields: OBJECT_META }, secrets: mergeBy('name'), imagePullSecrets: mergeBy('name') },
  ConfigMap: { metadata: { fields: OBJECT_META } },
  Secret: { metadata: { fields: OBJECT_META } },
  Service: {
    metadata: { fields: OBJECT_META },
    // ServiceSpec.ports: patchMergeKey port, strategy merge; externalIPs and the rest replace whole.
    spec: { fields: { ports: mergeBy('port') } },
    status: { fields: { conditions: mergeBy('type') } },
  },
  // PolicyRule lists and subjects carry no patch tags: replaced whole.
  Role: { metadata: { fields: OBJECT_META } },
  ClusterRole: { metadata: { fields: OBJECT_META } },
  RoleBinding: { metadata: { fields: OBJECT_META } },
  ClusterRoleBinding: { metadata: { fields: OBJECT_META } },
  // LeaseSpec has only scalar fields: nothing to merge by key.
  Lease: { metadata: { fields: OBJECT_META } },
  // A PriorityClass has only scalar fields besides metadata.
  PriorityClass: { metadata: { fields: OBJECT_META } },
};

export const isPatchKind = (kind: string): kind is PatchKind => Object.prototype.hasOwnProperty.call(PATCH_SCHEMAS, kind);

/** The metadata of one field, or undefined (default semantics) for fields the schema does not describe. */
export const fieldMeta = (schema: StructPatchSchema | undefined, field: string): FieldPatchMeta | undefined =>
  schema && Object.prototype.hasOwnProperty.call(schema, field) ? schema[field] : undefined;

export const hasStrategy = (meta: FieldPatchMeta | undefined, s: 'merge' | 'replace' | 'retainKeys'): boolean =>
  meta?.strategy !== undefined && meta.strategy.split(',').includes(s);
