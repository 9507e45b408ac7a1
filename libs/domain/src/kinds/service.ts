/**
 * core/v1 Services as a stored kind: schema, defaults, upstream's validation
 * of the common fields, and the pure allocation of ClusterIPs (from a service
 * range) and node ports. Nothing proxies traffic here: a Service is an object
 * with addresses, which is what charts and clients look at.
 */
import { z } from 'zod';
import { duplicate, type FieldError, forbidden, invalid, notSupported, required } from '../api/field-errors';
import { objectMetaSchema } from '../api/schemas/meta';
import { bool, int32, intOrString, str, strict, stringMap, strings } from '../api/schemas/primitives';
import { invalidError } from '../api/status';
import { isDns1123Label, isDns1123Subdomain, isValidPortName, isValidPortNum } from '../api/validation/names';
import type { StoredKindDef, StoredObject } from './kind-def';

const servicePort = strict('v1.ServicePort', {
  name: str().optional(),
  protocol: str().optional(),
  appProtocol: str().optional(),
  port: int32(),
  targetPort: intOrString().optional(),
  nodePort: int32().optional(),
});

const serviceSchema = strict('v1.Service', {
  apiVersion: z.literal('v1'),
  kind: z.literal('Service'),
  metadata: objectMetaSchema.default({}),
  spec: strict('v1.ServiceSpec', {
    ports: z.array(servicePort, { error: '[]v1.ServicePort' }).optional(),
    selector: stringMap().optional(),
    clusterIP: str().optional(),
    clusterIPs: strings().optional(),
    type: str().optional(),
    externalIPs: strings().optional(),
    sessionAffinity: str().optional(),
    loadBalancerIP: str().optional(),
    loadBalancerSourceRanges: strings().optional(),
    externalName: str().optional(),
    externalTrafficPolicy: str().optional(),
    healthCheckNodePort: int32().optional(),
    publishNotReadyAddresses: bool().optional(),
    sessionAffinityConfig: z.record(z.string(), z.unknown()).optional(),
    ipFamilies: strings().optional(),
    ipFamilyPolicy: str().optional(),
    allocateLoadBalancerNodePorts: bool().optional(),
    loadBalancerClass: str().optional(),
    internalTrafficPolicy: str().optional(),
    trafficDistribution: str().optional(),
  }).default({}),
  status: z.record(z.string(), z.unknown()).optional(),
});

export interface ServicePort {
  name?: string;
  protocol?: string;
  appProtocol?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
}
export interface ServiceSpec {
  ports?: ServicePort[];
  selector?: Record<string, string>;
  clusterIP?: string;
  clusterIPs?: string[];
  type?: string;
  externalIPs?: string[];
  sessionAffinity?: string;
  externalName?: string;
  externalTrafficPolicy?: string;
  internalTrafficPolicy?: string;
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  allocateLoadBalancerNodePorts?: boolean;
  [field: string]: unknown;
}
export type Service = StoredObject & { spec: ServiceSpec; status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } } };

const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const HEADLESS = 'None';
const usesNodePorts = (t: string | undefined) => t === 'NodePort' || t === 'LoadBalancer';

/** SetDefaults_Service and the strategy's defaults, before addresses are allocated. */
const defaultService = (o: StoredObject): StoredObject => {
  const svc = o as Service;
  const type = svc.spec.type || 'ClusterIP';
  const spec: ServiceSpec = {
    ...svc.spec,
    type,
    sessionAffinity: svc.spec.sessionAffinity || 'None',
    ports: svc.spec.ports?.map((p) => ({ ...p, protocol: p.protocol || 'TCP', targetPort: p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '' ? p.port : p.targetPort })),
  };
  if (type !== 'ExternalName') spec.internalTrafficPolicy = spec.internalTrafficPolicy || 'Cluster';
  if (usesNodePorts(type)) spec.externalTrafficPolicy = spec.externalTrafficPolicy || 'Cluster';
  if (type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) spec.allocateLoadBalancerNodePorts = true;
  if (spec.ports === undefined) delete spec.ports;
  return { ...svc, spec, status: svc.status ?? { loadBalancer: {} } };
};

