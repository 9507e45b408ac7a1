/**
 * components.schemas for the apps/v1 and core/v1 OpenAPI v3 documents: enough of the
 * DaemonSet (and ControllerRevision) type graph for `kubectl explain` to walk
 * `ds.spec.updateStrategy.rollingUpdate` and friends. Names and shapes follow
 * upstream (`io.k8s.api.apps.v1.DaemonSet`, references wrapped in a one-element
 * `allOf` next to the field's description); descriptions are our own words.
 *
 * Deliberately absent: x-kubernetes-patch-* extensions. No patch operation
 * advertises a strategic-merge requestBody, so kubectl computes SMPs from its
 * compiled-in types instead of these schemas (kubectl-wire §3.1).
 */

export type Schema = Record<string, unknown>;

const P = '#/components/schemas/';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const APPS = 'io.k8s.api.apps.v1.';
const CORE = 'io.k8s.api.core.v1.';

const str = (description: string, extra: Schema = {}): Schema => ({ type: 'string', description, ...extra });
const int = (description: string, format: 'int32' | 'int64' = 'int32'): Schema => ({ type: 'integer', format, description });
const bool = (description: string): Schema => ({ type: 'boolean', description });
const ref = (name: string, description: string, extra: Schema = {}): Schema => ({ allOf: [{ $ref: P + name }], description, ...extra });
const arrayOf = (name: string, description: string): Schema => ({ type: 'array', items: { allOf: [{ $ref: P + name }], default: {} }, description });
const strings = (description: string): Schema => ({ type: 'array', items: { type: 'string', default: '' }, description });
const stringMap = (description: string): Schema => ({ type: 'object', additionalProperties: { type: 'string', default: '' }, description });
const object = (description: string, properties: Record<string, Schema>, extra: Schema = {}): Schema => ({ type: 'object', description, properties, ...extra });
const gvk = (group: string, kind: string) => ({ 'x-kubernetes-group-version-kind': [{ group, kind, version: 'v1' }] });

const typeMeta = {
  apiVersion: str('Versioned schema of this representation, e.g. `apps/v1`. The server converts recognised values to its own.'),
  kind: str('The REST resource type of this object, in CamelCase, e.g. `DaemonSet`. Set by the server; cannot be updated.'),
};

