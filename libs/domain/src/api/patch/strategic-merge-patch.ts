/**
 * Strategic merge patch (`application/strategic-merge-patch+json`), the apply
 * half of k8s.io/apimachinery pkg/util/strategicpatch as kube-apiserver runs
 * it (StrategicMergeMapPatch: parallel lists merged, unmatched nulls dropped).
 *
 * - Objects merge key by key; `null` deletes; scalars and type changes replace.
 * - Lists tagged `merge` with a merge key merge element-wise by that key;
 *   `merge` lists of scalars are merged as ordered sets; untagged lists are
 *   replaced whole.
 * - Directives: `$patch: replace | delete` on objects, `{$patch: replace}` and
 *   `{<key>: …, $patch: delete}` as list items, `$retainKeys`,
 *   `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>`.
 *
 * One deliberate difference: wherever a patch value is adopted without a live
 * counterpart (a new field, a new list item, a `$patch: replace` object, a
 * replaced list), upstream copies it nearly raw and lets Go's typed decoder
 * drop leftover `$…` keys and turn nulls into zero values. There is no typed
 * decoder here, so such values are merged into an empty value instead: their
 * directives are applied and their nulls dropped. For every body kubectl sends
 * the stored object is the same.
 */
import { deepClone, hasMember, isObject, JsonObject, JsonValue, kindOf, member, setMember } from './json';
import { fieldMeta, FieldPatchMeta, hasStrategy, StructPatchSchema } from './patch-schema';
import { smpErrors } from './smp-errors';
import { DIRECTIVE, elementKind, normalizeElementOrder, partitionByPresence, requireMergeKey, validatePatchWithSetOrderList } from './smp-order';

const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

/**
 * Returns a patched copy of `target`; neither argument is mutated. `schema`
 * describes the object's root (see PATCH_SCHEMAS). Throws DomainError
 * 'BadRequest' (or 'Invalid' for lists of lists) with upstream's texts.
 */
export const applyStrategicMergePatch = (target: JsonObject, patch: JsonObject, schema: StructPatchSchema): JsonObject =>
  mergeMap(deepClone(target), deepClone(patch), schema);

// Below, `original` and `patch` are private copies and are changed in place.

const mergeMap = (original: JsonObject, patch: JsonObject, schema: StructPatchSchema | undefined): JsonObject => {
  if (hasMember(patch, DIRECTIVE)) return mapDirective(patch, schema);
  applyRetainKeys(original, patch);
  mergeOrderedLists(original, patch, schema);

  for (const [rawKey, patchV] of Object.entries(patch)) {
    const isDeleteList = rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST);
    const key = isDeleteList ? directiveTarget(rawKey, DELETE_FROM_PRIMITIVE_LIST) : rawKey;
    if (patchV === null) {
      delete original[key];
      continue;
    }
    const meta = fieldMeta(schema, key);
    const live = member(original, key);
    if (live === undefined || live === null || kindOf(live) !== kindOf(patchV)) {
      // Deleting from a list that is not there leaves it not there.
      if (!isDeleteList) adopt(original, key, patchV, meta);
      continue;
    }
    if (isObject(live) && isObject(patchV)) {
      if (hasStrategy(meta, 'replace')) adopt(original, key, patchV, meta);
      else setMember(original, key, mergeMap(live, patchV, meta?.fields));
    } else if (Array.isArray(live) && Array.isArray(patchV)) {
      setMember(original, key, mergeListField(live, patchV, meta, isDeleteList));
    } else {
      setMember(original, key, patchV);
    }
  }
  return original;
};

/** `$patch` inside an object: `replace` → exactly the patch's object; `delete` → empty object. */
const mapDirective = (patch: JsonObject, schema: StructPatchSchema | undefined): JsonObject => {
  const directive = patch[DIRECTIVE];
  if (directive === 'replace') {
    delete patch[DIRECTIVE];
    return mergeMap({}, patch, schema);
  }
  if (directive === 'delete') return {};
  throw smpErrors.badPatchType(directive, patch);
};

