import { isDomainError } from '../../errors';
import type { JsonObject } from './json';
import type { FieldPatchMeta, StructPatchSchema } from './patch-schema';
import { applyStrategicMergePatch } from './strategic-merge-patch';

/**
 * The MergeItem test type of apimachinery's patch_test.go, with the same tags,
 * so that its cases can be replayed as they are.
 */
const mergeItem: Record<string, FieldPatchMeta> = {};
const retainKeysMergeItem: StructPatchSchema = {
  mergingIntList: { strategy: 'merge' },
  mergingList: { strategy: 'merge', mergeKey: 'name', fields: mergeItem },
};
Object.assign(mergeItem, {
  mergingList: { strategy: 'merge', mergeKey: 'name', fields: mergeItem },
  nonMergingList: { fields: mergeItem },
  mergingIntList: { strategy: 'merge' },
  mergeItemPtr: { strategy: 'merge', mergeKey: 'name', fields: mergeItem },
  replacingItem: { strategy: 'replace' },
  retainKeysMap: { strategy: 'retainKeys', fields: retainKeysMergeItem },
  retainKeysMergingList: { strategy: 'merge,retainKeys', mergeKey: 'name', fields: mergeItem },
});

const smp = (original: JsonObject, patch: JsonObject): JsonObject => applyStrategicMergePatch(original, patch, mergeItem);