const validateService = (o: StoredObject): FieldError[] => {
  const spec = (o as Service).spec;
  const errs: FieldError[] = [];
  const type = spec.type ?? 'ClusterIP';
  if (!TYPES.includes(type)) errs.push(notSupported('spec.type', type, TYPES));
  const headless = spec.clusterIP === HEADLESS;
  const ports = spec.ports ?? [];
  if (type === 'ExternalName') {
    if (!spec.externalName) errs.push(required('spec.externalName'));
    else errs.push(...isDns1123Subdomain(spec.externalName).map((m) => invalid('spec.externalName', spec.externalName, m)));
    if (spec.clusterIP && spec.clusterIP !== '') errs.push(forbidden('spec.clusterIP', 'may not be set for ExternalName services'));
  } else if (ports.length === 0 && !headless) {
    errs.push(required('spec.ports'));
  }
  if (spec.clusterIP && spec.clusterIP !== HEADLESS && !isIPv4(spec.clusterIP)) {
    errs.push(invalid('spec.clusterIPs[0]', spec.clusterIP, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  }
  if (!['None', 'ClientIP'].includes(spec.sessionAffinity ?? 'None')) errs.push(notSupported('spec.sessionAffinity', spec.sessionAffinity ?? '', ['ClientIP', 'None']));
  const names = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((p, i) => {
    const at = `spec.ports[${i}]`;
    if (ports.length > 1 && !p.name) errs.push(required(`${at}.name`));
    if (p.name) {
      errs.push(...isDns1123Label(p.name).map((m) => invalid(`${at}.name`, p.name, m)));
      if (names.has(p.name)) errs.push(duplicate(`${at}.name`, p.name));
      names.add(p.name);
    }
    errs.push(...isValidPortNum(p.port).map((m) => invalid(`${at}.port`, p.port, m)));
    if (!PROTOCOLS.includes(p.protocol ?? 'TCP')) errs.push(notSupported(`${at}.protocol`, p.protocol ?? '', PROTOCOLS));
    if (typeof p.targetPort === 'number') errs.push(...isValidPortNum(p.targetPort).map((m) => invalid(`${at}.targetPort`, p.targetPort as number, m)));
    else if (typeof p.targetPort === 'string') errs.push(...isValidPortName(p.targetPort).map((m) => invalid(`${at}.targetPort`, p.targetPort as string, m)));
    if (p.nodePort !== undefined && p.nodePort !== 0) {
      if (!usesNodePorts(type)) errs.push(forbidden(`${at}.nodePort`, `may not be used when \`type\` is '${type}'`));
      else errs.push(...isValidPortNum(p.nodePort).map((m) => invalid(`${at}.nodePort`, p.nodePort, m)));
    }
    const key = `${p.port}/${p.protocol ?? 'TCP'}`;
    if (keys.has(key)) errs.push(duplicate(at, { goSyntax: `core.ServicePort{Name:"${p.name ?? ''}", Protocol:"${p.protocol ?? 'TCP'}", Port:${p.port}}` }));
    keys.add(key);
  });
  for (const [i, ip] of (spec.externalIPs ?? []).entries()) if (!isIPv4(ip)) errs.push(invalid(`spec.externalIPs[${i}]`, ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  return errs;
};

/** On update the allocated addresses are kept when the request leaves them out (upstream's patchAllocatedValues); a set one may not change. */
const keepAllocated = (next: StoredObject, prev: StoredObject): StoredObject => {
  const n = next as Service;
  const p = (prev as Service).spec;
  const spec: ServiceSpec = { ...n.spec };
  const keepsIP = (spec.type ?? 'ClusterIP') !== 'ExternalName' && (p.type ?? 'ClusterIP') !== 'ExternalName';
  if (keepsIP && !spec.clusterIP && p.clusterIP) spec.clusterIP = p.clusterIP;
  if (keepsIP && !spec.clusterIPs?.length && p.clusterIPs) spec.clusterIPs = p.clusterIPs;
  if (keepsIP && !spec.ipFamilies && p.ipFamilies) spec.ipFamilies = p.ipFamilies;
  if (keepsIP && !spec.ipFamilyPolicy && p.ipFamilyPolicy) spec.ipFamilyPolicy = p.ipFamilyPolicy;
  if (usesNodePorts(spec.type) && usesNodePorts(p.type)) {
    spec.ports = spec.ports?.map((port) => {
      if (port.nodePort) return port;
      const old = p.ports?.find((o) => o.port === port.port && (o.protocol ?? 'TCP') === (port.protocol ?? 'TCP'));
      return old?.nodePort ? { ...port, nodePort: old.nodePort } : port;
    });
  }
  return { ...n, spec, status: (prev as Service).status };
};

const validateServiceUpdate = (next: StoredObject, prev: StoredObject): FieldError[] => {
  const n = (next as Service).spec;
  const p = (prev as Service).spec;
  if ((n.type ?? 'ClusterIP') === 'ExternalName' || (p.type ?? 'ClusterIP') === 'ExternalName') return [];
  return (n.clusterIP ?? '') !== (p.clusterIP ?? '') ? [invalid('spec.clusterIPs[0]', n.clusterIP ?? '', 'may not change once set')] : [];
};

export const SERVICE_KIND: StoredKindDef = {
  streamKind: 'service',
  group: '',
  version: 'v1',
  kind: 'Service',
  resource: 'services',
  namespaced: true,
  schema: serviceSchema,
  nameFn: (name, prefix) => isDns1123Label(prefix ? name.replace(/-$/, 'a') : name),
  defaults: defaultService,
  validate: validateService,
  validateUpdate: validateServiceUpdate,
  keepOnUpdate: keepAllocated,
  selectableFields: (o) => ({ 'spec.clusterIP': (o as Service).spec.clusterIP ?? '', 'spec.type': (o as Service).spec.type ?? '' }),
};

// ── Address allocation ──────────────────────────────────────────────────────

const isIPv4 = (s: string): boolean => {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
};
const ipToInt = (ip: string): number => ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
const intToIp = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

export interface ServiceRange {
  /** The CIDR (IPv4), e.g. `10.96.0.0/12`: kube-apiserver's default --service-cluster-ip-range. */
  cidr: string;
  first: number;
  /** The last usable address (the broadcast address is not). */
  last: number;
  /** Addresses below this offset are left for explicit requests (KEP-3070's static band). */
  staticBand: number;
}

export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';

export const parseServiceRange = (cidr: string): ServiceRange => {
  const [ip, bits] = cidr.split('/');
  const prefix = Number(bits);
  if (!ip || !isIPv4(ip) || !Number.isInteger(prefix) || prefix < 8 || prefix > 30) throw new Error(`invalid service CIDR ${JSON.stringify(cidr)}: an IPv4 CIDR with a prefix of 8 to 30 bits is expected`);
  const size = 2 ** (32 - prefix);
  const base = ipToInt(ip) - (ipToInt(ip) % size);
  return { cidr: `${intToIp(base)}/${prefix}`, first: base + 1, last: base + size - 2, staticBand: Math.min(Math.max(16, Math.floor(size / 16)), 256) };
};

/** The first address of the range: the `kubernetes` Service's. */
export const firstServiceIP = (range: ServiceRange): string => intToIp(range.first);

export const NODE_PORT_RANGE = { first: 30000, last: 32767 } as const;

/** What the Services of the cluster already hold. */
export interface AllocatedAddresses {
  clusterIPs: ReadonlySet<string>;
  nodePorts: ReadonlySet<number>;
}

const allocFailed = (svc: Service, errs: FieldError[]) => invalidError('Service', '', svc.metadata.name ?? '', errs);

/**
 * A new Service with its addresses: the requested ClusterIP if in range and
 * free, else the lowest free one above the static band (deterministic, so a
 * replayed decision is the same); `None` stays headless; ExternalName gets
 * none. NodePort/LoadBalancer ports get the lowest free node port unless
 * they ask for one. Refusals are upstream's 422 texts.
 */
export const allocateServiceAddresses = (o: StoredObject, used: AllocatedAddresses, range: ServiceRange): StoredObject => {
  const svc = o as Service;
  const spec: ServiceSpec = { ...svc.spec };
  const type = spec.type ?? 'ClusterIP';
  if (type !== 'ExternalName' && spec.clusterIP !== HEADLESS) {
    const requested = spec.clusterIP || spec.clusterIPs?.[0];
    let ip: string | undefined;
    if (requested) {
      const n = ipToInt(requested);
      if (n < range.first || n > range.last) {
        throw allocFailed(svc, [invalid('spec.clusterIPs', { goSyntax: `[]string{"${requested}"}` }, `failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${range.cidr}`)]);
      }
      if (used.clusterIPs.has(requested)) throw allocFailed(svc, [invalid('spec.clusterIPs', { goSyntax: `[]string{"${requested}"}` }, `failed to allocate IP ${requested}: provided IP is already allocated`)]);
      ip = requested;
    } else {
      for (let n = range.first + range.staticBand; n <= range.last && !ip; n++) if (!used.clusterIPs.has(intToIp(n))) ip = intToIp(n);
      for (let n = range.first; n < range.first + range.staticBand && !ip; n++) if (!used.clusterIPs.has(intToIp(n))) ip = intToIp(n);
      if (!ip) throw allocFailed(svc, [invalid('spec.clusterIPs', { goSyntax: '[]string(nil)' }, 'failed to allocate IP: range is full')]);
    }
    Object.assign(spec, { clusterIP: ip, clusterIPs: [ip], ipFamilies: ['IPv4'], ipFamilyPolicy: spec.ipFamilyPolicy ?? 'SingleStack' });
  } else if (spec.clusterIP === HEADLESS) {
    Object.assign(spec, { clusterIPs: [HEADLESS], ipFamilies: spec.ipFamilies ?? ['IPv4'], ipFamilyPolicy: spec.ipFamilyPolicy ?? 'SingleStack' });
  }
  if (usesNodePorts(type) && !(type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === false)) {
    const taken = new Set(used.nodePorts);
    spec.ports = spec.ports?.map((p, i) => {
      if (p.nodePort) {
        if (taken.has(p.nodePort)) throw allocFailed(svc, [invalid(`spec.ports[${i}].nodePort`, p.nodePort, 'provided port is already allocated')]);
        if (p.nodePort < NODE_PORT_RANGE.first || p.nodePort > NODE_PORT_RANGE.last) {
          throw allocFailed(svc, [invalid(`spec.ports[${i}].nodePort`, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.first}-${NODE_PORT_RANGE.last}`)]);
        }
        taken.add(p.nodePort);
        return p;
      }
      let port = NODE_PORT_RANGE.first;
      while (taken.has(port) && port <= NODE_PORT_RANGE.last) port++;
      if (port > NODE_PORT_RANGE.last) throw allocFailed(svc, [invalid(`spec.ports[${i}].nodePort`, 0, 'range is full')]);
      taken.add(port);
      return { ...p, nodePort: port };
    });
  }
  return { ...svc, spec };
};

/** The addresses the given Services hold (what a new one may not take). */
export const allocatedAddresses = (services: readonly StoredObject[]): AllocatedAddresses => {
  const clusterIPs = new Set<string>();
  const nodePorts = new Set<number>();
  for (const o of services) {
    const spec = (o as Service).spec ?? {};
    for (const ip of [spec.clusterIP, ...(spec.clusterIPs ?? [])]) if (ip && ip !== HEADLESS) clusterIPs.add(ip);
    for (const p of spec.ports ?? []) if (p.nodePort) nodePorts.add(p.nodePort);
  }
  return { clusterIPs, nodePorts };
};

/** `default/kubernetes`: the API server's own Service (port 443 → the server's port), at the first address of the range. */
export const kubernetesService = (range: ServiceRange, targetPort: number): StoredObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
  spec: {
    ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort }],
    clusterIP: firstServiceIP(range),
    clusterIPs: [firstServiceIP(range)],
    type: 'ClusterIP',
    sessionAffinity: 'None',
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    internalTrafficPolicy: 'Cluster',
  },
  status: { loadBalancer: {} },
});