export const APPS_V1_SCHEMAS: Record<string, Schema> = {
  [APPS + 'DaemonSet']: object(
    'A DaemonSet runs one copy of a pod on every node that matches its template\'s scheduling constraints, adding pods as nodes join and removing them as nodes leave.',
    {
      ...typeMeta,
      metadata: ref(META + 'ObjectMeta', 'Standard object metadata: name, namespace, labels, annotations and server-set fields.', { default: {} }),
      spec: ref(APPS + 'DaemonSetSpec', 'The desired behaviour of this DaemonSet.', { default: {} }),
      status: ref(APPS + 'DaemonSetStatus', 'The most recently observed state of this DaemonSet. Written by the controller; read-only for clients.', { default: {} }),
    },
    gvk('apps', 'DaemonSet'),
  ),
  [APPS + 'DaemonSetList']: object(
    'A list of DaemonSets.',
    {
      ...typeMeta,
      metadata: ref(META + 'ListMeta', 'Standard list metadata (resourceVersion, continue token).', { default: {} }),
      items: arrayOf(APPS + 'DaemonSet', 'The DaemonSets.'),
    },
    { required: ['items'], ...gvk('apps', 'DaemonSetList') },
  ),
  [APPS + 'DaemonSetSpec']: object(
    'What a DaemonSet should run and how changes to it roll out.',
    {
      selector: ref(META + 'LabelSelector', 'Selects the pods this DaemonSet owns. It must match the pod template\'s labels and cannot change after creation.'),
      template: ref(CORE + 'PodTemplateSpec', 'The pod created on each eligible node. Its nodeSelector, affinity and tolerations decide which nodes are eligible; only `Always` is allowed as restartPolicy.', { default: {} }),
      updateStrategy: ref(APPS + 'DaemonSetUpdateStrategy', 'How pods are replaced when the template changes.', { default: {} }),
      minReadySeconds: int('Seconds a new pod must stay ready, with no container crashing, before it counts as available. Defaults to 0 (available as soon as ready).'),
      revisionHistoryLimit: int('How many old ControllerRevisions to keep for rollback. Defaults to 10.'),
    },
    { required: ['selector', 'template'] },
  ),
  [APPS + 'DaemonSetUpdateStrategy']: object('Controls how a DaemonSet replaces its pods after a template change.', {
    type: str('Which strategy to use: "RollingUpdate" replaces pods automatically, a bounded number at a time; "OnDelete" creates a new pod only after the old one is deleted by someone else. Defaults to RollingUpdate.\n\nPossible enum values:\n - `"OnDelete"` new pods replace old ones only when the old ones are deleted.\n - `"RollingUpdate"` old pods are killed and replaced automatically.', { enum: ['OnDelete', 'RollingUpdate'] }),
    rollingUpdate: ref(APPS + 'RollingUpdateDaemonSet', 'Tuning for the RollingUpdate strategy; only read when type is RollingUpdate.'),
  }),
  [APPS + 'RollingUpdateDaemonSet']: object('Limits that pace a DaemonSet rolling update.', {
    maxUnavailable: ref(
      'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
      'How many nodes (a number, or a percentage of the desired number rounded up) may be without an available daemon pod during the update. Must be 0 only when maxSurge is not 0. Defaults to 1.',
    ),
    maxSurge: ref(
      'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
      'How many nodes (a number, or a percentage of the desired number rounded up) may briefly run both the old and the new pod, the new one starting before the old one is removed. Must be 0 only when maxUnavailable is not 0. Defaults to 0.',
    ),
  }),
  [APPS + 'DaemonSetStatus']: object(
    'Counters and conditions the DaemonSet controller reports.',
    {
      currentNumberScheduled: int('Nodes running at least one daemon pod that are supposed to run it.'),
      numberMisscheduled: int('Nodes running a daemon pod that are not supposed to run it.'),
      desiredNumberScheduled: int('Nodes that should run the daemon pod, including those already running it.'),
      numberReady: int('Nodes that should run the daemon pod and have one or more of them ready.'),
      observedGeneration: int('The most recent metadata.generation the controller has acted on.', 'int64'),
      updatedNumberScheduled: int('Nodes running a daemon pod of the current template revision.'),
      numberAvailable: int('Nodes that should run the daemon pod and have one available (ready for at least minReadySeconds).'),
      numberUnavailable: int('Nodes that should run the daemon pod and have none available.'),
      collisionCount: int('Incremented when a new ControllerRevision name collides with an existing one; used to derive a fresh name.'),
      conditions: { ...arrayOf(APPS + 'DaemonSetCondition', 'Latest observations of the DaemonSet\'s state.'), 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] },
    },
    { required: ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady'] },
  ),
  [APPS + 'DaemonSetCondition']: object(
    'One observation about a DaemonSet.',
    {
      type: str('Kind of condition.'),
      status: str('True, False or Unknown.'),
      lastTransitionTime: ref(META + 'Time', 'When the condition last changed status.'),
      reason: str('One-word, CamelCase cause of the last transition.'),
      message: str('Human-readable details of the last transition.'),
    },
    { required: ['type', 'status'] },
  ),
  [APPS + 'ControllerRevision']: object(
    'An immutable snapshot of a controller\'s state (for DaemonSets: the pod template), kept so the controller can roll back to it.',
    {
      ...typeMeta,
      metadata: ref(META + 'ObjectMeta', 'Standard object metadata.', { default: {} }),
      data: { type: 'object', description: 'The stored state, e.g. a strategic-merge patch that restores a DaemonSet\'s template.' },
      revision: int('Revision number of this state; larger is newer.', 'int64'),
    },
    { required: ['revision'], ...gvk('apps', 'ControllerRevision') },
  ),
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': {
    description: 'Either an integer or a string (typically a percentage such as "25%").',
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
  },
  [META + 'Time']: { type: 'string', format: 'date-time', description: 'A timestamp in RFC 3339 form with second precision, e.g. "2026-01-02T15:04:05Z".' },
  [META + 'LabelSelector']: object(
    'A label query. matchLabels and matchExpressions are ANDed; an empty selector matches everything, an absent one nothing.',
    {
      matchLabels: stringMap('Exact key=value pairs; each one is a requirement with operator In and a single value.'),
      matchExpressions: arrayOf(META + 'LabelSelectorRequirement', 'Set-based requirements.'),
    },
    { 'x-kubernetes-map-type': 'atomic' },
  ),
  [META + 'LabelSelectorRequirement']: object(
    'A key, an operator and values.',
    {
      key: str('The label key.'),
      operator: str('In, NotIn, Exists or DoesNotExist.'),
      values: strings('Values for In and NotIn (non-empty); must be empty for Exists and DoesNotExist.'),
    },
    { required: ['key', 'operator'] },
  ),
  [META + 'ListMeta']: object('Metadata of a list response.', {
    resourceVersion: str('Version of the collection this list reflects; start a watch from it.'),
    continue: str('Token for fetching the next page, when the list was limited.'),
    remainingItemCount: int('Items left after this page, when known.', 'int64'),
  }),
  [META + 'OwnerReference']: object(
    'Points at the object that owns this one; the garbage collector deletes owned objects after their owner.',
    {
      apiVersion: str('API version of the owner.'),
      kind: str('Kind of the owner.'),
      name: str('Name of the owner.'),
      uid: str('UID of the owner.'),
      controller: bool('True for the managing controller; at most one reference may set it.'),
      blockOwnerDeletion: bool('With foreground deletion, the owner is not removed until this object is.'),
    },
    { required: ['apiVersion', 'kind', 'name', 'uid'], 'x-kubernetes-map-type': 'atomic' },
  ),
  [META + 'ObjectMeta']: object('Metadata every persisted object has.', {
    name: str('Unique name within the namespace. Required on create unless generateName is set; cannot be changed.'),
    generateName: str('Prefix from which the server generates a unique name when name is empty.'),
    namespace: str('Namespace of the object; empty for cluster-scoped kinds.'),
    uid: str('Server-generated unique id of this incarnation of the object.'),
    resourceVersion: str('Opaque version of the object, changed on every write; used for optimistic concurrency and watches.'),
    generation: int('Incremented by the server on every change to the desired state (spec).', 'int64'),
    creationTimestamp: ref(META + 'Time', 'When the object was created. Set by the server.'),
    deletionTimestamp: ref(META + 'Time', 'When deletion was requested. Set by the server; the object disappears once its finalizers are gone.'),
    deletionGracePeriodSeconds: int('Seconds allowed for graceful termination once deletion was requested.', 'int64'),
    labels: stringMap('Key/value pairs used to select and organise objects.'),
    annotations: stringMap('Key/value pairs for tools and humans; not used for selection.'),
    ownerReferences: { ...arrayOf(META + 'OwnerReference', 'Objects this object depends on.'), 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['uid'] },
    finalizers: { ...strings('Tasks that must finish before the object is removed.'), 'x-kubernetes-list-type': 'set' },
  }),
  [CORE + 'PodTemplateSpec']: object('The template for pods a controller creates.', {
    metadata: ref(META + 'ObjectMeta', 'Metadata the created pods get (labels must match the selector).', { default: {} }),
    spec: ref(CORE + 'PodSpec', 'Specification of the created pods.', { default: {} }),
  }),
  [CORE + 'PodSpec']: object(
    'Specification of a pod (abridged here: only the most used fields are described).',
    {
      containers: arrayOf(CORE + 'Container', 'Containers of the pod; at least one.'),
      initContainers: arrayOf(CORE + 'Container', 'Containers run to completion, in order, before the app containers start (restartPolicy Always makes one a sidecar).'),
      nodeSelector: stringMap('Labels a node must carry for the pod to run on it.'),
      tolerations: arrayOf(CORE + 'Toleration', 'Taints the pod tolerates.'),
      affinity: { type: 'object', description: 'Node and pod affinity rules.' },
      volumes: { type: 'array', items: { type: 'object' }, description: 'Volumes the containers can mount.' },
      restartPolicy: str('Always, OnFailure or Never. DaemonSet pods must use Always.'),
      terminationGracePeriodSeconds: int('Seconds given to the pod to stop gracefully. Defaults to 30.', 'int64'),
      dnsPolicy: str('How the pod\'s DNS is configured. Defaults to ClusterFirst.'),
      serviceAccountName: str('Service account the pod runs as.'),
      nodeName: str('Node the pod is bound to.'),
      hostNetwork: bool('Use the node\'s network namespace.'),
      priorityClassName: str('Priority class of the pod.'),
      schedulerName: str('Scheduler responsible for the pod. Defaults to default-scheduler.'),
    },
    { required: ['containers'] },
  ),
  [CORE + 'Container']: object(
    'A container in a pod (abridged).',
    {
      name: str('Name of the container, unique within the pod.'),
      image: str('Container image reference.'),
      command: strings('Entrypoint; replaces the image\'s ENTRYPOINT.'),
      args: strings('Arguments; replace the image\'s CMD.'),
      env: { type: 'array', items: { type: 'object' }, description: 'Environment variables.' },
      ports: { type: 'array', items: { type: 'object' }, description: 'Ports the container exposes.' },
      imagePullPolicy: str('Always, IfNotPresent or Never.', { enum: ['Always', 'IfNotPresent', 'Never'] }),
      resources: { type: 'object', description: 'Compute resource requests and limits.' },
      volumeMounts: { type: 'array', items: { type: 'object' }, description: 'Volumes mounted into the container.' },
      restartPolicy: str('Only for init containers: Always makes it a sidecar that keeps running.'),
    },
    { required: ['name'] },
  ),
  [CORE + 'Toleration']: object('Lets a pod be scheduled onto (or stay on) nodes with a matching taint.', {
    key: str('Taint key; empty with operator Exists matches every key.'),
    operator: str('Exists or Equal (default).'),
    value: str('Taint value for operator Equal.'),
    effect: str('NoSchedule, PreferNoSchedule or NoExecute; empty matches all.'),
    tolerationSeconds: int('For NoExecute: how long the pod stays after the taint appears.', 'int64'),
  }),
};