const failure = (fn: () => unknown): { code: string; message: string } => {
  try {
    fn();
  } catch (e) {
    if (isDomainError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a DomainError');
};

describe('strategic merge patch: upstream patch_test.go cases', () => {
  it.each<[string, JsonObject, JsonObject, JsonObject]>([
    ['unique scalars when merging lists', { mergingIntList: [1, 2] }, { mergingIntList: [2, 3] }, { mergingIntList: [1, 2, 3] }],
    ['delete map from nested map', { simpleMap: { key1: 1, key2: 1 } }, { simpleMap: { $patch: 'delete' } }, { simpleMap: {} }],
    ['delete all items from merging list', { mergingList: [{ name: 1 }, { name: 2 }] }, { mergingList: [{ $patch: 'replace' }] }, { mergingList: [] }],
    ['merge empty merging lists', { mergingList: [] }, { mergingList: [] }, { mergingList: [] }],
    ['delete all keys from map', { name: 1, value: 1 }, { $patch: 'replace' }, {}],
    ['add key and delete all keys from map', { name: 1, value: 1 }, { other: 'a', $patch: 'replace' }, { other: 'a' }],
    [
      'delete all duplicate entries in a merging list',
      { mergingList: [{ name: 1 }, { name: 1 }, { name: 2, value: 'a' }, { name: 3 }, { name: 3 }] },
      { mergingList: [{ name: 1, $patch: 'delete' }, { name: 3, $patch: 'delete' }] },
      { mergingList: [{ name: 2, value: 'a' }] },
    ],
    ['retainKeys map can add a field when no retainKeys directive present', { retainKeysMap: { name: 'foo' } }, { retainKeysMap: { value: 'bar' } }, { retainKeysMap: { name: 'foo', value: 'bar' } }],
    ['retainKeys map can delete a field when no directive present', { retainKeysMap: { name: 'foo', value: 'a' } }, { retainKeysMap: { value: null } }, { retainKeysMap: { name: 'foo' } }],
    ['retainKeys map merge an empty map', { retainKeysMap: { name: 'foo', value: 'a' } }, { retainKeysMap: {} }, { retainKeysMap: { name: 'foo', value: 'a' } }],
    [
      'retainKeys list can change a field when no directive present',
      { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'a' }] },
      { retainKeysMergingList: [{ name: 'foo', value: 'b' }] },
      { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'b' }] },
    ],
    [
      'preserve the order from the patch in a merging list',
      { mergingList: [{ name: 1 }, { name: 2, value: 'b' }, { name: 3 }] },
      { mergingList: [{ name: 3, value: 'c' }, { name: 1, value: 'a' }, { name: 2, other: 'x' }] },
      { mergingList: [{ name: 3, value: 'c' }, { name: 1, value: 'a' }, { name: 2, value: 'b', other: 'x' }] },
    ],
    [
      'preserve the order from the patch in a merging list 2',
      { mergingList: [{ name: 1 }, { name: 2, value: 'b' }, { name: 3 }] },
      { mergingList: [{ name: 3, value: 'c' }, { name: 1, value: 'a' }] },
      { mergingList: [{ name: 2, value: 'b' }, { name: 3, value: 'c' }, { name: 1, value: 'a' }] },
    ],
    ['preserve the order from the patch in a merging int list', { mergingIntList: [1, 2, 3] }, { mergingIntList: [3, 1, 2] }, { mergingIntList: [3, 1, 2] }],
    ['preserve the order from the patch in a merging int list 2', { mergingIntList: [1, 2, 3] }, { mergingIntList: [3, 1] }, { mergingIntList: [2, 3, 1] }],
    [
      '$setElementOrder contains item that is not present in the list to be merged',
      { mergingList: [{ name: 1 }, { name: 3 }] },
      { '$setElementOrder/mergingList': [{ name: 3 }, { name: 2 }, { name: 1 }], mergingList: [{ name: 3, value: 3 }, { name: 1, value: 1 }] },
      { mergingList: [{ name: 3, value: 3 }, { name: 1, value: 1 }] },
    ],
    ['$setElementOrder alone reorders an int list', { mergingIntList: [1, 3] }, { '$setElementOrder/mergingIntList': [3, 2, 1] }, { mergingIntList: [3, 1] }],
    ['$deleteFromPrimitiveList of a nonexistent item', { mergingIntList: [1, 2] }, { '$deleteFromPrimitiveList/mergingIntList': [3] }, { mergingIntList: [1, 2] }],
    ['$deleteFromPrimitiveList on a nonexistent list adds nothing', { foo: ['bar'] }, { '$deleteFromPrimitiveList/mergingIntList': [3] }, { foo: ['bar'] }],
    ['$deleteFromPrimitiveList deletes from a merge list', { mergingIntList: [1, 2, 3] }, { '$deleteFromPrimitiveList/mergingIntList': [2] }, { mergingIntList: [1, 3] }],
    ['$deleteFromPrimitiveList deletes from a non-merge list', { nonMergingIntList: [1, 2, 3] }, { '$deleteFromPrimitiveList/nonMergingIntList': [2] }, { nonMergingIntList: [1, 3] }],
    ['nil original (three-way)', { name: 1, other: 'a' }, { value: 1 }, { name: 1, value: 1, other: 'a' }],
    ['delete field from nested map', { simpleMap: { key1: 1, key2: 1, other: 'a' } }, { simpleMap: { key2: null } }, { simpleMap: { key1: 1, other: 'a' } }],
    ['replace list of scalars', { nonMergingIntList: [1, 4] }, { nonMergingIntList: [2, 3] }, { nonMergingIntList: [2, 3] }],
    [
      'delete all maps from merging list with conflict',
      { mergingList: [{ name: 1, other: 'a' }, { name: 2, other: 'b' }] },
      { mergingList: [{ name: 1, $patch: 'delete' }, { name: 2, $patch: 'delete' }] },
      { mergingList: [] },
    ],
    ['defined null values are dropped', { name: 'a', other: 'a' }, { name: 1, value: 1, other: null }, { name: 1, value: 1 }],
    [
      'nested patch merge with empty list (two-way)',
      { name: 'hi' },
      { mergingList: [{ name: 'hello' }, { $patch: 'delete', name: 'doesntexist' }] },
      { name: 'hi', mergingList: [{ name: 'hello' }] },
    ],
    [
      'nested patch merge with empty list (three-way)',
      { name: 'hi', mergingList: [{ name: 'hello2' }] },
      { '$setElementOrder/mergingList': [{ name: 'hello' }, { name: 'doesntexist' }], mergingList: [{ name: 'hello' }, { $patch: 'delete', name: 'doesntexist' }] },
      { name: 'hi', mergingList: [{ name: 'hello' }, { name: 'hello2' }] },
    ],
    [
      'delete items in lists of scalars, server-only items kept',
      { mergingIntList: [1, 2, 3, 4] },
      { '$setElementOrder/mergingIntList': [1, 2], '$deleteFromPrimitiveList/mergingIntList': [3] },
      { mergingIntList: [1, 2, 4] },
    ],
    [
      'delete all duplicate items in lists of scalars',
      { mergingIntList: [1, 2, 3, 3, 4] },
      { '$setElementOrder/mergingIntList': [1, 2], '$deleteFromPrimitiveList/mergingIntList': [3] },
      { mergingIntList: [1, 2, 4] },
    ],
    [
      'merge lists of maps, interleaving server-only items',
      { mergingList: [{ name: 1, other: 'a' }, { name: 2, value: 2, other: 'b' }] },
      { '$setElementOrder/mergingList': [{ name: 4 }, { name: 1 }, { name: 2 }, { name: 3 }], mergingList: [{ name: 4, value: 4 }, { name: 3, value: 3 }] },
      { mergingList: [{ name: 4, value: 4 }, { name: 1, other: 'a' }, { name: 2, value: 2, other: 'b' }, { name: 3, value: 3 }] },
    ],
  ])('%s', (_name, original, patch, expected) => {
    expect(smp(original, patch)).toEqual(expected);
  });

  it.each<[string, JsonObject, JsonObject, string]>([
    [
      'should check if order in $setElementOrder and patch list match',
      { mergingList: [{ name: 1 }, { name: 3 }, { name: 2 }] },
      { '$setElementOrder/mergingList': [{ name: 1 }, { name: 2 }, { name: 3 }], mergingList: [{ name: 3, value: 3 }, { name: 1, value: 1 }] },
      "doesn't match",
    ],
    ['int list order mismatch', { mergingIntList: [1, 3, 2] }, { '$setElementOrder/mergingIntList': [1, 2, 3], mergingIntList: [3, 1] }, "doesn't match"],
    ['missing merge key should error out', { mergingList: [{ name: 1, value: 'a' }] }, { mergingList: [{ value: 'b' }] }, 'map: map[value:b] does not contain declared merge key: name'],
    ['an unknown map directive', { simpleMap: { a: 1 } }, { simpleMap: { $patch: 'frob' } }, 'unknown patch type: frob in map: map[$patch:frob]'],
    ['$patch: merge in a list', { mergingList: [{ name: 1 }] }, { mergingList: [{ $patch: 'merge' }] }, 'merging lists cannot yet be specified in the patch'],
    ['a retainKeys list missing a patched key', { retainKeysMap: { name: 'a' } }, { retainKeysMap: { $retainKeys: ['name'], value: 'b' } }, 'invalid patch format of retainKeys'],
    ['a malformed $setElementOrder key', { mergingList: [] }, { $setElementOrderX: [] }, 'invalid patch format of setElementOrder list'],
  ])('rejects %s (400)', (_name, original, patch, message) => {
    const f = failure(() => smp(original, patch));
    expect(f.code).toBe('BadRequest');
    expect(f.message).toContain(message);
  });

  it('rejects lists of lists with 422', () => {
    expect(failure(() => smp({ mergingIntList: [[1]] }, { mergingIntList: [[2]] })).code).toBe('Invalid');
  });
});

