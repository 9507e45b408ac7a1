/**
 * Text → typed API objects, the way `kubectl` + a strict API server see them:
 * YAML (multi-document, YAML 1.1 scalars as go-yaml reads them) or JSON;
 * dispatch by apiVersion/kind; Go's JSON semantics (null means "not set",
 * missing fields are zero values); unknown fields reported per
 * fieldValidation. Every failure is a DomainError, never a zod or yaml error.
 */
import { parseAllDocuments } from 'yaml';
import type { z } from 'zod';
import { DomainError } from '../errors';
import type { ControllerRevision, DaemonSet, Node, Pod } from './types';
import { controllerRevisionSchema, daemonSetSchema, nodeSchema, podSchema } from './schemas';

export type ApiObject = DaemonSet | Pod | Node | ControllerRevision;
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface DecodeOptions {
  /** As the `fieldValidation` query parameter; default Strict. */
  readonly fieldValidation?: FieldValidation;
}

export interface Decoded<T extends ApiObject = ApiObject> {
  readonly object: T;
  /** `unknown field "spec.foo"` texts (only non-empty under Warn/Ignore). */
  readonly warnings: string[];
}

export interface DecodableKind {
  readonly apiVersion: string;
  readonly kind: string;
  readonly schema: z.ZodType;
}

const KINDS: readonly DecodableKind[] = [
  { apiVersion: 'apps/v1', kind: 'DaemonSet', schema: daemonSetSchema },
  { apiVersion: 'apps/v1', kind: 'ControllerRevision', schema: controllerRevisionSchema },
  { apiVersion: 'v1', kind: 'Pod', schema: podSchema },
  { apiVersion: 'v1', kind: 'Node', schema: nodeSchema },
];

/** The served apiVersion/kind pairs (discovery must list exactly these). */
export const SERVED_KINDS: readonly { apiVersion: string; kind: string }[] = KINDS.map(({ apiVersion, kind }) => ({ apiVersion, kind }));

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses a manifest into raw JSON values, one per non-empty document. A `v1`
 * `List` (what `kubectl get -o yaml` prints) is expanded into its items.
 */
export const parseManifest = (text: string): unknown[] => {
  const trimmed = text.trimStart();
  const docs = trimmed.startsWith('{') || trimmed.startsWith('[') ? [parseJson(text)] : parseYaml(text);
  return docs.flatMap((d) => (isRecord(d) && d.kind === 'List' && Array.isArray(d.items) ? d.items : [d])).filter((d) => d !== null && d !== undefined);
};

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const pos = /position (\d+)/.exec(msg);
    let where = '';
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      const line = before.split('\n').length;
      where = ` at line ${line}, column ${Number(pos[1]) - before.lastIndexOf('\n')}`;
    }
    throw new DomainError('BadRequest', `error parsing JSON${where}: ${msg.replace(/ in JSON at position \d+.*$/, '')}`);
  }
};