/** A top-level core/v1 kind: type meta, metadata, and its `<Kind>Spec` / `<Kind>Status` by reference. */
const coreKind = (kind: string, description: string, parts: { metadata: string; spec: string; status: string }): Schema =>
  object(
    description,
    {
      ...typeMeta,
      metadata: ref(META + 'ObjectMeta', parts.metadata, { default: {} }),
      spec: ref(`${CORE}${kind}Spec`, parts.spec, { default: {} }),
      status: ref(`${CORE}${kind}Status`, parts.status, { default: {} }),
    },
    gvk('', kind),
  );

/** The apimachinery and pod types both documents refer to. */
const SHARED = (names: string[]): Record<string, Schema> => Object.fromEntries(names.map((n) => [n, APPS_V1_SCHEMAS[n]]));

/**
 * components.schemas for the core/v1 document: Pod, Node and Namespace (and
 * what they refer to), for `kubectl explain pod.spec.containers.image`,
 * `kubectl explain node.spec.taints` and the like. Abridged like the rest.
 */
export const CORE_V1_SCHEMAS: Record<string, Schema> = {
  ...SHARED([META + 'ObjectMeta', META + 'OwnerReference', META + 'Time', META + 'ListMeta', CORE + 'PodSpec', CORE + 'Container', CORE + 'Toleration']),
  [CORE + 'Pod']: coreKind('Pod', 'A pod: one or more containers that run together on one node. DaemonSet pods are created by their DaemonSet, one per eligible node.', {
    metadata: 'Standard object metadata.',
    spec: 'The desired behaviour of the pod.',
    status: 'The most recently observed state of the pod, reported by its kubelet. Read-only for clients.',
  }),
  [CORE + 'PodStatus']: object('What the kubelet last reported about a pod (abridged).', {
    phase: str('Pending, Running, Succeeded, Failed or Unknown.', { enum: ['Failed', 'Pending', 'Running', 'Succeeded', 'Unknown'] }),
    conditions: { type: 'array', items: { type: 'object' }, description: 'PodScheduled, Initialized, ContainersReady, Ready and their reasons.' },
    podIP: str('IP address of the pod, from the node\'s pod CIDR.'),
    hostIP: str('IP address of the node the pod runs on.'),
    startTime: ref(META + 'Time', 'When the kubelet acknowledged the pod.'),
    containerStatuses: { type: 'array', items: { type: 'object' }, description: 'One entry per container: state (waiting, running, terminated), ready, restartCount, image.' },
  }),
  [CORE + 'Node']: coreKind('Node', 'A node: a machine that runs pods. DaemonSets run one pod on every node their template is eligible for.', {
    metadata: 'Standard object metadata; labels feed nodeSelector and node affinity.',
    spec: 'How the node may be used.',
    status: 'The most recently observed state of the node.',
  }),
  [CORE + 'NodeSpec']: object('How a node may be used.', {
    podCIDR: str('IP range the node\'s pods get addresses from.'),
    podCIDRs: strings('IP ranges (one per family) the node\'s pods get addresses from.'),
    taints: arrayOf(CORE + 'Taint', 'Taints repel pods that do not tolerate them; DaemonSet pods tolerate the node-condition taints by default.'),
    unschedulable: bool('Set by `kubectl cordon`: no new pods, though DaemonSet pods tolerate it.'),
    providerID: str('ID of the node at its cloud provider.'),
  }),
  [CORE + 'Taint']: object(
    'A taint on a node.',
    {
      key: str('Taint key.'),
      value: str('Taint value.'),
      effect: str('NoSchedule, PreferNoSchedule or NoExecute (evicts pods that do not tolerate it).', { enum: ['NoExecute', 'NoSchedule', 'PreferNoSchedule'] }),
      timeAdded: ref(META + 'Time', 'When a NoExecute taint was added.'),
    },
    { required: ['key', 'effect'] },
  ),
  [CORE + 'NodeStatus']: object('What the node\'s kubelet last reported (abridged).', {
    conditions: { type: 'array', items: { type: 'object' }, description: 'Ready, MemoryPressure, DiskPressure, PIDPressure; Ready=False or Unknown brings the not-ready or unreachable taints.' },
    addresses: { type: 'array', items: { type: 'object' }, description: 'InternalIP, Hostname and other addresses.' },
    capacity: stringMap('Total resources of the node.'),
    allocatable: stringMap('Resources available to pods.'),
    nodeInfo: { type: 'object', description: 'Kubelet, runtime and OS versions.' },
  }),
  [CORE + 'Namespace']: object(
    'A namespace: a scope for names. default, kube-system, kube-public and kube-node-lease exist from the start; deleting another one deletes everything in it first (phase Terminating).',
    {
      ...typeMeta,
      metadata: ref(META + 'ObjectMeta', 'Standard object metadata.', { default: {} }),
      spec: { type: 'object', description: 'Finalizers of the namespace.' },
      status: { type: 'object', description: 'Phase of the namespace: Active or Terminating.' },
    },
    gvk('', 'Namespace'),
  ),
};
