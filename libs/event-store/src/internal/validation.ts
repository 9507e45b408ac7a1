import type {
  AppendOptions,
  AppendRequest,
  Direction,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
} from '../event-store.port';
import type { UpcasterRegistry } from '../upcaster-registry';
import { badRequest, idConflict } from './errors';

/**
 * Stream names: letters, digits and `. _ : -`, starting with a letter or digit,
 * at most 251 characters. This admits every DESIGN.md stream
 * (`daemonset-default.nginx-ds`, `pod-kube-system.fluentd-abc12`) and keeps out
 * EventStoreDB system streams (`$…`), whitespace, slashes and control characters.
 */
export const STREAM_NAME = /^[a-z0-9][a-z0-9._:-]{0,250}$/i;
/** Event types: an identifier-like name (`PodReadinessChanged`, `v2.NodeLeft`), at most 128 characters. */
export const EVENT_TYPE = /^[a-z][a-z0-9._:-]{0,127}$/i;
/** Event ids: the canonical 8-4-4-4-12 hex uuid form, any version; stored lower-case. */
export const EVENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The stored form: ids already in it (what the controller makes) are checked once and kept as they are. */
const EVENT_ID_LOWER = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;
const MAX_SCHEMA_VERSION = 0x7fffffff;

/** An event checked and serialised once; adapters store the JSON strings as they are. */
export interface PreparedEvent {
  id: string;
  type: string;
  schemaVersion: number;
  data: string;
  metadata: string;
}

export const assertStreamId = (streamId: unknown): string => {
  if (typeof streamId !== 'string' || !STREAM_NAME.test(streamId)) {
    throw badRequest(
      `Invalid stream name ${JSON.stringify(streamId)}: use 1–251 characters from [A-Za-z0-9._:-], starting with a letter or digit`,
      'streamId',
    );
  }
  return streamId;
};

export const normaliseExpected = (options: AppendOptions | undefined): ExpectedRevision => {
  const expected = options?.expectedRevision ?? 'any';
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return expected;
  if (expected === -1) return 'no_stream';
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) return expected;
  throw badRequest(
    `Invalid expected revision ${JSON.stringify(expected)}: use 'any', 'no_stream', 'stream_exists' or an integer ≥ -1`,
    'expectedRevision',
  );
};

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const stringify = (value: unknown, what: string, field: string): string => {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (cause) {
    throw badRequest(`${what} is not serialisable as JSON: ${(cause as Error).message}`, field);
  }
  if (json === undefined) throw badRequest(`${what} is not serialisable as JSON`, field);
  return json;
};

/**
 * Validates a whole batch before anything is written and serialises it once.
 * Throws BadRequest naming the offending event index; never partially succeeds.
 */
export const prepareBatch = (
  streamId: string,
  events: readonly NewEvent[],
  upcasters: UpcasterRegistry,
  maxEventBytes: number,
): PreparedEvent[] => {
  if (!Array.isArray(events) || events.length === 0) {
    throw badRequest(`Append to stream "${streamId}" needs at least one event`, 'events');
  }
  const prepared = new Array<PreparedEvent>(events.length);
  let lastMeta: unknown = undefined;
  let lastMetaJson = '{}';
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const at = `events[${i}]`;
    if (typeof e !== 'object' || e === null) throw badRequest(`${at} is not an event object`, at);
    const { id, type, data, metadata } = e;
    const lower = typeof id === 'string' && EVENT_ID_LOWER.test(id);
    if (!lower && (typeof id !== 'string' || !EVENT_ID.test(id))) {
      throw badRequest(`${at}.id ${JSON.stringify(id)} is not a uuid (8-4-4-4-12 hex)`, `${at}.id`);
    }
    if (typeof type !== 'string' || !EVENT_TYPE.test(type)) {
      throw badRequest(
        `${at}.type ${JSON.stringify(type)} is not a valid event type: 1–128 characters from [A-Za-z0-9._:-], starting with a letter`,
        `${at}.type`,
      );
    }
    const schemaVersion: unknown = e.schemaVersion ?? upcasters.currentVersion(type);
    if (typeof schemaVersion !== 'number' || !Number.isInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > MAX_SCHEMA_VERSION) {
      throw badRequest(`${at}.schemaVersion ${JSON.stringify(schemaVersion)} must be an integer ≥ 1`, `${at}.schemaVersion`);
    }
    if (!isPlainObject(data)) throw badRequest(`${at}.data must be a JSON object`, `${at}.data`);
    const dataJson = stringify(data, `${at}.data`, `${at}.data`);
    // Batches usually share one metadata object (one command): serialise it once.
    let metaJson: string;
    if (metadata === undefined) metaJson = '{}';
    else if (metadata === lastMeta) metaJson = lastMetaJson;
    else {
      if (!isPlainObject(metadata)) throw badRequest(`${at}.metadata must be a JSON object`, `${at}.metadata`);
      metaJson = stringify(metadata, `${at}.metadata`, `${at}.metadata`);
      lastMeta = metadata;
      lastMetaJson = metaJson;
    }
    // UTF-8 is at most 3 bytes per UTF-16 unit: only measure when it could matter.
    const units = dataJson.length + metaJson.length;
    if (units * 3 > maxEventBytes) {
      const bytes = Buffer.byteLength(dataJson) + Buffer.byteLength(metaJson);
      if (bytes > maxEventBytes) {
        const message = `${at} (${type}) is ${bytes} bytes of data and metadata, over the ${maxEventBytes}-byte limit`;
        throw badRequest(message, `${at}.data`);
      }
    }
    prepared[i] = { id: lower ? id : id.toLowerCase(), type, schemaVersion, data: dataJson, metadata: metaJson };
  }
  if (prepared.length > 1) {
    const seen = new Set<string>();
    for (const p of prepared) {
      if (seen.has(p.id)) throw idConflict(streamId, `event id ${p.id} appears twice in the batch`);
      seen.add(p.id);
    }
  }
  return prepared;
};

