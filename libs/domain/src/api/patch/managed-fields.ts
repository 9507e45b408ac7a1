/**
 * Field ownership for server-side apply: which manager set which field,
 * kept in `metadata.managedFields` as kube-apiserver keeps it (FieldsV1).
 *
 * A field set is a set of paths. A path is a list of elements in FieldsV1
 * spelling: `f:<field>` for a struct or map field, `k:{"name":"x"}` for the
 * item of a list merged by key (its merge key from the patch schema). The
 * members of a set are the leaves of the object (scalars, lists replaced
 * whole, empty objects) plus each keyed list item itself (FieldsV1's `.`).
 *
 * - `applyWithOwnership`: the apply of one manager's configuration: conflicts
 *   with other managers (fields they own, set to other values) are a 409
 *   unless forced, which takes the fields from them; fields the manager
 *   applied before and leaves out now are removed, unless another manager
 *   owns them too.
 * - `trackUpdate`: any other write: the fields it changed now belong to its
 *   manager (operation Update) and to no one else.
 */
import { jsonEqual } from '../../cluster/equality';
import { DomainError } from '../../errors';
import type { ManagedFieldsEntry } from '../types';
import { isObject, type JsonObject, type JsonValue } from './json';
import { fieldMeta, type StructPatchSchema } from './patch-schema';
import { applyStrategicMergePatch } from './strategic-merge-patch';

type Path = string[];
const SEP = '\u0000';
const join = (p: Path) => p.join(SEP);
const split = (key: string): Path => (key === '' ? [] : key.split(SEP));

/** Fields no manager owns: identity, bookkeeping, and status (a subresource of its own). */
const IGNORED_TOP = new Set(['apiVersion', 'kind', 'status']);
const IGNORED_META = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink']);


const itemKey = (item: JsonValue, mergeKey: string): string | undefined => {
  if (!isObject(item) || item[mergeKey] === undefined) return undefined;
  return `k:${JSON.stringify({ [mergeKey]: item[mergeKey] })}`;
};

/** The field set of an object (a configuration or a live object). */
export const fieldSet = (obj: JsonObject, schema: StructPatchSchema): Set<string> => {
  const out = new Set<string>();
  const walk = (value: JsonObject, s: StructPatchSchema | undefined, prefix: Path, top: boolean, meta: boolean) => {
    for (const [k, v] of Object.entries(value)) {
      if (v === null || v === undefined) continue;
      if (top && IGNORED_TOP.has(k)) continue;
      if (meta && IGNORED_META.has(k)) continue;
      const m = fieldMeta(s, k);
      const path = [...prefix, `f:${k}`];
      if (isObject(v) && Object.keys(v).length > 0) {
        walk(v, m?.fields, path, false, top && k === 'metadata');
      } else if (Array.isArray(v) && m?.mergeKey && v.length > 0 && v.every((i) => itemKey(i, m.mergeKey!) !== undefined)) {
        for (const item of v) {
          const itemPath = [...path, itemKey(item, m.mergeKey)!];
          out.add(join(itemPath));
          walk(item as JsonObject, m.fields, itemPath, false, false);
        }
      } else {
        out.add(join(path));
      }
    }
  };
  walk(obj, schema, [], true, false);
  return out;
};

/** The value at a path, or undefined. */
const valueAt = (obj: JsonValue | undefined, path: Path): JsonValue | undefined => {
  let cur: JsonValue | undefined = obj;
  for (const el of path) {
    if (cur === undefined || cur === null) return undefined;
    if (el.startsWith('f:')) {
      cur = isObject(cur) ? cur[el.slice(2)] : undefined;
    } else if (el.startsWith('k:')) {
      const key = JSON.parse(el.slice(2)) as JsonObject;
      const [[k, want]] = Object.entries(key);
      cur = Array.isArray(cur) ? cur.find((i) => isObject(i) && jsonEqual(i[k], want)) : undefined;
    } else return undefined;
  }
  return cur;
};

/** Removes the field or keyed item at `path` from `obj` (a fresh copy; untouched parts shared). */
const removeAt = (obj: JsonObject, path: Path): JsonObject => {
  const [el, ...rest] = path;
  if (!el?.startsWith('f:')) return obj;
  const name = el.slice(2);
  if (!(name in obj)) return obj;
  if (rest.length === 0) {
    const { [name]: _gone, ...kept } = obj;
    return kept;
  }
  const child = obj[name];
  const next = rest[0];
  if (next.startsWith('k:') && Array.isArray(child)) {
    const key = JSON.parse(next.slice(2)) as JsonObject;
    const [[k, want]] = Object.entries(key);
    const items = child
      .map((i) => {
        if (!isObject(i) || !jsonEqual(i[k], want)) return i;
        return rest.length === 1 ? undefined : removeAt(i, rest.slice(1));
      })
      .filter((i): i is JsonValue => i !== undefined);
    // A list emptied by the removal goes too: the configuration no longer has it.
    if (items.length === 0) {
      const { [name]: _gone, ...kept } = obj;
      return kept;
    }
    return { ...obj, [name]: items };
  }
  if (isObject(child)) return { ...obj, [name]: removeAt(child, rest) };
  return obj;
};