/** Sets `key` to a value the live object does not have; an object carrying `$patch: delete` is simply not added. */
const adopt = (original: JsonObject, key: string, value: JsonValue, meta: FieldPatchMeta | undefined): void => {
  const v = materialize(value, meta);
  if (v === undefined) delete original[key];
  else setMember(original, key, v);
};

/** A patch value with no live counterpart, with its directives applied and nulls dropped (see header). */
const materialize = (value: JsonValue, meta: FieldPatchMeta | undefined): JsonValue | undefined => {
  if (isObject(value)) {
    if (hasMember(value, DIRECTIVE) && value[DIRECTIVE] === 'delete') return undefined;
    return mergeMap({}, value, meta?.fields);
  }
  if (Array.isArray(value)) return mergeListField([], value, meta, false);
  return value;
};

const mergeListField = (live: JsonValue[], patch: JsonValue[], meta: FieldPatchMeta | undefined, isDeleteList: boolean): JsonValue[] => {
  if (hasStrategy(meta, 'merge')) return mergeList(live, patch, meta, isDeleteList);
  // A deletion list applies to atomic lists too (upstream patch_test.go: "…delete item from a list without merge patch strategy").
  if (isDeleteList) return withoutValues(live, patch);
  const out: JsonValue[] = [];
  for (const item of patch) {
    const v = materialize(item, meta);
    if (v !== undefined) out.push(v);
  }
  return out;
};

const mergeList = (live: JsonValue[], patch: JsonValue[], meta: FieldPatchMeta | undefined, isDeleteList: boolean): JsonValue[] => {
  if (live.length === 0 && patch.length === 0) return live;
  const kind = elementKind(live, patch);
  if (kind === undefined) return live;
  const mergeKey = meta?.mergeKey ?? '';

  if (kind !== 'map') {
    if (isDeleteList) return withoutValues(live, patch);
    const merged = [...new Set([...live, ...patch])];
    const [patchItems, serverOnly] = partitionByPresence(merged, patch, mergeKey, kind);
    return normalizeElementOrder(patchItems, serverOnly, patch, live, mergeKey, kind);
  }

  if (mergeKey === '') throw smpErrors.noMergeKeyDeclared();
  const [base, items] = applyListDirectives(live, patch, mergeKey, meta);
  const merged = base.slice();
  const byKey = new Map<JsonValue, number>();
  merged.forEach((o, i) => {
    if (!isObject(o)) throw smpErrors.notAMap(i);
    if (hasMember(o, mergeKey) && !byKey.has(o[mergeKey])) byKey.set(o[mergeKey], i);
  });
  for (const item of items) {
    const it = requireMergeKey(item, mergeKey);
    const at = byKey.get(it[mergeKey]);
    if (at !== undefined) merged[at] = mergeMap(merged[at] as JsonObject, it, meta?.fields);
    else {
      byKey.set(it[mergeKey], merged.length);
      merged.push(mergeMap({}, it, meta?.fields));
    }
  }
  const [patchItems, serverOnly] = partitionByPresence(merged, items, mergeKey, kind);
  return normalizeElementOrder(patchItems, serverOnly, items, base, mergeKey, kind);
};

/**
 * List items carrying `$patch`: `delete` removes every live item with that
 * merge key; `replace` makes the list exactly the other patch items. Returns
 * the live list to merge into and the plain patch items.
 */
