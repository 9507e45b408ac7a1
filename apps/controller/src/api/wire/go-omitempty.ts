/**
 * Go `encoding/json`'s `omitempty`, per kind, from the struct tags of
 * upstream's API types (staging/src/k8s.io/api/{apps,core}/v1/types.go,
 * apimachinery's ObjectMeta). Stored objects here are plain JSON, so a
 * counter that is 0 (DaemonSetStatus.numberUnavailable) or a flag that is
 * false (NodeSpec.unschedulable) would be printed where the API server,
 * marshalling its Go struct, leaves the key out. The rules say which keys
 * Go drops when they hold their zero value:
 *
 * - `true`: the field is `omitempty` and a value type (string, number,
 *   bool, slice, map): dropped when "", 0, false, null, [] or {}.
 * - `'ptr'`: `omitempty` on a pointer: dropped only when null (a pointer
 *   to 0 is printed: `revisionHistoryLimit: 0`, `maxSurge: 0`).
 * - a nested rule: a struct, which `omitempty` never drops; its own fields
 *   follow the nested rules. On a slice of structs each element does, and
 *   the slice is dropped when empty (every such slice served is `omitempty`).
 * - absent: no `omitempty` (always printed): nothing is dropped.
 *
 * Pure; no Nest.
 */
type Rule = true | 'ptr' | Rules;
export interface Rules {
  readonly [field: string]: Rule;
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const isZero = (v: unknown): boolean =>
  v === undefined || v === null || v === '' || v === 0 || v === false || (Array.isArray(v) && v.length === 0) || (isRecord(v) && Object.keys(v).length === 0);

/** ObjectMeta: every field is `omitempty`; creationTimestamp is a struct (metav1.Time), printed as null when zero. */
const OBJECT_META: Rules = {
  name: true, generateName: true, namespace: true, selfLink: true, uid: true, resourceVersion: true, generation: true,
  deletionTimestamp: 'ptr', deletionGracePeriodSeconds: 'ptr', labels: true, annotations: true, ownerReferences: true, finalizers: true, managedFields: true,
};

/** ObjectReference (Event.involvedObject, related): every field `omitempty`. */
const OBJECT_REFERENCE: Rules = { kind: true, namespace: true, name: true, uid: true, apiVersion: true, resourceVersion: true, fieldPath: true };

const CONDITION: Rules = { reason: true, message: true, observedGeneration: true };

const DAEMON_SET: Rules = {
  metadata: OBJECT_META,
  spec: { minReadySeconds: true, revisionHistoryLimit: 'ptr', updateStrategy: { type: true, rollingUpdate: { maxUnavailable: 'ptr', maxSurge: 'ptr' } } },
  // currentNumberScheduled, numberMisscheduled, desiredNumberScheduled and numberReady have no omitempty: always printed.
  status: { observedGeneration: true, updatedNumberScheduled: true, numberAvailable: true, numberUnavailable: true, collisionCount: 'ptr', conditions: true },
};

const CONTAINER_STATUS: Rules = { containerID: true, started: 'ptr', allocatedResources: true, resources: 'ptr', volumeMounts: true, user: 'ptr', allocatedResourcesStatus: true, stopSignal: 'ptr' };

const POD: Rules = {
  metadata: OBJECT_META,
  status: {
    phase: true, conditions: CONDITION, message: true, reason: true, nominatedNodeName: true, hostIP: true, hostIPs: true, podIP: true, podIPs: true,
    startTime: 'ptr', initContainerStatuses: CONTAINER_STATUS, containerStatuses: CONTAINER_STATUS, qosClass: true, ephemeralContainerStatuses: CONTAINER_STATUS,
    resize: true, resourceClaimStatuses: true, observedGeneration: true,
  },
};

const NODE: Rules = {
  metadata: OBJECT_META,
  spec: { podCIDR: true, podCIDRs: true, providerID: true, unschedulable: true, taints: true, configSource: 'ptr', externalID: true },
  status: {
    capacity: true, allocatable: true, phase: true, conditions: CONDITION, addresses: true, images: true, volumesInUse: true, volumesAttached: true,
    config: 'ptr', runtimeHandlers: true, features: 'ptr',
  },
};

const EVENT: Rules = {
  metadata: OBJECT_META,
  involvedObject: OBJECT_REFERENCE,
  reason: true, message: true, source: { component: true, host: true }, count: true, type: true, series: 'ptr', action: true, related: 'ptr',
  // reportingComponent and reportingInstance have no omitempty ("" is printed); eventTime neither (null).
};

const CONTROLLER_REVISION: Rules = { metadata: OBJECT_META };

/** ServiceSpec/ServicePort: `port` has no omitempty, `targetPort` is an IntOrString struct (printed even as 0). */
const SERVICE: Rules = {
  metadata: OBJECT_META,
  spec: {
    ports: { name: true, protocol: true, appProtocol: 'ptr', nodePort: true },
    selector: true, clusterIP: true, clusterIPs: true, type: true, externalIPs: true, sessionAffinity: true, loadBalancerIP: true,
    loadBalancerSourceRanges: true, externalName: true, externalTrafficPolicy: true, healthCheckNodePort: true, publishNotReadyAddresses: true,
    sessionAffinityConfig: 'ptr', ipFamilies: true, ipFamilyPolicy: 'ptr', allocateLoadBalancerNodePorts: 'ptr', loadBalancerClass: 'ptr',
    internalTrafficPolicy: 'ptr', trafficDistribution: 'ptr',
  },
  status: { conditions: CONDITION },
};

const CONFIG_MAP: Rules = { metadata: OBJECT_META, immutable: 'ptr', data: true, binaryData: true };
const SECRET: Rules = { metadata: OBJECT_META, immutable: 'ptr', data: true, stringData: true, type: true };
const SERVICE_ACCOUNT: Rules = { metadata: OBJECT_META, secrets: true, imagePullSecrets: true, automountServiceAccountToken: 'ptr' };
const NAMESPACE: Rules = { metadata: OBJECT_META, spec: { finalizers: true }, status: { phase: true, conditions: CONDITION } };
/** `value` has no omitempty (0 is printed). */
const PRIORITY_CLASS: Rules = { metadata: OBJECT_META, globalDefault: true, description: true, preemptionPolicy: 'ptr' };
/** Every LeaseSpec field is a pointer: only a null is dropped. */
const LEASE: Rules = {
  metadata: OBJECT_META,
  spec: { holderIdentity: 'ptr', leaseDurationSeconds: 'ptr', acquireTime: 'ptr', renewTime: 'ptr', leaseTransitions: 'ptr', strategy: 'ptr', preferredHolder: 'ptr' },
};

export const GO_OMITEMPTY: Readonly<Record<string, Rules>> = {
  DaemonSet: DAEMON_SET,
  Pod: POD,
  Node: NODE,
  Event: EVENT,
  ControllerRevision: CONTROLLER_REVISION,
  Service: SERVICE,
  ConfigMap: CONFIG_MAP,
  Secret: SECRET,
  ServiceAccount: SERVICE_ACCOUNT,
  Namespace: NAMESPACE,
  PriorityClass: PRIORITY_CLASS,
  Lease: LEASE,
};

/** `value` with the keys Go would leave out removed (a new object where anything is dropped; `value` itself when nothing is). */
export const omitEmpty = <T>(value: T, rules: Rules): T => {
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const o = omitEmpty(v, rules);
      if (o !== v) changed = true;
      return o;
    });
    return (changed ? out : value) as T;
  }
  if (!isRecord(value)) return value;
  let out: Json | undefined;
  for (const [key, rule] of Object.entries(rules)) {
    if (!(key in value)) continue;
    const v = value[key];
    if (rule === true ? isZero(v) : rule === 'ptr' ? v === null || v === undefined : false) {
      out ??= { ...value };
      delete out[key];
    } else if (typeof rule === 'object' && Array.isArray(v) && v.length === 0) {
      // A slice of structs: the slice itself is `omitempty` (conditions, containerStatuses, ...).
      out ??= { ...value };
      delete out[key];
    } else if (typeof rule === 'object') {
      const o = omitEmpty(v, rule);
      if (o !== v) (out ??= { ...value })[key] = o;
    }
  }
  return (out ?? value) as T;
};

