/**
 * PATCH body dispatch by media type, as kube-apiserver's patch handler does
 * it: decode the body, apply it to the live object, and enforce the
 * resourceVersion precondition a patch may carry.
 */
import { DomainError } from '../../errors';
import { checkPreconditions } from '../preconditions';
import { isObject, JsonObject, JsonValue } from './json';
import { applyJsonMergePatch } from './json-merge-patch';
import { applyJsonPatch, decodeJsonPatch, goJsonKind } from './json-patch';
import { PATCH_SCHEMAS, PatchKind } from './patch-schema';
import { applyStrategicMergePatch } from './strategic-merge-patch';

export const PATCH_MEDIA_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
  'application/strategic-merge-patch+json',
] as const;

export type PatchMediaType = (typeof PATCH_MEDIA_TYPES)[number];

/** Upstream's 415 text for PATCH (the order is upstream's too). */
export const UNSUPPORTED_PATCH_MEDIA_TYPE_MESSAGE = `the body of the request was in an unknown format - accepted media types include: ${PATCH_MEDIA_TYPES.join(', ')}`;

/** `Application/Merge-Patch+JSON; charset=utf-8` → `application/merge-patch+json`; undefined when not a patch type. */
export const patchMediaType = (contentType: string | undefined): PatchMediaType | undefined => {
  const essence = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return (PATCH_MEDIA_TYPES as readonly string[]).includes(essence) ? (essence as PatchMediaType) : undefined;
};

/**
 * The raw request body (text or bytes) or a value a body parser already
 * decoded. A string is always read as raw JSON text. Raw is preferred: only
 * then can a malformed body get upstream's 400 text.
 */
export type PatchBody = string | Uint8Array | JsonValue;

/** REST resource names for the optimistic-lock message. */
const RESOURCES: Readonly<Record<PatchKind, string>> = {
  DaemonSet: 'daemonsets.apps',
  ControllerRevision: 'controllerrevisions.apps',
  Pod: 'pods',
  Node: 'nodes',
  Namespace: 'namespaces',
  ServiceAccount: 'serviceaccounts',
  ConfigMap: 'configmaps',
  Secret: 'secrets',
  Service: 'services',
  Role: 'roles.rbac.authorization.k8s.io',
  ClusterRole: 'clusterroles.rbac.authorization.k8s.io',
  RoleBinding: 'rolebindings.rbac.authorization.k8s.io',
  ClusterRoleBinding: 'clusterrolebindings.rbac.authorization.k8s.io',
  Lease: 'leases.coordination.k8s.io',
  PriorityClass: 'priorityclasses.scheduling.k8s.io',
};

/**
 * Applies a PATCH body to the live object `target` and returns the new object
 * (a copy; `target` is not mutated).
 *
 * - `application/strategic-merge-patch+json`: SMP with the kind's patch tags.
 * - `application/merge-patch+json`: RFC 7386.
 * - `application/json-patch+json`: RFC 6902.
 * - `application/apply-patch+yaml` without ownership: the body is the
 *   caller's full desired object, strategic-merged over `target` (pass `{}`
 *   when the object does not exist yet). Resources that track field
 *   ownership go through `applyWithOwnership` (managed-fields.ts) instead,
 *   with conflicts and removal of dropped fields. The body must be JSON
 *   (kubectl sends JSON text); real YAML is a 400 here.
 *
 * A `metadata.resourceVersion` left in the result that differs from the live
 * one is a 409 Conflict, as upstream treats it as a precondition.
 * Throws DomainError: 415 unknown media type, 400 malformed body, 422 or 400
 * for patches that do not apply, 409 for a stale resourceVersion.
 */
export const applyPatch = (contentType: string | undefined, target: JsonObject, body: PatchBody, kind: PatchKind): JsonObject => {
  const mediaType = patchMediaType(contentType);
  if (mediaType === undefined) throw new DomainError('UnsupportedMediaType', UNSUPPORTED_PATCH_MEDIA_TYPE_MESSAGE);
  const patch = decodeBody(body);
  const result = applyByType(mediaType, target, patch, kind);
  checkResourceVersion(target, result, kind);
  return result;
};

