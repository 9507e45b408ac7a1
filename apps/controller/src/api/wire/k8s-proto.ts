import protobuf from 'protobufjs';
import { goJsonMarshal } from '@daemonledger/domain/controller/go-json';
import { formatGoDuration, parseGoDuration } from './go-duration';
import { jsonDepth, MAX_NESTING_DEPTH } from './nesting';

/**
 * Kubernetes objects as protobuf messages, driven by upstream's schema: the
 * descriptors of the `generated.proto` files of k8s.io/api and
 * k8s.io/apimachinery, with the facts of their Go struct tags (see
 * scripts/gen-proto.mjs, `npm run gen:proto`). The JSON names are the proto
 * field names (the Go tags list the one exception and the inlined structs);
 * the types whose JSON form is not their message form are mapped here:
 * meta/v1 Time and MicroTime (RFC 3339 ↔ seconds/nanos), Duration (Go text ↔
 * nanoseconds), FieldsV1 and runtime.RawExtension (JSON ↔ raw bytes),
 * resource.Quantity (its string), intstr.IntOrString (number or string ↔
 * type/intVal/strVal), and the one-field `items` wrappers (ExtraValue) ↔ arrays.
 * Decoding mirrors Go: a protobuf body decodes into a struct, which JSON then
 * writes, so a zero scalar appears only for pointer fields or fields without
 * `omitempty`. A new kind of a listed package needs no code here.
 */

interface GoFacts {
  inline?: string[];
  pointer?: string[];
  always?: string[];
  json?: Record<string, string>;
}

interface Protos {
  version: string;
  goFields: Record<string, GoFacts>;
  descriptor: protobuf.INamespace;
}

// Required rather than imported: tsc would infer a type for the whole 250 kB document.
const protos = require('./proto/k8s-protos.json') as Protos;

const root = protobuf.Root.fromJSON(protos.descriptor);

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const SPECIAL = {
  time: `.${META}.Time`,
  microTime: `.${META}.MicroTime`,
  duration: `.${META}.Duration`,
  fieldsV1: `.${META}.FieldsV1`,
  quantity: '.k8s.io.apimachinery.pkg.api.resource.Quantity',
  intOrString: '.k8s.io.apimachinery.pkg.util.intstr.IntOrString',
  rawExtension: '.k8s.io.apimachinery.pkg.runtime.RawExtension',
} as const;

interface FieldPlan {
  field: protobuf.Field;
  json: string;
  inline: boolean;
  /** Written by JSON even when zero (a pointer that was set, or no omitempty). */
  keepZero: boolean;
  /** The field's message type, if it is one. */
  message?: protobuf.Type;
}

/** What a message type is on the JSON side: one of the special forms, or a plain object of fields. */
interface TypePlan {
  special?: string;
  fields: FieldPlan[];
}

/**
 * A message that is a named list of strings in Go (`type ExtraValue []string`): JSON writes the array.
 * A struct whose one field is a list of messages (`DownwardAPIProjection { Items []DownwardAPIVolumeFile }`)
 * is not one: JSON writes it as an object.
 */
const ITEMS = 'items';
const isItemsWrapper = (type: protobuf.Type) => {
  const [only] = type.fieldsArray;
  if (type.fieldsArray.length !== 1 || only.name !== 'items' || !only.repeated || type.name.endsWith('List')) return false;
  only.resolve();
  return !(only.resolvedType instanceof protobuf.Type);
};

// Plans are computed once per type (protobufjs computes fullName on every read).
const plans = new Map<protobuf.Type, TypePlan>();
const planOf = (type: protobuf.Type): TypePlan => {
  let plan = plans.get(type);
  if (plan) return plan;
  const fullName = type.fullName;
  const facts = protos.goFields[fullName.slice(1)] ?? {};
  const special = (Object.values(SPECIAL) as string[]).includes(fullName) ? fullName : isItemsWrapper(type) ? ITEMS : undefined;
  plan = {
    special,
    fields: type.fieldsArray.map((field) => {
      field.resolve();
      return {
        field,
        json: facts.json?.[field.name] ?? field.name,
        inline: facts.inline?.includes(field.name) ?? false,
        keepZero: (facts.pointer?.includes(field.name) ?? false) || (facts.always?.includes(field.name) ?? false),
        message: field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined,
      };
    }),
  };
  plans.set(type, plan);
  return plan;
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);

