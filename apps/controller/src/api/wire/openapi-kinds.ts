/**
 * components.schemas for the stored kinds (core/v1 ServiceAccount, ConfigMap,
 * Secret, Service; rbac.authorization.k8s.io/v1 roles and bindings;
 * coordination.k8s.io/v1 Leases; scheduling.k8s.io/v1 PriorityClasses), in the
 * shape of the other documents' (openapi-schemas.ts): upstream names, each
 * kind with its `x-kubernetes-group-version-kind`, our own descriptions.
 * kubectl uses them for `kubectl explain` and, through the patch operations'
 * fieldValidation parameter, leaves validation to the server.
 */
import { APPS_V1_SCHEMAS, type Schema } from './openapi-schemas';

const P = '#/components/schemas/';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const CORE = 'io.k8s.api.core.v1.';
const RBAC = 'io.k8s.api.rbac.v1.';

const str = (description: string, extra: Schema = {}): Schema => ({ type: 'string', description, ...extra });
const int = (description: string): Schema => ({ type: 'integer', format: 'int32', description });
const bool = (description: string): Schema => ({ type: 'boolean', description });
const ref = (name: string, description: string, extra: Schema = {}): Schema => ({ allOf: [{ $ref: P + name }], description, ...extra });
const arrayOf = (name: string, description: string): Schema => ({ type: 'array', items: { allOf: [{ $ref: P + name }], default: {} }, description });
const strings = (description: string): Schema => ({ type: 'array', items: { type: 'string', default: '' }, description });
const stringMap = (description: string, format?: string): Schema => ({ type: 'object', additionalProperties: { type: 'string', default: '', ...(format ? { format } : {}) }, description });
const object = (description: string, properties: Record<string, Schema>, extra: Schema = {}): Schema => ({ type: 'object', description, properties, ...extra });
const gvk = (group: string, kind: string) => ({ 'x-kubernetes-group-version-kind': [{ group, kind, version: 'v1' }] });

const typeMeta = {
  apiVersion: str('Versioned schema of this representation, e.g. `v1`. The server converts recognised values to its own.'),
  kind: str('The REST resource type of this object, in CamelCase. Set by the server; cannot be updated.'),
};
const metadata = ref(META + 'ObjectMeta', 'Standard object metadata.', { default: {} });

/** A kind and its List. */
const kindWithList = (prefix: string, group: string, kind: string, description: string, properties: Record<string, Schema>, extra: Schema = {}): Record<string, Schema> => ({
  [prefix + kind]: object(description, { ...typeMeta, metadata, ...properties }, { ...extra, ...gvk(group, kind) }),
  [`${prefix}${kind}List`]: object(`A list of ${kind}s.`, { ...typeMeta, metadata: ref(META + 'ListMeta', 'Standard list metadata.', { default: {} }), items: arrayOf(prefix + kind, `The ${kind}s.`) }, { required: ['items'], ...gvk(group, `${kind}List`) }),
});