const applyByType = (mediaType: PatchMediaType, target: JsonObject, patch: JsonValue, kind: PatchKind): JsonObject => {
  switch (mediaType) {
    case 'application/json-patch+json':
      return asObject(applyJsonPatch(target, decodeJsonPatch(patch)));
    case 'application/merge-patch+json':
      // evanphx/json-patch refuses a null patch document.
      if (patch === null) throw new DomainError('BadRequest', 'Invalid JSON Patch');
      return asObject(applyJsonMergePatch(target, patch));
    case 'application/strategic-merge-patch+json':
    case 'application/apply-patch+yaml':
      // Go unmarshals `null` into an empty map: a no-op patch.
      if (patch === null) return applyStrategicMergePatch(target, {}, PATCH_SCHEMAS[kind]);
      if (!isObject(patch)) throw new DomainError('BadRequest', `json: cannot unmarshal ${goJsonKind(patch)} into Go value of type map[string]interface {}`);
      return applyStrategicMergePatch(target, patch, PATCH_SCHEMAS[kind]);
  }
};

const asObject = (v: JsonValue): JsonObject => {
  if (!isObject(v)) throw new DomainError('BadRequest', `json: cannot unmarshal ${goJsonKind(v)} into Go value of type map[string]interface {}`);
  return v;
};

const decodeBody = (body: PatchBody): JsonValue => {
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) return body;
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  try {
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    throw new DomainError('BadRequest', goSyntaxError(text, e instanceof Error ? e.message : ''));
  }
};

/**
 * Go's encoding/json wording for a syntax error, approximated from V8's
 * message (the offending character and where it sits).
 */
const goSyntaxError = (text: string, v8Message: string): string => {
  if (text.trim() === '' || /end of JSON input|Unterminated string/i.test(v8Message)) return 'unexpected end of JSON input';
  const pos = /at position (\d+)/.exec(v8Message);
  const token = /Unexpected token '(.)'|Unexpected token (.)/.exec(v8Message);
  const at = pos ? Number(pos[1]) : token ? text.indexOf(token[1] ?? token[2]) : -1;
  if (at < 0 || at >= text.length) return 'unexpected end of JSON input';
  const ch = text[at] === "'" ? "'\\''" : `'${text[at]}'`;
  if (/after JSON/.test(v8Message)) return `invalid character ${ch} after top-level value`;
  const before = text.slice(0, at).trimEnd().slice(-1);
  const inObjectKey = before === '{' || (before === ',' && enclosing(text.slice(0, at)) === '{');
  return `invalid character ${ch} looking for beginning of ${inObjectKey ? 'object key string' : 'value'}`;
};

/** The innermost open bracket of a JSON prefix (strings skipped). */
const enclosing = (prefix: string): string | undefined => {
  const stack: string[] = [];
  let inString = false;
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') stack.push(c);
    else if (c === '}' || c === ']') stack.pop();
  }
  return stack[stack.length - 1];
};

const resourceVersionOf = (o: JsonObject): string | undefined => {
  const meta = o['metadata'];
  const rv = isObject(meta) ? meta['resourceVersion'] : undefined;
  return typeof rv === 'string' && rv !== '' ? rv : undefined;
};

/** A resourceVersion the patch leaves in the object is a precondition on the live object (one rule: checkPreconditions). */
const checkResourceVersion = (live: JsonObject, patched: JsonObject, kind: PatchKind): void => {
  const [resource, ...group] = RESOURCES[kind].split('.');
  const meta = patched['metadata'];
  const name = isObject(meta) && typeof meta['name'] === 'string' ? meta['name'] : '';
  const have = resourceVersionOf(live);
  if (have === undefined) return;
  checkPreconditions({ resource, group: group.join('.') }, { metadata: { name, resourceVersion: have } }, { resourceVersion: resourceVersionOf(patched) });
};
