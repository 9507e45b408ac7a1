import protobuf from 'protobufjs';
import { goObject } from './go-omitempty';
import { fromMessage, lookupType, messageTypeFor, toMessage } from './k8s-proto';

/**
 * Kubernetes' protobuf wire format (apimachinery pkg/runtime/serializer/protobuf):
 * a body is the 4 bytes `k8s\0` then a runtime.Unknown whose typeMeta names
 * the kind and whose raw bytes are the object's message. A watch stream in
 * protobuf is a sequence of frames, each a 4-byte big-endian length and a
 * meta/v1 WatchEvent message written without the prefix and envelope (the
 * "raw" serializer), whose object is an embedded, enveloped object.
 * Every message is encoded and decoded by protobufjs from upstream's schema.
 */

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
export const PROTOBUF_WATCH_CONTENT_TYPE = `${PROTOBUF_CONTENT_TYPE};stream=watch`;
const MAGIC = Buffer.from('k8s\u0000', 'latin1');

const unknownType = lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
const watchEventType = lookupType('k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent');

/** A protobuf body that cannot be read: the message says why (a 400 at the API edge). */
export class ProtobufDecodeError extends Error {}

type KubeJson = Record<string, unknown> & { apiVersion?: unknown; kind?: unknown };

/** Whether `obj` (with apiVersion and kind) has a protobuf form. */
export const canEncode = (obj: unknown): boolean =>
  typeof obj === 'object' && obj !== null && typeof (obj as KubeJson).apiVersion === 'string' && typeof (obj as KubeJson).kind === 'string'
    ? messageTypeFor((obj as KubeJson).apiVersion as string, (obj as KubeJson).kind as string) !== undefined
    : false;

/**
 * The items of lists, encoded once: the objects of a view are never mutated,
 * so an object's bytes are kept with it (and forgotten with it), and a list
 * is its head plus the items' kept bytes.
 */
const itemBytes = new WeakMap<object, Uint8Array>();
const encodeItem = (type: protobuf.Type, item: unknown): Uint8Array => {
  const cacheable = typeof item === 'object' && item !== null;
  let bytes = cacheable ? itemBytes.get(item) : undefined;
  if (!bytes) {
    bytes = type.encode(toMessage(type, item) ?? {}).finish();
    if (cacheable) itemBytes.set(item, bytes);
  }
  return bytes;
};

/** The object's message bytes alone (no envelope), or undefined when its kind has no protobuf form. */
const messageBytes = (obj: KubeJson): { type: protobuf.Type; bytes: Uint8Array } | undefined => {
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return undefined;
  const type = messageTypeFor(obj.apiVersion, obj.kind);
  if (!type) return undefined;
  const items = type.fields.items;
  items?.resolve();
  if (Array.isArray(obj.items) && items?.repeated && items.resolvedType instanceof protobuf.Type) {
    const itemType = items.resolvedType;
    // protobufjs encodes plain objects whose values have the field types, as toMessage makes them.
    const writer = type.encode(toMessage(type, { ...obj, items: [] }) ?? {});
    for (const item of obj.items) writer.uint32(((items.id << 3) | 2) >>> 0).bytes(encodeItem(itemType, item));
    return { type, bytes: writer.finish() };
  }
  return { type, bytes: encodeItem(type, obj) };
};

/**
 * `k8s\0` + runtime.Unknown{typeMeta, raw}; undefined when the kind has no
 * protobuf form, or the object cannot be written in it (the caller answers
 * in JSON, which every protobuf client also accepts, rather than failing).
 */
export const encodeObject = (obj: unknown): Buffer | undefined => {
  const o = obj as KubeJson;
  let encoded: ReturnType<typeof messageBytes>;
  try {
    // As the Go struct holds it (a DaemonSet template's containers carry `resources`, a message Go always writes).
    encoded = typeof obj === 'object' && obj !== null ? messageBytes(goObject(o)) : undefined;
  } catch {
    return undefined;
  }
  if (!encoded) return undefined;
  const unknown = unknownType.fromObject({ typeMeta: { apiVersion: o.apiVersion, kind: o.kind }, raw: encoded.bytes, contentEncoding: '', contentType: '' });
  return Buffer.concat([MAGIC, unknownType.encode(unknown).finish()]);
};

