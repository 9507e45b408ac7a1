/**
 * Element order of merged lists, as apimachinery's strategicpatch computes it
 * (normalizeElementOrder / mergeSortedSlice): patch items follow the patch's
 * (or `$setElementOrder`'s) order, server-only items keep their live order,
 * and the two are interleaved by live position. A server-only item goes
 * before a patch item only when both exist in the live list and it came
 * first there; so new patch items land ahead of the server-only ones that
 * were not before them.
 */
import { hasMember, isObject, JsonValue, JsonKind, kindOf } from './json';
import { smpErrors } from './smp-errors';

export const DIRECTIVE = '$patch';

/** Value of the merge key (maps) or the item itself (primitives); `undefined` plays Go's nil. */
const keyOf = (item: JsonValue, mergeKey: string, kind: JsonKind): JsonValue | undefined =>
  kind === 'map' ? (isObject(item) && hasMember(item, mergeKey) ? item[mergeKey] : undefined) : item;

/**
 * Position lookup by merge key (maps) or value (primitives), -1 when absent;
 * first occurrence wins, as in Go's `index`. Built once per list so that
 * ordering stays linear-ish on large lists.
 */
export const positions = (list: readonly JsonValue[], mergeKey: string, kind: JsonKind): ((item: JsonValue) => number) => {
  const at = new Map<JsonValue | undefined, number>();
  list.forEach((v, i) => {
    const k = keyOf(v, mergeKey, kind);
    if (!at.has(k)) at.set(k, i);
  });
  return (item) => at.get(keyOf(item, mergeKey, kind)) ?? -1;
};

/** The element kind shared by all items (Go's sliceElementType); undefined when there are none. */
export const elementKind = (...lists: readonly JsonValue[][]): JsonKind | undefined => {
  let kind: JsonKind | undefined;
  for (const list of lists) {
    for (const v of list) {
      const k = kindOf(v);
      if (kind === undefined) {
        if (k === 'slice') throw smpErrors.noListOfLists();
        kind = k;
      } else if (k !== kind) {
        throw smpErrors.elementTypesDiffer([...lists]);
      }
    }
  }
  return kind;
};

export const requireMergeKey = (item: JsonValue, mergeKey: string): Record<string, JsonValue> => {
  if (!isObject(item)) throw smpErrors.badArgType('map[string]interface {}', item);
  if (!hasMember(item, mergeKey)) throw smpErrors.noMergeKey(item, mergeKey);
  return item;
};

const isDeleteItem = (v: JsonValue): boolean => isObject(v) && hasMember(v, DIRECTIVE) && v[DIRECTIVE] === 'delete';

/** Splits `merged` into items present in `by` (patch items) and the rest (server-only), keeping order. */
export const partitionByPresence = (
  merged: readonly JsonValue[],
  by: readonly JsonValue[],
  mergeKey: string,
  kind: JsonKind,
): [patchItems: JsonValue[], serverOnly: JsonValue[]] => {
  const inPatch: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  const indexInBy = positions(by, mergeKey, kind);
  for (const v of merged) {
    if (kind === 'map') requireMergeKey(v, mergeKey);
    (indexInBy(v) >= 0 ? inPatch : serverOnly).push(v);
  }
  return [inPatch, serverOnly];
};

/**
 * Go's sort.SliceStable with upstream's comparator, which calls an item
 * missing from `order` "less" than anything. Up to 20 items Go runs a plain
 * insertion sort, reproduced here so that even that quirk orders the same
 * way; longer lists get a stable sort with missing items first (the same
 * result whenever every item is in `order`, which is the normal case).
 */
const sortByOrder = (toSort: JsonValue[], order: readonly JsonValue[], mergeKey: string, kind: JsonKind): JsonValue[] => {
  const indexOf = positions(order, mergeKey, kind);
  const out = toSort.slice();
  if (out.length > 20) {
    return out
      .map((v) => ({ v, r: indexOf(v) }))
      .sort((a, b) => a.r - b.r)
      .map((x) => x.v);
  }
  const less = (a: JsonValue, b: JsonValue): boolean => {
    const ia = indexOf(a);
    const ib = indexOf(b);
    return ia >= 0 && ib >= 0 ? ia < ib : true;
  };
  for (let i = 1; i < out.length; i++) {
    for (let j = i; j > 0 && less(out[j], out[j - 1]); j--) {
      [out[j], out[j - 1]] = [out[j - 1], out[j]];
    }
  }
  return out;
};

const normalizeSliceOrder = (toSort: JsonValue[], order: readonly JsonValue[], mergeKey: string, kind: JsonKind): JsonValue[] => {
  if (kind !== 'map') return sortByOrder(toSort, order, mergeKey, kind);
  for (const v of [...toSort, ...order]) requireMergeKey(v, mergeKey);
  const keep = toSort.filter((v) => !isDeleteItem(v));
  const deletes = toSort.filter(isDeleteItem);
  return [...sortByOrder(keep, order, mergeKey, kind), ...deletes];
};

/**
 * Orders the merged list: `patchItems` by `patchOrder`, `serverOnly` by
 * `serverOrder` (the live list), then interleaved by live position.
 */
export const normalizeElementOrder = (
  patchItems: JsonValue[],
  serverOnly: JsonValue[],
  patchOrder: readonly JsonValue[],
  serverOrder: readonly JsonValue[],
  mergeKey: string,
  kind: JsonKind,
): JsonValue[] => {
  const right = normalizeSliceOrder(patchItems, patchOrder, mergeKey, kind);
  const left = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  const indexInServer = positions(serverOrder, mergeKey, kind);
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexInServer(left[i]);
      const ri = indexInServer(right[j]);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
};

const keyEqual = (left: JsonValue, right: JsonValue, mergeKey: string): boolean => {
  if (mergeKey === '') return left === right;
  return requireMergeKey(left, mergeKey)[mergeKey] === requireMergeKey(right, mergeKey)[mergeKey];
};

/**
 * `$setElementOrder` must list the patch's own items in the same relative
 * order (deletions and other directive items aside); upstream rejects it
 * otherwise.
 */
export const validatePatchWithSetOrderList = (patchList: readonly JsonValue[], order: readonly JsonValue[], mergeKey: string): void => {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey === '' ? patchList : patchList.filter((v) => {
    if (!isObject(v)) throw smpErrors.badArgType('map[string]interface {}', v);
    return !isDeleteItem(v);
  });
  let p = 0;
  let s = 0;
  while (p < items.length && s < order.length) {
    const item = items[p];
    if (isObject(item) && hasMember(item, DIRECTIVE)) {
      p++;
      continue;
    }
    if (keyEqual(item, order[s], mergeKey)) p++;
    s++;
  }
  if (p < items.length && s >= order.length) throw smpErrors.orderMismatch(patchList, order);
};
