/**
 * RFC 6902 JSON patch (`application/json-patch+json`). kubectl sends it only
 * for the server-side-apply migration of managedFields, where a `replace` of
 * `/metadata/resourceVersion` doubles as an optimistic lock.
 *
 * Errors follow kube-apiserver (handlers/patch.go, applyJSPatch):
 * - a body that is not a list of operations → 400 BadRequest with the Go
 *   decoder's text;
 * - more than 10000 operations → 413;
 * - an operation that cannot be applied (failed `test`, missing path, bad
 *   index…) → 422 Invalid with the generic text upstream returns
 *   ("the server rejected our request due to an error in our request"); the
 *   json-patch library's own reason, which upstream drops, is kept as the one
 *   cause so that logs and tests can tell failures apart.
 */
import { DomainError } from '../../errors';
import { deepClone, deepEqual, goTypeName, hasMember, isObject, JsonObject, JsonValue, member, setMember } from './json';

export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: JsonValue }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

/** Upstream's cap (apiserver handlers/patch.go maxJSONPatchOperations). */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

export const JSON_PATCH_REJECTED = 'the server rejected our request due to an error in our request';

/** 422 as kube-apiserver reports a json-patch that does not apply. */
const rejected = (reason: string, path?: string): DomainError =>
  new DomainError('Invalid', JSON_PATCH_REJECTED, {
    causes: [{ reason: 'FieldValueInvalid', message: reason, ...(path !== undefined ? { field: path } : {}) }],
  });

/**
 * Checks the decoded body is a list of operations (400 otherwise) and caps its
 * length (413). Per-operation problems (unknown `op`, missing `path`) surface
 * when applied, as in upstream.
 */