export const CORE_STORED_SCHEMAS: Record<string, Schema> = {
  [META + 'LabelSelector']: APPS_V1_SCHEMAS[META + 'LabelSelector'],
  [META + 'LabelSelectorRequirement']: APPS_V1_SCHEMAS[META + 'LabelSelectorRequirement'],
  ...kindWithList(CORE, '', 'ServiceAccount', 'An identity for processes that run in pods. Every namespace has one named `default`.', {
    secrets: { type: 'array', items: { type: 'object' }, description: 'Secrets pods using this account may use (references).' },
    imagePullSecrets: { type: 'array', items: { type: 'object', properties: { name: str('Name of a Secret in the same namespace.') } }, description: 'Secrets used to pull images for pods using this account.' },
    automountServiceAccountToken: bool('Whether pods using this account get an API token mounted by default.'),
  }),
  ...kindWithList(CORE, '', 'ConfigMap', 'Configuration data for pods: string values under `data`, bytes (base64) under `binaryData`. Every namespace has `kube-root-ca.crt` with the API server\'s CA certificate.', {
    data: stringMap('Configuration values; keys are letters, digits, `-`, `_` and `.`.'),
    binaryData: stringMap('Binary values, base64 encoded; keys may not repeat those of data.', 'byte'),
    immutable: bool('When true, data and binaryData can no longer change (the object can still be deleted).'),
  }),
  ...kindWithList(CORE, '', 'Secret', 'Sensitive data (passwords, tokens, keys). DaemonLedger encrypts `data` in its log under a key of the Secret\'s own and destroys the key when the Secret is deleted.', {
    data: stringMap('Values, base64 encoded.', 'byte'),
    stringData: stringMap('Write-only convenience: plain-text values merged into data (overriding it) when written; never returned.'),
    type: str('What the secret holds, e.g. Opaque, kubernetes.io/tls, helm.sh/release.v1. Defaults to Opaque; cannot change.'),
    immutable: bool('When true, data can no longer change.'),
  }),
  ...kindWithList(CORE, '', 'Service', 'A stable address (a ClusterIP from the service range) and ports in front of the pods its selector matches.', {
    spec: ref(CORE + 'ServiceSpec', 'How the service is exposed.', { default: {} }),
    status: { type: 'object', description: 'Load balancer status (ingress points).' },
  }),
  [CORE + 'ServiceSpec']: object('How a service is exposed.', {
    type: str('ClusterIP (default), NodePort, LoadBalancer or ExternalName.', { enum: ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'] }),
    selector: stringMap('Pods with these labels receive the service\'s traffic.'),
    ports: arrayOf(CORE + 'ServicePort', 'The ports the service exposes.'),
    clusterIP: str('The service\'s address, allocated from the service range unless given; `None` makes a headless service. Cannot change.'),
    clusterIPs: strings('The service\'s addresses (the first is clusterIP).'),
    externalIPs: strings('Further addresses the service is reachable at.'),
    externalName: str('For ExternalName services: the DNS name the service points to.'),
    sessionAffinity: str('None (default) or ClientIP.', { enum: ['ClientIP', 'None'] }),
    internalTrafficPolicy: str('Cluster (default) or Local.'),
    externalTrafficPolicy: str('For NodePort and LoadBalancer services: Cluster (default) or Local.'),
    ipFamilies: strings('IP families of the service\'s addresses.'),
    ipFamilyPolicy: str('SingleStack, PreferDualStack or RequireDualStack.'),
  }),
  [CORE + 'ServicePort']: object(
    'One port of a service.',
    {
      name: str('Name of the port; required when the service has more than one.'),
      protocol: str('TCP (default), UDP or SCTP.', { enum: ['SCTP', 'TCP', 'UDP'] }),
      port: int('The port the service exposes.'),
      targetPort: ref('io.k8s.apimachinery.pkg.util.intstr.IntOrString', 'The pods\' port (a number or a named container port); defaults to port.'),
      nodePort: int('For NodePort and LoadBalancer services: the port on every node, allocated from 30000-32767 unless given.'),
      appProtocol: str('The application protocol of the port.'),
    },
    { required: ['port'] },
  ),
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': APPS_V1_SCHEMAS['io.k8s.apimachinery.pkg.util.intstr.IntOrString'],
};

const RBAC_GROUP = 'rbac.authorization.k8s.io';

export const RBAC_V1_SCHEMAS: Record<string, Schema> = {
  ...Object.fromEntries([META + 'ObjectMeta', META + 'OwnerReference', META + 'Time', META + 'ListMeta', META + 'LabelSelector', META + 'LabelSelectorRequirement'].map((n) => [n, APPS_V1_SCHEMAS[n]])),
  ...kindWithList(RBAC, RBAC_GROUP, 'Role', 'A namespaced set of permissions. Stored and served as objects: DaemonLedger\'s own authorization is its admin and viewer tokens.', {
    rules: arrayOf(RBAC + 'PolicyRule', 'The permissions.'),
  }),
  ...kindWithList(RBAC, RBAC_GROUP, 'ClusterRole', 'A cluster-wide set of permissions. Stored and served as objects: DaemonLedger\'s own authorization is its admin and viewer tokens.', {
    rules: arrayOf(RBAC + 'PolicyRule', 'The permissions.'),
    aggregationRule: { type: 'object', description: 'Selects ClusterRoles whose rules this one aggregates.' },
  }),
  ...kindWithList(RBAC, RBAC_GROUP, 'RoleBinding', 'Grants a Role or ClusterRole to subjects within a namespace.', {
    subjects: arrayOf(RBAC + 'Subject', 'Who is granted the role.'),
    roleRef: ref(RBAC + 'RoleRef', 'The role granted; cannot change.', { default: {} }),
  }, { required: ['roleRef'] }),
  ...kindWithList(RBAC, RBAC_GROUP, 'ClusterRoleBinding', 'Grants a ClusterRole to subjects cluster-wide.', {
    subjects: arrayOf(RBAC + 'Subject', 'Who is granted the role.'),
    roleRef: ref(RBAC + 'RoleRef', 'The ClusterRole granted; cannot change.', { default: {} }),
  }, { required: ['roleRef'] }),
  [RBAC + 'PolicyRule']: object(
    'Verbs allowed on resources (or non-resource URLs).',
    {
      verbs: strings('Verbs allowed, e.g. get, list, watch; `*` for all.'),
      apiGroups: strings('API groups of the resources; "" is the core group.'),
      resources: strings('Resources the rule applies to.'),
      resourceNames: strings('Names the rule is limited to.'),
      nonResourceURLs: strings('Non-resource paths (ClusterRoles only).'),
    },
    { required: ['verbs'] },
  ),
  [RBAC + 'Subject']: object('A user, group or service account.', {
    kind: str('User, Group or ServiceAccount.'),
    apiGroup: str('rbac.authorization.k8s.io for users and groups, "" for service accounts.'),
    name: str('Name of the subject.'),
    namespace: str('Namespace of a service account.'),
  }, { required: ['kind', 'name'] }),
  [RBAC + 'RoleRef']: object('The role a binding grants.', {
    apiGroup: str('rbac.authorization.k8s.io.'),
    kind: str('Role or ClusterRole.'),
    name: str('Name of the role.'),
  }, { required: ['apiGroup', 'kind', 'name'] }),
};

const COORDINATION = 'io.k8s.api.coordination.v1.';
const microTime = (description: string): Schema => ref(META + 'MicroTime', description);

export const COORDINATION_V1_SCHEMAS: Record<string, Schema> = {
  ...Object.fromEntries([META + 'ObjectMeta', META + 'OwnerReference', META + 'Time', META + 'ListMeta'].map((n) => [n, APPS_V1_SCHEMAS[n]])),
  [META + 'MicroTime']: { type: 'string', format: 'date-time', description: 'A time with microsecond precision (RFC 3339, six fraction digits, UTC).' },
  ...kindWithList(COORDINATION, 'coordination.k8s.io', 'Lease', 'A lease: who holds it and until when. Every node has one in kube-node-lease, renewed by its heartbeats; the leading controller holds kube-system/daemonledger-controller.', {
    spec: ref(COORDINATION + 'LeaseSpec', 'The holder and the times of the lease.', { default: {} }),
  }),
  [COORDINATION + 'LeaseSpec']: object('The holder and the times of a lease.', {
    holderIdentity: str('Who holds the lease.'),
    leaseDurationSeconds: int('How long, after renewTime, others must wait before taking the lease over.'),
    acquireTime: microTime('When the current holder acquired the lease.'),
    renewTime: microTime('When the holder last renewed the lease.'),
    leaseTransitions: int('How many times the lease has changed holders.'),
    strategy: str('How a coordinated leader election picks the next holder (e.g. OldestEmulationVersion).'),
    preferredHolder: str('The holder a coordinated election would rather have; only with strategy.'),
  }),
};

const SCHEDULING = 'io.k8s.api.scheduling.v1.';

export const SCHEDULING_V1_SCHEMAS: Record<string, Schema> = {
  ...Object.fromEntries([META + 'ObjectMeta', META + 'OwnerReference', META + 'Time', META + 'ListMeta'].map((n) => [n, APPS_V1_SCHEMAS[n]])),
  ...kindWithList(SCHEDULING, 'scheduling.k8s.io', 'PriorityClass', 'A name for a pod priority: pods naming it in spec.priorityClassName get its value as spec.priority when created. system-node-critical and system-cluster-critical are built in.', {
    value: int('The priority of pods of this class. User classes go up to 1000000000; higher values are reserved for the built-ins. Cannot change.'),
    globalDefault: bool('Whether pods that name no class get this one. At most one class may be the default.'),
    description: str('What the class is for, in words.'),
    preemptionPolicy: str('PreemptLowerPriority (the default) lets pending pods of this class preempt lower-priority pods; Never does not. Cannot change.'),
  }, { required: ['value'] }),
};
