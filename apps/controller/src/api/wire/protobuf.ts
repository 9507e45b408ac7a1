/**
 * Just enough of Kubernetes' protobuf wire format to read the small bodies
 * kubectl's typed clients send as `application/vnd.kubernetes.protobuf` (the
 * self reviews of `kubectl auth`): the `k8s\0` envelope (runtime.Unknown) and
 * a reader of protobuf fields. Answers still go out as JSON, which the same
 * clients accept.
 */

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Field number → the values it carried: numbers (varints) or bytes (length-delimited). */
export type ProtoFields = Map<number, (number | Buffer)[]>;

export const readMessage = (buf: Buffer): ProtoFields => {
  const out: ProtoFields = new Map();
  let i = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (i >= buf.length) throw new Error('truncated varint');
      const b = buf[i++];
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
      if (shift > 63) throw new Error('varint too long');
    }
  };
  while (i < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    let value: number | Buffer;
    if (wire === 0) value = varint();
    else if (wire === 2) {
      const len = varint();
      if (i + len > buf.length) throw new Error('truncated field');
      value = buf.subarray(i, i + len);
      i += len;
    } else if (wire === 1) {
      i += 8;
      continue;
    } else if (wire === 5) {
      i += 4;
      continue;
    } else throw new Error(`unsupported wire type ${wire}`);
    const list = out.get(field) ?? [];
    list.push(value);
    out.set(field, list);
  }
  return out;
};

export const bytesOf = (m: ProtoFields, field: number): Buffer | undefined => {
  const v = m.get(field)?.[0];
  return Buffer.isBuffer(v) ? v : undefined;
};

export const stringOf = (m: ProtoFields, field: number): string | undefined => bytesOf(m, field)?.toString('utf8');

/** The object inside a `k8s\0` envelope (runtime.Unknown: 1 typeMeta, 2 raw). */
export const unwrapEnvelope = (body: Buffer): { apiVersion?: string; kind?: string; raw: Buffer } => {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw new Error('not a Kubernetes protobuf envelope');
  const unknown = readMessage(body.subarray(4));
  const typeMeta = readMessage(bytesOf(unknown, 1) ?? Buffer.alloc(0));
  return { apiVersion: stringOf(typeMeta, 1), kind: stringOf(typeMeta, 2), raw: bytesOf(unknown, 2) ?? Buffer.alloc(0) };
};