/** RFC 3339 → seconds and nanoseconds, keeping every fraction digit (Date keeps milliseconds only). */
const parseTime = (text: string): { seconds: number; nanos: number } => {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i.exec(text);
  const ms = m ? Date.parse(`${m[1]}${m[3]}`) : NaN;
  if (!m || Number.isNaN(ms)) throw new Error(`invalid time ${JSON.stringify(text)}: expected RFC 3339`);
  return { seconds: ms / 1000, nanos: Number((m[2] ?? '').padEnd(9, '0')) };
};

/** Go's metav1.Time (seconds precision) and MicroTime (6 fraction digits), always in UTC. */
const formatTime = (seconds: number, nanos: number, micro: boolean): string => {
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  return micro ? `${base}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${base}Z`;
};

// ---- JSON → message (plain objects protobufjs encodes) ----

const attempt = <T>(f: () => T): T | undefined => {
  try {
    return f();
  } catch {
    return undefined;
  }
};

const toScalar = (field: protobuf.Field, v: unknown): unknown => {
  if (field.type === 'bytes') return typeof v === 'string' ? Buffer.from(v, 'base64') : Buffer.from(goJsonMarshal(v));
  if (field.type === 'string') return typeof v === 'string' ? v : String(v);
  if (field.type === 'bool') return v === true;
  return typeof v === 'number' ? v : Number(v);
};

const toSpecial = (special: string, v: unknown): Record<string, unknown> | undefined => {
  switch (special) {
    // Answers must not fail on one odd value a lenient write let through: a time or
    // duration that does not parse is left out, as the zero value Go would hold.
    case SPECIAL.time:
    case SPECIAL.microTime:
      return typeof v === 'string' && v !== '' ? attempt(() => parseTime(v)) : undefined;
    case SPECIAL.duration:
      return typeof v === 'number' ? { duration: v } : attempt(() => ({ duration: parseGoDuration(String(v)) }));
    case SPECIAL.quantity:
      return { string: String(v) };
    case SPECIAL.intOrString:
      return typeof v === 'number' ? { type: 0, intVal: v } : { type: 1, strVal: String(v) };
    case SPECIAL.rawExtension:
      return { raw: Buffer.from(goJsonMarshal(v)) };
    case SPECIAL.fieldsV1:
      return { Raw: Buffer.from(JSON.stringify(v)) };
    default:
      return Array.isArray(v) ? { items: v.map(String) } : undefined;
  }
};

const toValue = (p: FieldPlan, v: unknown): unknown => (p.message ? toMessage(p.message, v) : toScalar(p.field, v));

/** A JSON value as the plain object protobufjs encodes for `type`; fields the schema does not know are left out. */
export const toMessage = (type: protobuf.Type, value: unknown): Record<string, unknown> | undefined => {
  const plan = planOf(type);
  if (plan.special) return toSpecial(plan.special, value);
  if (!isRecord(value)) return undefined;
  const out: Record<string, unknown> = {};
  for (const p of plan.fields) {
    const { field } = p;
    if (p.inline) {
      const inner = toMessage(p.message!, value);
      if (inner && Object.keys(inner).length) out[field.name] = inner;
      continue;
    }
    const v = value[p.json];
    if (v === undefined || v === null) continue;
    if (field.map) {
      if (!isRecord(v)) continue;
      out[field.name] = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, toValue(p, x)]));
    } else if (field.repeated) {
      if (Array.isArray(v)) out[field.name] = v.filter((x) => x !== null).map((x) => toValue(p, x));
    } else {
      const converted = toValue(p, v);
      if (converted !== undefined) out[field.name] = converted;
    }
  }
  return out;
};

// ---- message (protobufjs' toObject, longs as numbers) → JSON ----

