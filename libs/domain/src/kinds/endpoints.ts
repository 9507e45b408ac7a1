/**
 * Endpoints (core/v1) and EndpointSlices (discovery.k8s.io/v1) of Services
 * with selectors: what upstream's endpoints controller
 * (pkg/controller/endpoint) and endpointslice controller
 * (staging/src/k8s.io/endpointslice, reconciler.go and utils.go) would write,
 * as pure functions of a Service and the pods of its namespace. The API serves
 * them derived from the view (README "Reaching daemon pods"): nothing here is
 * stored, so they are always what the log's pods say.
 */
import type { Pod } from '../api/types';
import { fnv1a32String, SAFE_ALPHABET } from '../controller/hash';
import { isPodReady } from '../controller/pods';
import type { Service, ServicePort } from './service';

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef: { kind: 'Pod'; namespace: string; name: string; uid: string };
}
export interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}
export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}
/** The object metadata of a derived object, without resourceVersion and creationTimestamp (the fold sets those). */
export interface DerivedMeta {
  name: string;
  namespace: string;
  uid: string;
  labels: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller: boolean; blockOwnerDeletion: boolean }[];
  resourceVersion?: string;
  creationTimestamp?: string;
}
export interface Endpoints {
  apiVersion: 'v1';
  kind: 'Endpoints';
  metadata: DerivedMeta;
  subsets?: EndpointSubset[];
}
export interface SliceEndpoint {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  hostname?: string;
  nodeName?: string;
  targetRef: EndpointAddress['targetRef'];
}
export interface EndpointSlice {
  apiVersion: 'discovery.k8s.io/v1';
  kind: 'EndpointSlice';
  metadata: DerivedMeta;
  addressType: 'IPv4';
  endpoints: SliceEndpoint[];
  ports: EndpointPort[] | null;
}

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const SLICE_CONTROLLER = 'endpointslice-controller.k8s.io';
/** Set on the Endpoints and slices of a headless Service (upstream v1.IsHeadlessService). */
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
/** Upstream's default --max-endpoints-per-slice. */
export const MAX_ENDPOINTS_PER_SLICE = 100;

const isHeadless = (svc: Service) => svc.spec.clusterIP === 'None';

/**
 * Whether a Service has endpoints made for it: upstream's controllers skip a
 * Service whose selector is nil. An empty selector is read as none too: it is
 * stored as nil upstream (protobuf drops empty maps), so it never selects every pod.
 */
export const hasSelector = (svc: Service): boolean => Object.keys(svc.spec.selector ?? {}).length > 0 && svc.spec.type !== 'ExternalName';

export const selects = (svc: Service, pod: Pod): boolean => {
  if (!hasSelector(svc) || pod.metadata.namespace !== svc.metadata.namespace) return false;
  const labels = pod.metadata.labels ?? {};
  return Object.entries(svc.spec.selector!).every(([k, v]) => labels[k] === v);
};