describe('strategic merge patch: semantics', () => {
  it('replaces a field tagged replace instead of merging it', () => {
    expect(smp({ replacingItem: { a: 1, b: 2 } }, { replacingItem: { c: 3 } })).toEqual({ replacingItem: { c: 3 } });
  });

  it('$retainKeys clears live keys not listed and merges the rest', () => {
    const live = { retainKeysMap: { name: 'foo', value: 'a', other: 'b', simpleMap: { k: 'v' } } };
    const patch = { retainKeysMap: { $retainKeys: ['name', 'simpleMap'], simpleMap: { k2: 'v2' }, value: null } };
    expect(smp(live, patch)).toEqual({ retainKeysMap: { name: 'foo', simpleMap: { k: 'v', k2: 'v2' } } });
  });

  it('a type change replaces the value, applying nested directives', () => {
    expect(smp({ simpleMap: 'x' } as JsonObject, { simpleMap: { a: 1, b: null } })).toEqual({ simpleMap: { a: 1 } });
  });

  it('a new nested object with $patch: delete is not added', () => {
    expect(smp({}, { simpleMap: { $patch: 'delete' } })).toEqual({});
  });

  it('strips directives from a new list and its new items', () => {
    const patch: JsonObject = {
      mergingList: [
        {
          name: 'a',
          '$setElementOrder/mergingIntList': [1, 2],
          mergingIntList: [1, 2],
          mergingList: [{ name: 'x' }, { name: 'y', $patch: 'delete' }],
          value: null,
        },
      ],
    };
    expect(smp({}, patch)).toEqual({ mergingList: [{ name: 'a', mergingIntList: [1, 2], mergingList: [{ name: 'x' }] }] });
  });

  it('merges nested merge lists inside matched items', () => {
    const live: JsonObject = { mergingList: [{ name: 'a', mergingList: [{ name: 'x', value: '1' }, { name: 'y' }] }] };
    const patch = { mergingList: [{ name: 'a', mergingList: [{ name: 'x', other: '2' }] }] };
    expect(smp(live, patch)).toEqual({ mergingList: [{ name: 'a', mergingList: [{ name: 'x', value: '1', other: '2' }, { name: 'y' }] }] });
  });

  it('appends a new item ahead of server-only items when no order is given (upstream)', () => {
    expect(smp({ mergingList: [{ name: 'a' }] }, { mergingList: [{ name: 'b' }] })).toEqual({ mergingList: [{ name: 'b' }, { name: 'a' }] });
  });

  it('stays fast on long lists (ordering is not quadratic in lookups)', () => {
    const n = 3000;
    const live: JsonObject = { mergingList: Array.from({ length: n }, (_, i) => ({ name: `n${i}`, value: 'a' })) };
    const reversed = Array.from({ length: n }, (_, i) => ({ name: `n${n - 1 - i}` }));
    const patch: JsonObject = { '$setElementOrder/mergingList': reversed, mergingList: reversed.map((r) => ({ ...r, other: 'b' })) };
    const started = Date.now();
    const out = smp(live, patch).mergingList as JsonObject[];
    expect(Date.now() - started).toBeLessThan(2000);
    expect(out[0]).toEqual({ name: `n${n - 1}`, value: 'a', other: 'b' });
    expect(out[n - 1]).toEqual({ name: 'n0', value: 'a', other: 'b' });
  });

  it('never mutates its arguments', () => {
    const live = { mergingList: [{ name: 'a', value: '1' }] };
    const patch = { mergingList: [{ name: 'a', value: '2' }], '$setElementOrder/mergingList': [{ name: 'a' }] };
    const copyLive = JSON.parse(JSON.stringify(live));
    const copyPatch = JSON.parse(JSON.stringify(patch));
    smp(live, patch);
    expect(live).toEqual(copyLive);
    expect(patch).toEqual(copyPatch);
  });
});