// ── FieldsV1 ────────────────────────────────────────────────────────────────

export const toFieldsV1 = (set: Set<string>): JsonObject => {
  const root: JsonObject = {};
  for (const key of [...set].sort()) {
    const path = split(key);
    let node = root;
    for (const el of path) node = (node[el] ??= {}) as JsonObject;
    if (path[path.length - 1].startsWith('k:')) node['.'] = {};
  }
  return root;
};

export const fromFieldsV1 = (tree: unknown): Set<string> => {
  const out = new Set<string>();
  const walk = (node: JsonObject, prefix: Path) => {
    for (const [el, child] of Object.entries(node)) {
      if (el === '.') {
        out.add(join(prefix));
        continue;
      }
      const path = [...prefix, el];
      if (isObject(child) && Object.keys(child).length > 0) walk(child, path);
      else out.add(join(path));
    }
  };
  if (isObject(tree as JsonValue)) walk(tree as JsonObject, []);
  return out;
};

/** `.spec.template.spec.containers[name="nginx"].image`, as kube-apiserver names a field in a conflict. */
export const describePath = (key: string): string =>
  split(key)
    .map((el) => {
      if (el.startsWith('f:')) return `.${el.slice(2)}`;
      const [[k, v]] = Object.entries(JSON.parse(el.slice(2)) as JsonObject);
      return `[${k}=${JSON.stringify(v)}]`;
    })
    .join('');

// ── Ownership ───────────────────────────────────────────────────────────────

interface Owned {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  subresource?: string;
  fields: Set<string>;
}

const read = (entries: ManagedFieldsEntry[] | undefined): Owned[] =>
  (entries ?? []).map((e) => ({
    manager: e.manager ?? '',
    operation: e.operation === 'Apply' ? 'Apply' : 'Update',
    apiVersion: e.apiVersion ?? '',
    ...(e.time ? { time: e.time } : {}),
    ...(e.subresource ? { subresource: e.subresource } : {}),
    fields: fromFieldsV1(e.fieldsV1),
  }));

const write = (owned: Owned[], before: ManagedFieldsEntry[] | undefined, changed: Set<Owned>, now: string): ManagedFieldsEntry[] | undefined => {
  const out: ManagedFieldsEntry[] = [];
  owned.forEach((o, i) => {
    if (o.fields.size === 0) return;
    if (!changed.has(o) && before?.[i]) {
      out.push(before[i]);
      return;
    }
    out.push({
      manager: o.manager,
      operation: o.operation,
      apiVersion: o.apiVersion,
      time: changed.has(o) ? now : (o.time ?? now),
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(o.fields),
      ...(o.subresource ? { subresource: o.subresource } : {}),
    });
  });
  return out.length ? out : undefined;
};

const entryFor = (owned: Owned[], manager: string, operation: 'Apply' | 'Update', apiVersion: string): Owned => {
  let e = owned.find((o) => o.manager === manager && o.operation === operation && !o.subresource);
  if (!e) owned.push((e = { manager, operation, apiVersion, fields: new Set() }));
  e.apiVersion = apiVersion;
  return e;
};

/** Metadata without its managedFields. */
const withoutManagedFields = (meta: JsonObject): JsonObject => {
  const { managedFields: _m, ...rest } = meta;
  return rest;
};

const withManagedFields = (obj: JsonObject, managed: ManagedFieldsEntry[] | undefined): JsonObject => {
  const rest = withoutManagedFields(isObject(obj['metadata']) ? obj['metadata'] : {});
  return { ...obj, metadata: managed ? { ...rest, managedFields: managed as unknown as JsonValue } : rest };
};

const managedOf = (obj: JsonObject): ManagedFieldsEntry[] | undefined => {
  const meta = obj['metadata'];
  return isObject(meta) && Array.isArray(meta['managedFields']) ? (meta['managedFields'] as unknown as ManagedFieldsEntry[]) : undefined;
};

export interface ApplyOptions {
  manager: string;
  force: boolean;
  apiVersion: string;
  now: string;
  schema: StructPatchSchema;
}