/** One request of `appendMany`, checked; `batch` is empty for a condition-only request. */
export interface PreparedAppendRequest {
  streamId: string;
  expected: ExpectedRevision;
  batch: PreparedEvent[];
}

/**
 * Checks one request of `appendMany`. `events: []` with a numeric expected
 * revision is a condition: checked with the rest, nothing written (a leader's
 * fence, see the port). Any other empty batch is BadRequest, as for `append`.
 */
export const prepareRequest = (
  request: AppendRequest,
  upcasters: UpcasterRegistry,
  maxEventBytes: number,
): PreparedAppendRequest => {
  const streamId = assertStreamId(request?.streamId);
  const expected = normaliseExpected({ expectedRevision: request.expectedRevision });
  if (Array.isArray(request.events) && request.events.length === 0 && typeof request.expectedRevision === 'number') {
    return { streamId, expected, batch: [] };
  }
  return { streamId, expected, batch: prepareBatch(streamId, request.events, upcasters, maxEventBytes) };
};

const nonNegativeInt = (value: unknown, field: string): number | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw badRequest(`${field} must be an integer ≥ 0, got ${JSON.stringify(value)}`, field);
  }
  return value;
};

const direction = (value: unknown): Direction => {
  if (value === undefined || value === 'forwards') return 'forwards';
  if (value === 'backwards') return 'backwards';
  throw badRequest(`direction must be 'forwards' or 'backwards', got ${JSON.stringify(value)}`, 'direction');
};

export interface CheckedReadStream {
  direction: Direction;
  fromRevision: number | undefined;
  maxCount: number;
}

export const checkReadStream = (options: ReadStreamOptions | undefined): CheckedReadStream => ({
  direction: direction(options?.direction),
  fromRevision: nonNegativeInt(options?.fromRevision, 'fromRevision'),
  maxCount: nonNegativeInt(options?.maxCount, 'maxCount') ?? Number.MAX_SAFE_INTEGER,
});

export interface CheckedReadAll {
  direction: Direction;
  fromPosition: number | undefined;
  maxCount: number;
  /** Inclusive upper bound (forwards only); undefined: the head. */
  toPosition: number | undefined;
  /** Undefined: every stream. */
  streamPrefixes: readonly string[] | undefined;
}

export const checkReadAll = (options: ReadAllOptions | undefined): CheckedReadAll => {
  const checked: CheckedReadAll = {
    direction: direction(options?.direction),
    fromPosition: nonNegativeInt(options?.fromPosition, 'fromPosition'),
    maxCount: nonNegativeInt(options?.maxCount, 'maxCount') ?? Number.MAX_SAFE_INTEGER,
    toPosition: nonNegativeInt(options?.toPosition, 'toPosition'),
    streamPrefixes: options?.streamPrefixes,
  };
  const prefixes = checked.streamPrefixes;
  if (prefixes !== undefined && (!Array.isArray(prefixes) || prefixes.some((p) => typeof p !== 'string' || p === ''))) {
    throw badRequest('streamPrefixes must be an array of non-empty strings', 'streamPrefixes');
  }
  if (checked.direction === 'backwards' && (checked.toPosition !== undefined || prefixes !== undefined)) {
    throw badRequest('toPosition and streamPrefixes are for forward reads only', checked.toPosition !== undefined ? 'toPosition' : 'streamPrefixes');
  }
  return checked;
};

/** Whether a stream is one a read asked for (`streamPrefixes` undefined: all). */
export const streamWanted = (streamId: string, prefixes: readonly string[] | undefined): boolean => {
  if (prefixes === undefined) return true;
  for (const p of prefixes) if (streamId.startsWith(p)) return true;
  return false;
};

/** Common options every adapter accepts. */
export interface EventStoreOptions {
  upcasters?: UpcasterRegistry;
  /** Max UTF-8 bytes of data + metadata JSON per event; default 1 MiB. */
  maxEventBytes?: number;
}
