/**
 * The protobuf form of `/openapi/v2`: gnostic's `openapi.v2.Document`
 * (github.com/google/gnostic-models, openapiv2/OpenAPIv2.proto), the message
 * client-go's `OpenAPISchema()` unmarshals. Encoded with protobufjs from a
 * descriptor of the messages and fields this server fills (field numbers as
 * in that .proto; the oneof wrappers are plain optional fields on the wire).
 * Vendor extensions, defaults and enum values travel as YAML text (`Any.yaml`);
 * JSON is YAML, so they are written as JSON.
 */
import { Root, type Type } from 'protobufjs';

type Json = Record<string, unknown>;
type Fields = Record<string, [id: number, type: string, repeated?: 'repeated']>;

const message = (fields: Fields) => ({
  fields: Object.fromEntries(Object.entries(fields).map(([name, [id, type, rule]]) => [name, { id, type, ...(rule ? { rule } : {}) }])),
});

const PARAMETER_SUB_SCHEMA: Fields = { required: [1, 'bool'], in: [2, 'string'], description: [3, 'string'], name: [4, 'string'], type: [5, 'string'], format: [6, 'string'], uniqueItems: [19, 'bool'] };

const V2 = Root.fromJSON({
  nested: {
    openapi: {
      nested: {
        v2: {
          nested: {
            Any: message({ yaml: [2, 'string'] }),
            NamedAny: message({ name: [1, 'string'], value: [2, 'Any'] }),
            Info: message({ title: [1, 'string'], version: [2, 'string'], description: [3, 'string'] }),
            Document: message({
              swagger: [1, 'string'], info: [2, 'Info'], schemes: [5, 'string', 'repeated'], consumes: [6, 'string', 'repeated'], produces: [7, 'string', 'repeated'],
              paths: [8, 'Paths'], definitions: [9, 'Definitions'], vendorExtension: [16, 'NamedAny', 'repeated'],
            }),
            Paths: message({ vendorExtension: [1, 'NamedAny', 'repeated'], path: [2, 'NamedPathItem', 'repeated'] }),
            NamedPathItem: message({ name: [1, 'string'], value: [2, 'PathItem'] }),
            PathItem: message({ get: [2, 'Operation'], put: [3, 'Operation'], post: [4, 'Operation'], delete: [5, 'Operation'], patch: [8, 'Operation'], vendorExtension: [10, 'NamedAny', 'repeated'] }),
            Operation: message({
              tags: [1, 'string', 'repeated'], description: [3, 'string'], operationId: [5, 'string'], produces: [6, 'string', 'repeated'], consumes: [7, 'string', 'repeated'],
              parameters: [8, 'ParametersItem', 'repeated'], responses: [9, 'Responses'], schemes: [10, 'string', 'repeated'], vendorExtension: [13, 'NamedAny', 'repeated'],
            }),
            ParametersItem: message({ parameter: [1, 'Parameter'] }),
            Parameter: message({ nonBodyParameter: [2, 'NonBodyParameter'] }),
            NonBodyParameter: message({ headerParameterSubSchema: [1, 'HeaderParameterSubSchema'], queryParameterSubSchema: [3, 'QueryParameterSubSchema'], pathParameterSubSchema: [4, 'PathParameterSubSchema'] }),
            HeaderParameterSubSchema: message(PARAMETER_SUB_SCHEMA),
            PathParameterSubSchema: message(PARAMETER_SUB_SCHEMA),
            QueryParameterSubSchema: message({ required: [1, 'bool'], in: [2, 'string'], description: [3, 'string'], name: [4, 'string'], type: [6, 'string'], format: [7, 'string'], uniqueItems: [20, 'bool'] }),
            Responses: message({ responseCode: [1, 'NamedResponseValue', 'repeated'] }),
            NamedResponseValue: message({ name: [1, 'string'], value: [2, 'ResponseValue'] }),
            ResponseValue: message({ response: [1, 'Response'] }),
            Response: message({ description: [1, 'string'], schema: [2, 'SchemaItem'] }),
            SchemaItem: message({ schema: [1, 'Schema'] }),
            Definitions: message({ additionalProperties: [1, 'NamedSchema', 'repeated'] }),
            Properties: message({ additionalProperties: [1, 'NamedSchema', 'repeated'] }),
            NamedSchema: message({ name: [1, 'string'], value: [2, 'Schema'] }),
            AdditionalPropertiesItem: message({ schema: [1, 'Schema'], boolean: [2, 'bool'] }),
            TypeItem: message({ value: [1, 'string', 'repeated'] }),
            ItemsItem: message({ schema: [1, 'Schema', 'repeated'] }),
            Schema: message({
              ref: [1, 'string'], format: [2, 'string'], title: [3, 'string'], description: [4, 'string'], default: [5, 'Any'], multipleOf: [6, 'double'],
              maximum: [7, 'double'], exclusiveMaximum: [8, 'bool'], minimum: [9, 'double'], exclusiveMinimum: [10, 'bool'], maxLength: [11, 'int64'],
              minLength: [12, 'int64'], pattern: [13, 'string'], maxItems: [14, 'int64'], minItems: [15, 'int64'], uniqueItems: [16, 'bool'],
              maxProperties: [17, 'int64'], minProperties: [18, 'int64'], required: [19, 'string', 'repeated'], enum: [20, 'Any', 'repeated'],
              additionalProperties: [21, 'AdditionalPropertiesItem'], type: [22, 'TypeItem'], items: [23, 'ItemsItem'], allOf: [24, 'Schema', 'repeated'],
              properties: [25, 'Properties'], readOnly: [27, 'bool'], example: [30, 'Any'], vendorExtension: [31, 'NamedAny', 'repeated'],
            }),
          },
        },
      },
    },
  },
});

