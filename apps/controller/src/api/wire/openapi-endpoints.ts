/**
 * components.schemas for core/v1 Endpoints and discovery.k8s.io/v1
 * EndpointSlices (derived, read-only: README "Reaching daemon pods"), in the
 * shape of openapi-kinds.ts: upstream names, our own descriptions. `kubectl
 * explain endpoints.subsets` and `explain endpointslice.endpoints` walk them.
 */
import { APPS_V1_SCHEMAS, type Schema } from './openapi-schemas';

const P = '#/components/schemas/';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const CORE = 'io.k8s.api.core.v1.';
const DISCOVERY = 'io.k8s.api.discovery.v1.';

const str = (description: string): Schema => ({ type: 'string', description });
const int = (description: string): Schema => ({ type: 'integer', format: 'int32', description });
const bool = (description: string): Schema => ({ type: 'boolean', description });
const ref = (name: string, description: string, extra: Schema = {}): Schema => ({ allOf: [{ $ref: P + name }], description, ...extra });
const arrayOf = (name: string, description: string): Schema => ({ type: 'array', items: { allOf: [{ $ref: P + name }], default: {} }, description });
const strings = (description: string): Schema => ({ type: 'array', items: { type: 'string', default: '' }, description });
const object = (description: string, properties: Record<string, Schema>, extra: Schema = {}): Schema => ({ type: 'object', description, properties, ...extra });
const gvk = (group: string, kind: string) => ({ 'x-kubernetes-group-version-kind': [{ group, kind, version: 'v1' }] });

const typeMeta = {
  apiVersion: str('Versioned schema of this representation, e.g. `v1`.'),
  kind: str('The REST resource type of this object, in CamelCase.'),
};
const metadata = ref(META + 'ObjectMeta', 'Standard object metadata.', { default: {} });
const kindWithList = (prefix: string, group: string, kind: string, description: string, properties: Record<string, Schema>, extra: Schema = {}): Record<string, Schema> => ({
  [prefix + kind]: object(description, { ...typeMeta, metadata, ...properties }, { ...extra, ...gvk(group, kind) }),
  [`${prefix}${kind}List`]: object(`A list of ${kind}s.`, { ...typeMeta, metadata: ref(META + 'ListMeta', 'Standard list metadata.', { default: {} }), items: arrayOf(prefix + kind, `The ${kind}s.`) }, { required: ['items'], ...gvk(group, `${kind}List`) }),
});
const metaSchemas = Object.fromEntries([META + 'ObjectMeta', META + 'OwnerReference', META + 'Time', META + 'ListMeta'].map((n) => [n, APPS_V1_SCHEMAS[n]]));
const targetRef = object('The pod behind an address.', { kind: str('Pod.'), namespace: str('The pod\'s namespace.'), name: str('The pod\'s name.'), uid: str('The pod\'s uid.') });

/** Added to the core/v1 document's schemas. */
export const CORE_ENDPOINTS_SCHEMAS: Record<string, Schema> = {
  ...kindWithList(CORE, '', 'Endpoints', 'The addresses of the pods a Service selects, derived from its selector and the pods (upstream\'s endpoints controller).', {
    subsets: arrayOf(CORE + 'EndpointSubset', 'Addresses that share the same ports.'),
  }),
  [CORE + 'EndpointSubset']: object('A set of addresses with a common set of ports.', {
    addresses: arrayOf(CORE + 'EndpointAddress', 'Addresses of ready pods.'),
    notReadyAddresses: arrayOf(CORE + 'EndpointAddress', 'Addresses of pods that are not ready (yet).'),
    ports: arrayOf(CORE + 'EndpointPort', 'The ports, the Service\'s targetPorts resolved in the pods.'),
  }),
  [CORE + 'EndpointAddress']: object('One pod\'s address.', {
    ip: str('The pod IP.'),
    hostname: str('The pod\'s hostname, when its subdomain is the Service.'),
    nodeName: str('The node the pod runs on.'),
    targetRef: { ...targetRef, description: 'The pod behind the address.' },
  }, { required: ['ip'] }),
  [CORE + 'EndpointPort']: object('A port of the addresses.', { name: str('The Service port\'s name.'), port: int('The port number in the pod.'), protocol: str('TCP, UDP or SCTP.'), appProtocol: str('The application protocol.') }, { required: ['port'] }),
};

export const DISCOVERY_V1_SCHEMAS: Record<string, Schema> = {
  ...metaSchemas,
  ...kindWithList(DISCOVERY, 'discovery.k8s.io', 'EndpointSlice', 'A slice of the endpoints of a Service (at most 100), derived from its selector and the pods (upstream\'s endpointslice controller).', {
    addressType: str('IPv4.'),
    endpoints: arrayOf(DISCOVERY + 'Endpoint', 'The endpoints of the slice.'),
    ports: arrayOf(DISCOVERY + 'EndpointPort', 'The ports every endpoint of the slice has.'),
  }, { required: ['addressType', 'endpoints'] }),
  [DISCOVERY + 'Endpoint']: object('One pod of the Service.', {
    addresses: strings('The pod\'s IP.'),
    conditions: ref(DISCOVERY + 'EndpointConditions', 'Whether the pod is ready, serving, terminating.', { default: {} }),
    hostname: str('The pod\'s hostname, when its subdomain is the Service.'),
    nodeName: str('The node the pod runs on.'),
    targetRef: { ...targetRef, description: 'The pod behind the endpoint.' },
  }, { required: ['addresses'] }),
  [DISCOVERY + 'EndpointConditions']: object('The state of an endpoint.', {
    ready: bool('Serving and not terminating (always true under publishNotReadyAddresses).'),
    serving: bool('The pod is Ready.'),
    terminating: bool('The pod is being deleted.'),
  }),
  [DISCOVERY + 'EndpointPort']: object('A port of the endpoints.', { name: str('The Service port\'s name.'), port: int('The port number in the pod.'), protocol: str('TCP, UDP or SCTP.'), appProtocol: str('The application protocol.') }),
};