/** A whole object of a served kind as Go prints it; objects of other kinds unchanged. */
export const goShaped = <T>(obj: T): T => {
  const rules = isRecord(obj) && typeof obj.kind === 'string' ? GO_OMITEMPTY[obj.kind] : undefined;
  return rules ? omitEmpty(obj, rules) : obj;
};

/**
 * A DaemonSet spec's template as Go marshals a PodTemplateSpec: metadata's
 * zero creationTimestamp is `null`, and every container has `resources`
 * (ResourceRequirements is a struct: `omitempty` never drops it, so a stored
 * template always prints `resources: {}`; revision data carries it too).
 */
export const goTemplate = (spec: Record<string, unknown>): Record<string, unknown> => {
  const template = spec.template as Record<string, unknown>;
  const metadata = isRecord(template.metadata) ? template.metadata : {};
  const podSpec = isRecord(template.spec) ? template.spec : undefined;
  const withResources = (list: unknown) =>
    Array.isArray(list) && list.some((c) => isRecord(c) && c.resources === undefined) ? list.map((c) => (isRecord(c) && c.resources === undefined ? { ...c, resources: {} } : c)) : list;
  const containers = withResources(podSpec?.containers);
  const initContainers = withResources(podSpec?.initContainers);
  if (metadata.creationTimestamp !== undefined && containers === podSpec?.containers && initContainers === podSpec?.initContainers) return spec;
  return {
    ...spec,
    template: {
      ...template,
      metadata: metadata.creationTimestamp === undefined ? { creationTimestamp: null, ...metadata } : metadata,
      ...(podSpec ? { spec: { ...podSpec, containers, ...(initContainers ? { initContainers } : {}) } } : {}),
    },
  };
};

/**
 * An object as the API server's Go struct carries it, for encoders that
 * write structs rather than JSON text (protobuf): omitempty applied, and a
 * DaemonSet's template with what Go always has (`goTemplate`). List items too.
 */
export const goObject = <T>(obj: T): T => {
  if (!isRecord(obj)) return obj;
  if (Array.isArray(obj.items)) return { ...obj, items: obj.items.map(goObject) } as T;
  const shaped = goShaped(obj) as Json;
  return (shaped.kind === 'DaemonSet' && isRecord(shaped.spec) && isRecord(shaped.spec.template) ? { ...shaped, spec: goTemplate(shaped.spec) } : shaped) as T;
};