const parseYaml = (text: string): unknown[] => {
  // go-yaml (behind kubectl and sigs.k8s.io/yaml) reads YAML 1.1 scalars: `yes`/`on` are booleans.
  const docs = parseAllDocuments(text, { version: '1.1', uniqueKeys: true, prettyErrors: true });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    const err = doc.errors[0];
    if (err) {
      const at = err.linePos?.[0];
      const where = at ? `line ${at.line}, column ${at.col}` : 'unknown position';
      throw new DomainError('BadRequest', `error converting YAML to JSON: yaml: ${where}: ${err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
    }
  }
  return list.map((d) => {
    try {
      return d.toJS({ maxAliasCount: 100 }) as unknown;
    } catch (e) {
      // An alias bomb ("billion laughs"): refused as go-yaml refuses it, not expanded.
      if (/alias/i.test((e as Error).message)) throw new DomainError('BadRequest', 'error converting YAML to JSON: yaml: document contains excessive aliasing');
      throw new DomainError('BadRequest', `error converting YAML to JSON: ${(e as Error).message}`);
    }
  });
};

/** Go's json.Unmarshal leaves a field untouched when the JSON says null. */
const dropNulls = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (!isRecord(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = dropNulls(x);
  return out;
};

const goJsonKind = (v: unknown): string => {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'number' : `number ${v}`;
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return 'object';
};

const pathText = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg)), '');

const deleteAt = (root: unknown, path: readonly PropertyKey[], key: string): void => {
  let node: unknown = root;
  for (const seg of path) node = (node as Record<PropertyKey, unknown>)[seg as string];
  if (isRecord(node)) delete node[key];
};

const documentOrder = (root: unknown): Map<string, number> => {
  const order = new Map<string, number>();
  const walk = (v: unknown, path: PropertyKey[]): void => {
    order.set(pathText(path), order.size);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (isRecord(v)) for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(root, []);
  return order;
};

const noMatch = (apiVersion: string, kind: string): DomainError =>
  new DomainError('NotFound', `no matches for kind ${JSON.stringify(kind)} in version ${JSON.stringify(apiVersion)}`, { kind });

/**
 * Decodes one raw object into its typed form. Throws DomainError:
 * NotFound for an unserved apiVersion/kind (kubectl's NoKindMatchError text),
 * BadRequest for a type mismatch or (Strict) unknown fields, with upstream's
 * `<Kind> in version "<v>" cannot be handled as a <Kind>: …` wording.
 */
export const decodeObjectDetailed = (input: unknown, options: DecodeOptions = {}): Decoded => {
  if (!isRecord(input)) throw new DomainError('BadRequest', `Object 'Kind' is missing in '${JSON.stringify(input)}'`);
  const { apiVersion, kind } = input;
  if (typeof kind !== 'string' || kind === '') throw new DomainError('BadRequest', `Object 'Kind' is missing in '${JSON.stringify(input)}'`);
  if (typeof apiVersion !== 'string' || apiVersion === '') throw new DomainError('BadRequest', `Object 'apiVersion' is missing in '${JSON.stringify(input)}'`);
  const entry = KINDS.find((k) => k.apiVersion === apiVersion && k.kind === kind);
  if (!entry) throw noMatch(apiVersion, kind);
  return decodeWithSchema(entry, input, options) as Decoded;
};

/**
 * Decodes one raw object whose apiVersion/kind is `entry`'s with its zod
 * schema (the typed kinds above, and the stored kinds of libs/domain/src/kinds):
 * Go's JSON semantics, type errors and unknown fields as upstream words them.
 */
export const decodeWithSchema = (entry: DecodableKind, input: Record<string, unknown>, options: DecodeOptions = {}): { object: unknown; warnings: string[] } => {
  const { apiVersion, kind } = entry;
  const version = apiVersion.includes('/') ? apiVersion.split('/')[1] : apiVersion;
  const fail = (what: string, causes: { reason: string; message: string; field?: string }[]) =>
    new DomainError('BadRequest', `${kind} in version ${JSON.stringify(version)} cannot be handled as a ${kind}: ${what}`, { kind, causes });

  const data = dropNulls(input);
  // ControllerRevision.data is a RawExtension: its nulls are content, not "unset".
  if (kind === 'ControllerRevision' && 'data' in input) (data as Record<string, unknown>).data = input.data;

  const mode = options.fieldValidation ?? 'Strict';
  const first = entry.schema.safeParse(data, { reportInput: true });
  const issues = first.success ? [] : first.error.issues;
  const typeIssues = issues.filter((i) => i.code !== 'unrecognized_keys');
  if (typeIssues.length) {
    // Like Go, a type error aborts decoding before unknown fields are considered.
    const texts = typeIssues.map((i) => {
      const field = pathText(i.path);
      // Custom (refinement) issues already carry upstream's text, e.g. the quantity syntax error.
      const text = i.code === 'custom' ? i.message : `json: cannot unmarshal ${goJsonKind(i.input)} into Go struct field ${field} of type ${i.message}`;
      return { field, text };
    });
    throw fail(texts.map((t) => t.text).join(', '), texts.map((t) => ({ reason: 'FieldValueTypeInvalid', message: t.text, field: t.field })));
  }
  // Go reports unknown fields in document order; zod reports inner objects first.
  const order = documentOrder(data);
  const unknown = issues
    .flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys.map((k) => ({ path: i.path, key: k })) : []))
    .sort((a, b) => (order.get(pathText([...a.path, a.key])) ?? 0) - (order.get(pathText([...b.path, b.key])) ?? 0));
  const warnings = unknown.map((u) => `unknown field ${JSON.stringify(pathText([...u.path, u.key]))}`);
  if (first.success) return { object: first.data, warnings: [] };
  if (mode === 'Strict') {
    throw fail(
      `strict decoding error: ${warnings.join(', ')}`,
      unknown.map((u, i) => ({ reason: 'FieldValueInvalid', message: warnings[i], field: pathText([...u.path, u.key]) })),
    );
  }
  for (const u of unknown) deleteAt(data, u.path, u.key);
  const second = entry.schema.safeParse(data);
  if (!second.success) throw fail('decoding failed', []);
  return { object: second.data, warnings: mode === 'Warn' ? warnings : [] };
};

export const decodeObject = (input: unknown, options: DecodeOptions = {}): ApiObject => decodeObjectDetailed(input, options).object;

/** Decodes and requires a specific kind (the resource a request was sent to). */
export const decodeAs = <K extends ApiObject['kind']>(kind: K, input: unknown, options: DecodeOptions = {}): Decoded<Extract<ApiObject, { kind: K }>> => {
  const decoded = decodeObjectDetailed(input, options);
  if (decoded.object.kind !== kind) {
    throw new DomainError('BadRequest', `the kind in the data (${decoded.object.kind}) does not match the expected kind (${kind})`);
  }
  return decoded as Decoded<Extract<ApiObject, { kind: K }>>;
};

/** parseManifest + decodeObject for every document. */
export const decodeManifest = (text: string, options: DecodeOptions = {}): ApiObject[] => parseManifest(text).map((d) => decodeObject(d, options));