const applyListDirectives = (
  live: JsonValue[],
  patch: JsonValue[],
  mergeKey: string,
  meta: FieldPatchMeta | undefined,
): [base: JsonValue[], items: JsonValue[]] => {
  let base = live;
  let replace = false;
  const items: JsonValue[] = [];
  for (const v of patch) {
    if (!isObject(v)) throw smpErrors.badArgType('map[string]interface {}', v);
    if (!hasMember(v, DIRECTIVE)) {
      items.push(v);
      continue;
    }
    switch (v[DIRECTIVE]) {
      case 'delete': {
        if (!hasMember(v, mergeKey)) throw smpErrors.noMergeKey(v, mergeKey);
        const key = v[mergeKey];
        base = base.filter((o, i) => {
          if (!isObject(o)) throw smpErrors.notAMap(i);
          return !(hasMember(o, mergeKey) && o[mergeKey] === key);
        });
        break;
      }
      case 'replace':
        replace = true;
        break;
      case 'merge':
        throw smpErrors.mergeDirectiveInList();
      default:
        throw smpErrors.badPatchType(v[DIRECTIVE], v);
    }
  }
  if (replace) return [items.map((it) => mergeMap({}, it as JsonObject, meta?.fields)), []];
  return [base, items];
};

/** Scalars of `list` not in `remove` (`$deleteFromPrimitiveList`). */
const withoutValues = (list: JsonValue[], remove: JsonValue[]): JsonValue[] => {
  const gone = new Set(remove);
  return list.filter((v) => !gone.has(v));
};

/** `$retainKeys: [...]`: every live key not listed is cleared; the patch may only set listed keys. */
const applyRetainKeys = (original: JsonObject, patch: JsonObject): void => {
  if (!hasMember(patch, RETAIN_KEYS)) return;
  const retain = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(retain)) throw smpErrors.badPatchFormatForRetainKeys();
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!retain.includes(k)) throw smpErrors.badPatchFormatForRetainKeys();
  }
  for (const k of Object.keys(original)) if (!retain.includes(k)) delete original[k];
};

/**
 * `$setElementOrder/<list>`: merges that list (if the patch has it) and orders
 * the result as the directive says, with server-only items interleaved by
 * their live position. Consumes the directive and the list from `patch`.
 */
const mergeOrderedLists = (original: JsonObject, patch: JsonObject, schema: StructPatchSchema | undefined): void => {
  for (const directiveKey of Object.keys(patch)) {
    if (!directiveKey.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[directiveKey];
    delete patch[directiveKey];
    if (!Array.isArray(order)) throw smpErrors.badArgType('[]interface {}', order);
    const key = directiveTarget(directiveKey, SET_ELEMENT_ORDER);
    const live = member(original, key);
    const patchList = member(patch, key);
    if (live !== undefined && !Array.isArray(live)) throw smpErrors.badArgType('[]interface {}', live);
    if (patchList !== undefined && !Array.isArray(patchList)) throw smpErrors.badArgType('[]interface {}', patchList);
    const meta = fieldMeta(schema, key);
    const mergeKey = meta?.mergeKey ?? '';
    validatePatchWithSetOrderList(patchList ?? [], order, mergeKey);

    let merged: JsonValue[];
    if (live !== undefined && patchList !== undefined) merged = mergeListField(live, patchList, meta, false);
    else if (patchList !== undefined) merged = mergeListField([], patchList, meta, false);
    else if (live !== undefined) merged = live;
    else continue;
    delete patch[key];

    const kind = elementKind(live ?? [], patchList ?? []);
    // Nothing to order, or atomic lists of objects, which have no identity to order by.
    if (kind === undefined || (kind === 'map' && mergeKey === '')) {
      setMember(original, key, merged);
      continue;
    }
    const [patchItems, serverOnly] = partitionByPresence(merged, order, mergeKey, kind);
    setMember(original, key, normalizeElementOrder(patchItems, serverOnly, order, live ?? [], mergeKey, kind));
  }
};

/** `$setElementOrder/containers` → `containers`. */
const directiveTarget = (key: string, prefix: string): string => {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw prefix === SET_ELEMENT_ORDER ? smpErrors.badPatchFormatForSetElementOrderList() : smpErrors.badPatchFormatForPrimitiveList();
  }
  return key.slice(slash + 1);
};