/**
 * Server-side apply of `config` by `manager` to `live` (`{}` when the object
 * does not exist): the merged object with its new managedFields. Throws the
 * 409 Conflict kube-apiserver gives (a FieldManagerConflict cause per field)
 * when another manager owns a field the configuration sets to another value
 * and `force` is false.
 */
export const applyWithOwnership = (live: JsonObject, config: JsonObject, o: ApplyOptions): JsonObject => {
  const before = managedOf(live);
  const owned = read(before);
  const mine = entryFor(owned, o.manager, 'Apply', o.apiVersion);
  const applied = fieldSet(config, o.schema);
  const conflicts: { manager: string; apiVersion: string; path: string }[] = [];
  for (const other of owned) {
    if (other === mine) continue;
    for (const p of applied) {
      if (!other.fields.has(p)) continue;
      const path = split(p);
      if (path[path.length - 1].startsWith('k:')) continue; // an item's presence, not a value
      if (!jsonEqual(valueAt(config, path), valueAt(live, path))) conflicts.push({ manager: other.manager, apiVersion: other.apiVersion, path: p });
    }
  }
  const isNew = !owned.slice(0, (before ?? []).length).includes(mine);
  const changed = new Set<Owned>(isNew || !sameSet(mine.fields, applied) ? [mine] : []);
  if (conflicts.length && !o.force) {
    const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${JSON.stringify(c.manager)} using ${c.apiVersion}`, field: describePath(c.path) }));
    const n = conflicts.length;
    const list = n === 1 ? `${causes[0].message}: ${causes[0].field}` : `\n${causes.map((c) => `* ${c.message}: ${c.field}`).join('\n')}`;
    throw new DomainError('Conflict', `Apply failed with ${n} conflict${n === 1 ? '' : 's'}: ${list}`, { causes });
  }
  for (const c of conflicts) {
    for (const other of owned) {
      if (other !== mine && other.fields.delete(c.path)) changed.add(other);
    }
  }
  // Fields this manager applied before and leaves out now go, unless someone else still owns them.
  const dropped = [...mine.fields].filter((p) => !applied.has(p) && !owned.some((x) => x !== mine && x.fields.has(p)));
  const { metadata: configMeta, ...configRest } = config;
  const patch: JsonObject = { ...configRest, ...(isObject(configMeta) ? { metadata: withoutManagedFields(configMeta) } : {}) };
  let merged = applyStrategicMergePatch(live, patch, o.schema);
  // Shallowest first: an item goes whole, and the fields dropped with it are then no-ops.
  for (const p of dropped.sort((a, b) => split(a).length - split(b).length)) merged = removeAt(merged, split(p));
  mine.fields = applied;
  return withManagedFields(merged, write(owned, before, changed, o.now));
};

const sameSet = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((x) => b.has(x));


export interface UpdateOptions {
  manager: string;
  apiVersion: string;
  now: string;
  schema: StructPatchSchema;
}

/**
 * The managedFields after a non-apply write (create, update, patch) by
 * `manager` turned `before` (`{}` for a create) into `after`. When the write
 * itself set managedFields (kubectl's migration of client-side-apply
 * ownership does), they are taken as sent; `[]` clears them, and a write
 * that leaves the field out keeps them, as upstream.
 */
export const trackUpdate = (before: JsonObject, after: JsonObject, o: UpdateOptions): ManagedFieldsEntry[] | undefined => {
  const was = managedOf(before);
  const sent = managedOf(after);
  // Sent and different: taken as sent ([] clears them). Left out (a `kubectl replace` of a file): kept and updated.
  if (sent !== undefined && !jsonEqual(sent, was ?? [])) return sent.length ? sent : undefined;
  const owned = read(was);
  const beforeSet = fieldSet(before, o.schema);
  const afterSet = fieldSet(after, o.schema);
  const touched = new Set<string>();
  for (const p of afterSet) {
    const path = split(p);
    const isItem = path[path.length - 1].startsWith('k:');
    if (!beforeSet.has(p) || (!isItem && !jsonEqual(valueAt(after, path), valueAt(before, path)))) touched.add(p);
  }
  for (const p of beforeSet) if (!afterSet.has(p)) touched.add(p);
  if (touched.size === 0) return was;
  const changed = new Set<Owned>();
  for (const other of owned) {
    for (const p of touched) if (other.fields.delete(p)) changed.add(other);
  }
  const mine = entryFor(owned, o.manager, 'Update', o.apiVersion);
  for (const p of touched) if (afterSet.has(p)) mine.fields.add(p);
  changed.add(mine);
  return write(owned, was, changed, o.now);
};