const DOCUMENT: Type = V2.lookupType('openapi.v2.Document');

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const yaml = (v: unknown) => ({ yaml: JSON.stringify(v) });
const extensions = (o: Json) => Object.entries(o).filter(([k]) => k.startsWith('x-')).map(([name, v]) => ({ name, value: yaml(v) }));
const named = <T>(o: unknown, f: (v: unknown) => T) => (isObject(o) ? Object.entries(o).map(([name, v]) => ({ name, value: f(v) })) : []);

const SCALARS = ['format', 'title', 'description', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxProperties', 'minProperties', 'required', 'readOnly'];

const schema = (s: unknown): Json => {
  if (!isObject(s)) return {};
  const out: Json = Object.fromEntries(SCALARS.filter((k) => s[k] !== undefined).map((k) => [k, s[k]]));
  if (s.$ref !== undefined) out.ref = s.$ref;
  if (s.default !== undefined) out.default = yaml(s.default);
  if (s.example !== undefined) out.example = yaml(s.example);
  if (Array.isArray(s.enum)) out.enum = s.enum.map(yaml);
  if (s.additionalProperties !== undefined) out.additionalProperties = typeof s.additionalProperties === 'boolean' ? { boolean: s.additionalProperties } : { schema: schema(s.additionalProperties) };
  if (s.type !== undefined) out.type = { value: Array.isArray(s.type) ? s.type : [s.type] };
  if (s.items !== undefined) out.items = { schema: (Array.isArray(s.items) ? s.items : [s.items]).map(schema) };
  if (Array.isArray(s.allOf)) out.allOf = s.allOf.map(schema);
  if (s.properties !== undefined) out.properties = { additionalProperties: named(s.properties, schema) };
  out.vendorExtension = extensions(s);
  return out;
};

const SUB_SCHEMAS: Record<string, string> = { query: 'queryParameterSubSchema', path: 'pathParameterSubSchema', header: 'headerParameterSubSchema' };

const parameter = (p: unknown) => {
  const q = isObject(p) ? p : {};
  const sub = SUB_SCHEMAS[String(q.in)] ?? 'queryParameterSubSchema';
  const fields = Object.fromEntries(['required', 'in', 'description', 'name', 'type', 'format', 'uniqueItems'].filter((k) => q[k] !== undefined).map((k) => [k, q[k]]));
  return { parameter: { nonBodyParameter: { [sub]: fields } } };
};

const operation = (op: unknown) => {
  const o = isObject(op) ? op : {};
  return {
    ...Object.fromEntries(['tags', 'description', 'operationId', 'produces', 'consumes', 'schemes'].filter((k) => o[k] !== undefined).map((k) => [k, o[k]])),
    parameters: Array.isArray(o.parameters) ? o.parameters.map(parameter) : [],
    responses: {
      responseCode: named(o.responses, (r) => {
        const resp = isObject(r) ? r : {};
        return { response: { description: resp.description ?? '', ...(resp.schema ? { schema: { schema: schema(resp.schema) } } : {}) } };
      }),
    },
    vendorExtension: extensions(o),
  };
};

const pathItem = (item: unknown) => ({
  ...Object.fromEntries(['get', 'put', 'post', 'delete', 'patch'].filter((m) => isObject(item) && item[m]).map((m) => [m, operation((item as Json)[m])])),
  vendorExtension: isObject(item) ? extensions(item) : [],
});

/** The v2 JSON document (openapi-v2.ts) as openapi.v2.Document bytes. */
export const encodeOpenApiV2 = (doc: Json): Buffer => {
  const value = {
    swagger: doc.swagger,
    info: doc.info,
    paths: { path: named(doc.paths, pathItem) },
    definitions: { additionalProperties: named(doc.definitions, schema) },
    vendorExtension: extensions(doc),
  };
  const err = DOCUMENT.verify(value);
  if (err) throw new Error(`openapi v2 protobuf: ${err}`);
  return Buffer.from(DOCUMENT.encode(DOCUMENT.fromObject(value)).finish());
};

/** Decodes the bytes back (tests: what a client reads). */
export const decodeOpenApiV2 = (bytes: Buffer): Json => DOCUMENT.toObject(DOCUMENT.decode(bytes), { longs: Number, defaults: false }) as Json;