const fromSpecial = (special: string, o: Record<string, any>): unknown => {
  switch (special) {
    case SPECIAL.time:
    case SPECIAL.microTime: {
      const seconds = toNumber(o.seconds ?? 0);
      const nanos = toNumber(o.nanos ?? 0);
      // Go's zero time is JSON null: the field is left out.
      if (seconds === 0 && nanos === 0) return undefined;
      return formatTime(seconds, nanos, special === SPECIAL.microTime);
    }
    case SPECIAL.duration:
      return formatGoDuration(toNumber(o.duration ?? 0));
    case SPECIAL.quantity:
      return o.string ?? '0';
    case SPECIAL.intOrString:
      return toNumber(o.type ?? 0) === 1 ? (o.strVal ?? '') : toNumber(o.intVal ?? 0);
    case SPECIAL.rawExtension:
    case SPECIAL.fieldsV1: {
      const raw = (o.raw ?? o.Raw) as Uint8Array | undefined;
      if (!raw || raw.length === 0) return undefined;
      const text = Buffer.from(raw).toString('utf8');
      if (jsonDepth(text) > MAX_NESTING_DEPTH) throw new Error(`exceeded max depth of ${MAX_NESTING_DEPTH}`);
      try {
        return JSON.parse(text);
      } catch {
        throw new Error(`${special.split('.').pop()} holds no JSON`);
      }
    }
    default:
      return Array.isArray(o.items) ? o.items : [];
  }
};

const isZero = (v: unknown) => v === '' || v === 0 || v === false;

/** An int64 as protobufjs decodes it (a Long when the long package is there) → a number. */
const toNumber = (v: unknown): number => (typeof v === 'number' ? v : typeof (v as { toNumber?: unknown }).toNumber === 'function' ? (v as { toNumber(): number }).toNumber() : Number(v));

const fromValue = (p: FieldPlan, v: unknown): unknown => {
  if (p.message) return fromMessage(p.message, v as Record<string, unknown>);
  if (p.field.type === 'bytes') return Buffer.from(v as Uint8Array).toString('base64');
  return typeof v === 'object' && v !== null ? toNumber(v) : v;
};

/**
 * A decoded message (as protobufjs' decode returns it: present fields are own
 * properties, absent ones read their defaults from the prototype) as Kubernetes JSON.
 */
export const fromMessage = (type: protobuf.Type, o: Record<string, unknown>): unknown => {
  const plan = planOf(type);
  if (plan.special) return fromSpecial(plan.special, o);
  const out: Record<string, unknown> = {};
  for (const p of plan.fields) {
    const { field } = p;
    if (!Object.prototype.hasOwnProperty.call(o, field.name)) continue;
    const v = o[field.name];
    if (v === undefined || v === null) continue;
    if (p.inline) {
      Object.assign(out, fromMessage(p.message!, v as Record<string, unknown>));
      continue;
    }
    let json: unknown;
    if (field.map) {
      const entries = Object.entries(v as Record<string, unknown>);
      if (!entries.length) continue;
      json = Object.fromEntries(entries.map(([k, x]) => [k, fromValue(p, x)]));
    } else if (field.repeated) {
      if (!(v as unknown[]).length) continue;
      json = (v as unknown[]).map((x) => fromValue(p, x));
    } else {
      json = fromValue(p, v);
      if (json === undefined || (isZero(json) && !p.keepZero)) continue;
    }
    out[p.json] = json;
  }
  return out;
};

const PACKAGE_OF_GROUP = (group: string) => (group === '' ? 'core' : group.replace(/\.k8s\.io$/, '').split('.')[0]);

/**
 * The message of a kind: `<group>/<version>` → k8s.io.api.<group>.<version>,
 * then meta/v1, which every group version serves (Status, DeleteOptions,
 * WatchEvent, …). Undefined for kinds with no upstream schema (the ledger group).
 */
export const messageTypeFor = (apiVersion: string, kind: string): protobuf.Type | undefined => {
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  if (!/^[a-z0-9]+$/.test(version) || !/^[A-Za-z0-9]+$/.test(kind)) return undefined;
  const names = [`k8s.io.api.${PACKAGE_OF_GROUP(group)}.${version}.${kind}`];
  if (!group.endsWith('daemonledger.io')) names.push(`${META}.${kind}`);
  for (const name of names) {
    const found = root.lookup(name);
    if (found instanceof protobuf.Type) return found;
  }
  return undefined;
};

export const lookupType = (name: string): protobuf.Type => root.lookupType(name);