export const decodeJsonPatch = (body: unknown): unknown[] => {
  if (!Array.isArray(body)) {
    throw new DomainError('BadRequest', `json: cannot unmarshal ${goJsonKind(body)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of body) {
    if (op !== null && !isObject(op)) {
      throw new DomainError('BadRequest', `json: cannot unmarshal ${goJsonKind(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (body.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new DomainError(
      'RequestEntityTooLarge',
      `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${body.length}`,
    );
  }
  return body;
};

/** Applies the operations in order to a copy of `target`; all or nothing. */
export const applyJsonPatch = (target: JsonValue, ops: readonly unknown[]): JsonValue => {
  let doc = deepClone(target);
  for (const raw of decodeJsonPatch(ops as unknown[])) {
    doc = applyOne(doc, raw);
  }
  return doc;
};

const applyOne = (doc: JsonValue, raw: unknown): JsonValue => {
  const op = isObject(raw) ? raw : {};
  const kind = member(op, 'op');
  switch (kind) {
    case 'add':
      return add(doc, pathOf(op, 'path', 'add'), valueOf(op, 'add'));
    case 'remove':
      return remove(doc, pathOf(op, 'path', 'remove'));
    case 'replace':
      return replace(doc, pathOf(op, 'path', 'replace'), valueOf(op, 'replace'));
    case 'move': {
      const from = pathOf(op, 'from', 'move');
      const path = pathOf(op, 'path', 'move');
      if (from === path) return doc;
      if (path.startsWith(from + '/')) throw rejected(`move operation does not apply: cannot move ${from} into its own child ${path}`, path);
      const value = get(doc, from, 'move operation does not apply: doc is missing from path');
      return add(remove(doc, from), path, value);
    }
    case 'copy': {
      const from = pathOf(op, 'from', 'copy');
      const value = get(doc, from, 'copy operation does not apply: doc is missing from path');
      return add(doc, pathOf(op, 'path', 'copy'), deepClone(value));
    }
    case 'test': {
      const path = pathOf(op, 'path', 'test');
      const expected = valueOf(op, 'test');
      const actual = tryGet(doc, path);
      // A missing member tests equal to null (evanphx/json-patch behaviour).
      if (!deepEqual(actual === undefined ? null : actual, expected)) {
        throw rejected(`testing value ${path} failed: test failed`, path);
      }
      return doc;
    }
    default:
      throw rejected(`Unexpected kind: ${typeof kind === 'string' ? kind : 'unknown'}`);
  }
};

const pathOf = (op: JsonObject, field: 'path' | 'from', kind: string): string => {
  const p = member(op, field);
  if (typeof p !== 'string') throw rejected(`${kind} operation missing ${field} string`);
  return p;
};

const valueOf = (op: JsonObject, kind: string): JsonValue => {
  if (!hasMember(op, 'value')) throw rejected(`${kind} operation missing value`);
  return deepClone(op['value']);
};

/** RFC 6901: "" is the whole document; otherwise "/"-separated, ~1 → "/", ~0 → "~". */
const parsePointer = (path: string): string[] => {
  if (path === '') return [];
  if (!path.startsWith('/')) throw rejected(`JSON pointer must be empty or start with a "/": ${JSON.stringify(path)}`, path);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
};

/** The container holding the last token, and that token; throws if the container is missing. */
const locate = (doc: JsonValue, path: string, missing: string): [JsonObject | JsonValue[], string] => {
  const tokens = parsePointer(path);
  if (tokens.length === 0) throw rejected(`${missing}: ${JSON.stringify(path)}`, path);
  let node: JsonValue | undefined = doc;
  for (const t of tokens.slice(0, -1)) {
    node = child(node, t);
    if (node === undefined) throw rejected(`${missing}: ${JSON.stringify(path)}: missing value`, path);
  }
  if (!isObject(node) && !Array.isArray(node)) throw rejected(`${missing}: ${JSON.stringify(path)}: missing value`, path);
  return [node, tokens[tokens.length - 1]];
};

const child = (node: JsonValue | undefined, token: string): JsonValue | undefined => {
  if (isObject(node)) return member(node, token);
  if (Array.isArray(node)) {
    const i = arrayIndex(token);
    return i !== undefined && i < node.length ? node[i] : undefined;
  }
  return undefined;
};

/** Decimal without leading zeros, as RFC 6901 §4 requires; undefined for anything else. */
const arrayIndex = (token: string): number | undefined => (/^(0|[1-9][0-9]*)$/.test(token) ? Number(token) : undefined);

const tryGet = (doc: JsonValue, path: string): JsonValue | undefined => {
  let node: JsonValue | undefined = doc;
  for (const t of parsePointer(path)) {
    node = child(node, t);
    if (node === undefined) return undefined;
  }
  return node;
};

const get = (doc: JsonValue, path: string, missing: string): JsonValue => {
  const v = tryGet(doc, path);
  if (v === undefined) throw rejected(`${missing}: ${path}: missing value`, path);
  return v;
};

const add = (doc: JsonValue, path: string, value: JsonValue): JsonValue => {
  if (path === '') return value;
  const [container, token] = locate(doc, path, 'add operation does not apply: doc is missing path');
  if (Array.isArray(container)) {
    const i = token === '-' ? container.length : arrayIndex(token);
    if (i === undefined || i > container.length) throw rejected(`Unable to access invalid index: ${token}: invalid index referenced`, path);
    container.splice(i, 0, value);
  } else {
    setMember(container, token, value);
  }
  return doc;
};

const remove = (doc: JsonValue, path: string): JsonValue => {
  if (path === '') throw rejected('Unable to remove the whole document', path);
  const [container, token] = locate(doc, path, 'remove operation does not apply: doc is missing path');
  if (Array.isArray(container)) {
    const i = arrayIndex(token);
    if (i === undefined || i >= container.length) throw rejected(`Unable to access invalid index: ${token}: invalid index referenced`, path);
    container.splice(i, 1);
  } else {
    if (!hasMember(container, token)) throw rejected(`Unable to remove nonexistent key: ${token}: missing value`, path);
    delete container[token];
  }
  return doc;
};

const replace = (doc: JsonValue, path: string, value: JsonValue): JsonValue => {
  if (path === '') return value;
  const [container, token] = locate(doc, path, 'replace operation does not apply: doc is missing path');
  if (Array.isArray(container)) {
    const i = arrayIndex(token);
    if (i === undefined || i >= container.length) throw rejected(`Unable to access invalid index: ${token}: invalid index referenced`, path);
    container[i] = value;
  } else {
    if (!hasMember(container, token)) throw rejected(`replace operation does not apply: doc is missing key: ${path}: missing value`, path);
    setMember(container, token, value);
  }
  return doc;
};

/** Go's name for the JSON kind that failed to decode, as in `cannot unmarshal object into …`. */
export const goJsonKind = (v: unknown): string => {
  const name = goTypeName(v);
  if (name.startsWith('map')) return 'object';
  if (name.startsWith('[]')) return 'array';
  if (name === 'float64') return 'number';
  return name;
};
