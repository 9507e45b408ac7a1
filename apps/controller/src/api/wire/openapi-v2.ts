/**
 * OpenAPI v2 (`GET /openapi/v2`), derived from the OpenAPI v3 documents the
 * server builds (openapi.ts), so every kind served in v3 appears here with no
 * code of its own: the v3 `components.schemas` become `definitions` (with
 * their `x-kubernetes-group-version-kind`), the v3 paths become v2 paths with
 * the same operations and extensions.
 *
 * Who asks for it: client-go's discovery (kubectl, Helm) when the v3
 * documents do not settle a question — a group/version missing from the v3
 * root (seed 002's `extensions/v1beta1`: with a v2 document the resource
 * mapping answers `no matches for kind`, where a 404 made kubectl print "the
 * server could not find the requested resource"), or client-side apply
 * looking for patch metadata. client-go asks for the protobuf form only
 * (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`, gnostic's
 * openapi_v2.Document) and does not fall back to JSON; JSON is served to
 * everyone else.
 *
 * Like the v3 documents, no PATCH operation lists a strategic-merge body in
 * `consumes`: kubectl then builds apply patches from its compiled-in types
 * rather than from these (abridged) schemas.
 */
import { createHash } from 'crypto';
import { openApiV3Document, openApiV3Root } from './openapi';
import { encodeOpenApiV2 } from './openapi-v2-proto';

type Json = Record<string, unknown>;

/**
 * The media type of the answer. client-go asks with the older spelling (an
 * `@`, which Go's mime parser refuses in a Content-Type); kube-openapi
 * accepts both in Accept and answers with this one.
 */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
const OPENAPI_V2_PROTOBUF_ASKED = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

const V3_REF = '#/components/schemas/';
const V2_REF = '#/definitions/';
/** Schema keywords Swagger 2.0 has; v3-only ones (nullable, oneOf, anyOf, not, …) are dropped. */
const V2_KEYWORDS = new Set([
  '$ref', 'format', 'title', 'description', 'default', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum',
  'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxProperties', 'minProperties', 'required', 'enum',
  'additionalProperties', 'type', 'items', 'allOf', 'properties', 'readOnly', 'example',
]);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A v3 schema as Swagger 2.0 writes it: refs into `definitions`, a lone `allOf: [{$ref}]` as the `$ref` itself (as upstream's v2 does). */
export const toV2Schema = (s: unknown): Json => {
  if (!isObject(s)) return {};
  const src = Array.isArray(s.allOf) && s.allOf.length === 1 && isObject(s.allOf[0]) && typeof s.allOf[0].$ref === 'string' && s.$ref === undefined
    ? { ...s, allOf: undefined, $ref: s.allOf[0].$ref }
    : s;
  const out: Json = {};
  for (const [k, v] of Object.entries(src)) {
    if (v === undefined || (!V2_KEYWORDS.has(k) && !k.startsWith('x-'))) continue;
    if (k === '$ref') out.$ref = String(v).startsWith(V3_REF) ? V2_REF + String(v).slice(V3_REF.length) : v;
    else if (k === 'properties' && isObject(v)) out.properties = Object.fromEntries(Object.entries(v).map(([p, ps]) => [p, toV2Schema(ps)]));
    else if (k === 'items') out.items = toV2Schema(v);
    else if (k === 'allOf' && Array.isArray(v)) out.allOf = v.map(toV2Schema);
    else if (k === 'additionalProperties') out.additionalProperties = typeof v === 'boolean' ? v : toV2Schema(v);
    else out[k] = v;
  }
  return out;
};

/** A v3 parameter (`schema: {type}`) as v2 writes it (`type` on the parameter). */
const toV2Parameter = (p: unknown): Json => {
  if (!isObject(p)) return {};
  const { schema, ...rest } = p;
  return { ...rest, ...(isObject(schema) ? { type: schema.type ?? 'string', ...(schema.uniqueItems ? { uniqueItems: true } : {}) } : {}) };
};

const toV2Response = (r: unknown): Json => {
  if (!isObject(r)) return { description: '' };
  const content = isObject(r.content) ? Object.values(r.content)[0] : undefined;
  return { description: r.description ?? '', ...(isObject(content) && content.schema ? { schema: toV2Schema(content.schema) } : {}) };
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

const toV2Operation = (op: Json): Json => {
  const out: Json = {};
  for (const [k, v] of Object.entries(op)) {
    if (k === 'parameters' && Array.isArray(v)) out.parameters = v.map(toV2Parameter);
    else if (k === 'responses' && isObject(v)) out.responses = Object.fromEntries(Object.entries(v).map(([code, r]) => [code, toV2Response(r)]));
    else if (k === 'requestBody' && isObject(v) && isObject(v.content)) out.consumes = Object.keys(v.content);
    else if (k === 'description' || k === 'operationId' || k === 'tags' || k.startsWith('x-')) out[k] = v;
  }
  out.produces = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
  out.schemes = ['https'];
  return out;
};

/** The whole v2 document as a plain JSON value: every v3 group/version's paths and schemas. */
export const buildOpenApiV2 = (): Json => {
  const paths: Json = {};
  const definitions: Json = {};
  let version = '';
  for (const gv of Object.keys(openApiV3Root().paths).sort()) {
    const doc = JSON.parse(openApiV3Document(gv)!.body) as { info?: { version?: string }; paths?: Json; components?: { schemas?: Json } };
    version ||= doc.info?.version ?? '';
    for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) definitions[name] ??= toV2Schema(schema);
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      if (!isObject(item)) continue;
      paths[path] = Object.fromEntries(METHODS.filter((m) => isObject(item[m])).map((m) => [m, toV2Operation(item[m] as Json)]));
    }
  }
  return { swagger: '2.0', info: { title: 'Kubernetes', version }, paths, definitions };
};

export interface OpenApiV2Document {
  json: string;
  protobuf: Buffer;
  /** Upper-case hex SHA-512 of the JSON form, as kube-openapi's ETag. */
  etag: string;
}

let cached: OpenApiV2Document | undefined;
export const openApiV2Document = (): OpenApiV2Document => {
  if (cached) return cached;
  const doc = buildOpenApiV2();
  const json = JSON.stringify(doc);
  return (cached = { json, protobuf: encodeOpenApiV2(doc), etag: createHash('sha512').update(json).digest('hex').toUpperCase() });
};

/** Protobuf when the client names the gnostic type in Accept (client-go always does), JSON otherwise. */
export const wantsOpenApiV2Protobuf = (accept: string | undefined): boolean =>
  (accept ?? '').split(',').some((a) => {
    const type = a.split(';')[0].trim().toLowerCase();
    return type === OPENAPI_V2_PROTOBUF || type === OPENAPI_V2_PROTOBUF_ASKED;
  });