const podIP = (pod: Pod): string | undefined => pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP ?? undefined;
const isTerminal = (pod: Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
const isTerminating = (pod: Pod) => pod.metadata.deletionTimestamp !== undefined;

/**
 * `ShouldPodBeInEndpoints` (staging endpointslice/util): a pod with an IP that
 * is not terminal; one being deleted only when terminating pods are included
 * (the slices include them, the Endpoints only under publishNotReadyAddresses).
 */
export const shouldPodBeInEndpoints = (pod: Pod, includeTerminating: boolean): boolean =>
  podIP(pod) !== undefined && !isTerminal(pod) && (includeTerminating || !isTerminating(pod));

/**
 * `FindPort` (pkg/api/v1/pod/util.go): a numeric targetPort is the port; none
 * (or 0) is the Service's port; a name is looked up among the pod's container
 * ports with the Service port's protocol. Undefined: the pod has no such port,
 * and upstream leaves that port out for that pod.
 */
export const findPort = (pod: Pod, sp: ServicePort): number | undefined => {
  const target = sp.targetPort;
  if (typeof target === 'string' && !/^\d+$/.test(target)) {
    const protocol = sp.protocol ?? 'TCP';
    for (const c of pod.spec.containers ?? []) {
      const p = (c.ports ?? []).find((x) => x.name === target && (x.protocol ?? 'TCP') === protocol);
      if (p) return p.containerPort;
    }
    return undefined;
  }
  const n = typeof target === 'string' ? Number(target) : target;
  return n === undefined || n === 0 ? sp.port : n;
};

const portsOf = (svc: Service, pod: Pod): EndpointPort[] => {
  const out: EndpointPort[] = [];
  for (const sp of svc.spec.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    out.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
  }
  return out;
};

/** The pod's DNS hostname in the Service, as upstream sets it: only when its subdomain is the Service. */
const hostnameOf = (svc: Service, pod: Pod): string | undefined =>
  pod.spec.hostname && pod.spec.subdomain === svc.metadata.name ? pod.spec.hostname : undefined;

const targetRef = (pod: Pod): EndpointAddress['targetRef'] => ({
  kind: 'Pod',
  namespace: pod.metadata.namespace ?? '',
  name: pod.metadata.name ?? '',
  uid: pod.metadata.uid ?? '',
});

const labelsFor = (svc: Service, extra: Record<string, string>): Record<string, string> => ({
  ...(svc.metadata.labels ?? {}),
  ...extra,
  ...(isHeadless(svc) ? { [HEADLESS_LABEL]: '' } : {}),
});

/** A uid of the form upstream's have, derived from the Service's uid and the object's name: the same on every replay. */
export const derivedUid = (serviceUid: string, what: string): string => {
  const h = (s: string) => fnv1a32String(s).toString(16).padStart(8, '0');
  const a = h(`${serviceUid}/${what}`);
  const b = h(`${what}/${serviceUid}`);
  const c = h(`${a}${b}`);
  const d = h(`${c}${what}`);
  return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
};

const portKey = (ports: EndpointPort[]) => JSON.stringify(ports);
const byIp = <T extends { ip?: string; addresses?: string[]; targetRef: { name: string } }>(a: T, b: T) => {
  const ka = `${a.ip ?? a.addresses?.[0] ?? ''}/${a.targetRef.name}`;
  const kb = `${b.ip ?? b.addresses?.[0] ?? ''}/${b.targetRef.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

/**
 * The Endpoints object of a Service with a selector (undefined without one:
 * those are the user's to write, which this server does not take; see the
 * README). Pods selected in the Service's namespace with an IP, not terminal
 * and not being deleted: ready ones as addresses, the others as
 * notReadyAddresses; publishNotReadyAddresses lists them all as addresses and
 * keeps terminating ones. Addresses with the same ports share a subset
 * (upstream's RepackSubsets), subsets and addresses in a stable order.
 */
export const endpointsFor = (svc: Service, pods: readonly Pod[]): Endpoints | undefined => {
  if (!hasSelector(svc)) return undefined;
  const publish = svc.spec.publishNotReadyAddresses === true;
  const subsets = new Map<string, { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  for (const pod of pods) {
    if (!selects(svc, pod) || !shouldPodBeInEndpoints(pod, publish)) continue;
    const ports = portsOf(svc, pod);
    // A Service with ports whose pod has none of them contributes nothing; a portless headless Service lists addresses alone.
    if (ports.length === 0 && (svc.spec.ports ?? []).length > 0) continue;
    const address: EndpointAddress = {
      ip: podIP(pod)!,
      ...(hostnameOf(svc, pod) ? { hostname: hostnameOf(svc, pod) } : {}),
      ...(pod.spec.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: targetRef(pod),
    };
    const key = portKey(ports);
    let s = subsets.get(key);
    if (!s) subsets.set(key, (s = { ports, ready: [], notReady: [] }));
    (publish || isPodReady(pod) ? s.ready : s.notReady).push(address);
  }
  const out: EndpointSubset[] = [...subsets.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, s]) => ({
      ...(s.ready.length ? { addresses: s.ready.sort(byIp) } : {}),
      ...(s.notReady.length ? { notReadyAddresses: s.notReady.sort(byIp) } : {}),
      ...(s.ports.length ? { ports: s.ports } : {}),
    }));
  const name = svc.metadata.name ?? '';
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace: svc.metadata.namespace ?? '', uid: derivedUid(svc.metadata.uid ?? name, 'endpoints'), labels: labelsFor(svc, {}) },
    ...(out.length ? { subsets: out } : {}),
  };
};

/**
 * A slice's name: `<service>-<5 characters>` as upstream's generateName
 * makes, but the characters come from the FNV-1a hash of the Service's uid
 * and the slice's index (in upstream's alphabet) instead of a random source,
 * so a replay names every slice the same.
 */
export const sliceName = (svc: Service, index: number): string => {
  let h = fnv1a32String(`${svc.metadata.uid ?? svc.metadata.name}/${index}`);
  let suffix = '';
  for (let i = 0; i < 5; i++) {
    suffix += SAFE_ALPHABET[h % SAFE_ALPHABET.length];
    h = Math.floor(h / SAFE_ALPHABET.length);
  }
  // generateName truncates the prefix so the name fits 63 characters.
  return `${(svc.metadata.name ?? '').slice(0, 57)}-${suffix}`;
};

/**
 * The EndpointSlices of a Service with a selector (none without one). Every
 * selected pod with an IP that is not terminal, terminating ones included
 * with their conditions (upstream's podToEndpoint: serving = pod ready,
 * terminating = being deleted, ready = serving and not terminating, or true
 * under publishNotReadyAddresses). Endpoints are grouped by their resolved
 * ports (one slice family per port set), ordered by address, and cut into
 * slices of at most `maxPerSlice`; a Service that selects nothing still has
 * one empty slice, as upstream's placeholder.
 */
export const endpointSlicesFor = (svc: Service, pods: readonly Pod[], maxPerSlice = MAX_ENDPOINTS_PER_SLICE): EndpointSlice[] => {
  if (!hasSelector(svc)) return [];
  const publish = svc.spec.publishNotReadyAddresses === true;
  const groups = new Map<string, { ports: EndpointPort[]; endpoints: SliceEndpoint[] }>();
  for (const pod of pods) {
    if (!selects(svc, pod) || !shouldPodBeInEndpoints(pod, true)) continue;
    const ports = portsOf(svc, pod);
    const serving = isPodReady(pod);
    const terminating = isTerminating(pod);
    const hostname = hostnameOf(svc, pod);
    const endpoint: SliceEndpoint = {
      addresses: [podIP(pod)!],
      conditions: { ready: publish || (serving && !terminating), serving, terminating },
      ...(hostname ? { hostname } : {}),
      ...(pod.spec.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: targetRef(pod),
    };
    const key = portKey(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, endpoints: [] }));
    g.endpoints.push(endpoint);
  }
  const chunks: { ports: EndpointPort[] | null; endpoints: SliceEndpoint[] }[] = [];
  for (const [, g] of [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const sorted = g.endpoints.sort(byIp);
    for (let i = 0; i < sorted.length; i += maxPerSlice) chunks.push({ ports: g.ports, endpoints: sorted.slice(i, i + maxPerSlice) });
  }
  if (chunks.length === 0) chunks.push({ ports: null, endpoints: [] });
  const name = svc.metadata.name ?? '';
  const owner = { apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
  return chunks.map((c, i) => {
    const sliceNamed = sliceName(svc, i);
    return {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: sliceNamed,
        namespace: svc.metadata.namespace ?? '',
        uid: derivedUid(svc.metadata.uid ?? name, sliceNamed),
        labels: labelsFor(svc, { [SERVICE_NAME_LABEL]: name, [MANAGED_BY_LABEL]: SLICE_CONTROLLER }),
        ownerReferences: [owner],
      },
      addressType: 'IPv4',
      endpoints: c.endpoints,
      ports: c.ports === null ? null : c.ports,
    };
  });
};
