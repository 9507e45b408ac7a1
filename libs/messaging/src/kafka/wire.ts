/**
 * The Kafka message format, one rule for every topic: the value is the
 * message as UTF-8 JSON, the key is the port's key (a node name), and two
 * headers say how to read it. The transport's own headers are reserved; a
 * caller's headers travel beside them.
 */
export const SCHEMA_HEADER = 'daemonledger-schema-version';
export const CONTENT_TYPE_HEADER = 'content-type';
/** Bumped when the envelope (not a message kind) changes shape; a reader refuses versions it does not know. */
export const SCHEMA_VERSION = '1';
const RESERVED = new Set([SCHEMA_HEADER, CONTENT_TYPE_HEADER]);

export interface WireMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

export const encode = (key: string, value: unknown, headers: Record<string, string> = {}): WireMessage => {
  const reserved = Object.keys(headers).filter((h) => RESERVED.has(h.toLowerCase()));
  if (reserved.length) throw new Error(`header ${reserved.join(', ')} is reserved by the transport`);
  const json = JSON.stringify(value);
  if (json === undefined) throw new Error('a message value must be JSON (got undefined or a function)');
  return { key, value: json, headers: { ...headers, [SCHEMA_HEADER]: SCHEMA_VERSION, [CONTENT_TYPE_HEADER]: 'application/json' } };
};

type RawHeader = Buffer | string | (Buffer | string)[] | undefined;

/** Reads a consumed record; `error` says why it cannot be read (it is then reported and skipped). */
export const decode = (
  key: Buffer | string | null,
  value: Buffer | string | null,
  rawHeaders: Record<string, RawHeader> = {},
): { ok: true; key: string; value: unknown; headers?: Record<string, string> } | { ok: false; error: string } => {
  const headers: Record<string, string> = {};
  for (const [name, raw] of Object.entries(rawHeaders)) {
    if (raw === undefined) continue;
    headers[name] = (Array.isArray(raw) ? raw[raw.length - 1] : raw).toString();
  }
  const version = headers[SCHEMA_HEADER];
  if (version !== SCHEMA_VERSION) {
    return { ok: false, error: version ? `unsupported ${SCHEMA_HEADER} ${version} (this reader knows ${SCHEMA_VERSION})` : `no ${SCHEMA_HEADER} header` };
  }
  if (value === null) return { ok: false, error: 'a record without a value (a tombstone)' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString());
  } catch (e) {
    return { ok: false, error: `value is not JSON: ${(e as Error).message}` };
  }
  const own = Object.fromEntries(Object.entries(headers).filter(([h]) => !RESERVED.has(h)));
  return { ok: true, key: key?.toString() ?? '', value: parsed, ...(Object.keys(own).length ? { headers: own } : {}) };
};