/** One watch frame: length, then WatchEvent{type, object: RawExtension{raw: enveloped object}}. */
export const encodeWatchFrame = (type: string, object: unknown): Buffer | undefined => {
  const raw = encodeObject(object);
  if (!raw) return undefined;
  const event = watchEventType.encode(watchEventType.fromObject({ type, object: { raw } })).finish();
  const frame = Buffer.allocUnsafe(4 + event.length);
  frame.writeUInt32BE(event.length, 0);
  frame.set(event, 4);
  return frame;
};

/**
 * A protobuf body as the JSON object it stands for, apiVersion and kind
 * from the envelope. Refuses (ProtobufDecodeError) a body without the prefix,
 * a kind with no schema, truncated or malformed messages, and messages nested
 * deeper than `maxDepth` (checked before any recursive decoding).
 */
export const decodeObject = (body: Buffer, maxDepth: number): Record<string, unknown> => {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new ProtobufDecodeError('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  }
  if (body.length === MAGIC.length) throw new ProtobufDecodeError('empty body');
  const unknown = decodeWith(unknownType, body.subarray(MAGIC.length), maxDepth) as { typeMeta?: { apiVersion?: string; kind?: string }; raw?: Uint8Array };
  const apiVersion = unknown.typeMeta?.apiVersion ?? '';
  const kind = unknown.typeMeta?.kind ?? '';
  const type = messageTypeFor(apiVersion, kind);
  if (!type) throw new ProtobufDecodeError(`no kind ${JSON.stringify(kind)} is registered for version ${JSON.stringify(apiVersion)}`);
  const decoded = decodeWith(type, Buffer.from(unknown.raw ?? new Uint8Array()), maxDepth);
  let json: unknown;
  try {
    json = fromMessage(type, decoded);
  } catch (e) {
    throw new ProtobufDecodeError(`unable to decode ${kind}: ${(e as Error).message}`);
  }
  return { apiVersion, kind, ...(json as Record<string, unknown>) };
};

const decodeWith = (type: protobuf.Type, bytes: Uint8Array, maxDepth: number): Record<string, unknown> => {
  const depth = messageDepth(type, bytes, maxDepth);
  if (depth > maxDepth) throw new ProtobufDecodeError(`exceeded max depth of ${maxDepth}`);
  try {
    return type.decode(bytes) as unknown as Record<string, unknown>;
  } catch (e) {
    throw new ProtobufDecodeError(`unable to decode ${type.name}: ${(e as Error).message}`);
  }
};

/**
 * How deeply the messages in `bytes` nest, walked with an explicit stack (so a
 * hostile body cannot exhaust the call stack before it is refused). Stops
 * early once past `limit`. Malformed input ends the walk; decode reports it.
 */
export const messageDepth = (type: protobuf.Type, bytes: Uint8Array, limit: number): number => {
  const reader = protobuf.Reader.create(bytes);
  // Each frame: the message type read until `end`, or a map entry whose value (field 2) may be a message.
  const stack: { type?: protobuf.Type; entryValue?: protobuf.Type; end: number }[] = [{ type, end: bytes.length }];
  let deepest = 1;
  try {
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (reader.pos >= top.end) {
        stack.pop();
        continue;
      }
      const key = reader.uint32();
      const wire = key & 7;
      const id = key >>> 3;
      let next: { type?: protobuf.Type; entryValue?: protobuf.Type } | undefined;
      if (wire === 2) {
        if (top.type) {
          const field = top.type.fieldsById[id];
          if (field) {
            field.resolve();
            const inner = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
            if (field.map) next = { entryValue: inner };
            else if (inner) next = { type: inner };
          }
        } else if (id === 2 && top.entryValue) next = { type: top.entryValue };
      }
      if (!next) {
        reader.skipType(wire);
        continue;
      }
      const length = reader.uint32();
      const end = reader.pos + length;
      if (end > top.end) return deepest;
      stack.push({ ...next, end });
      deepest = Math.max(deepest, stack.length);
      if (deepest > limit) return deepest;
    }
  } catch {
    // Truncated or malformed: the decoder says what is wrong.
  }
  return deepest;
};
