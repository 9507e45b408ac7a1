import { isDomainError } from '../../errors';
import { applyJsonPatch, JSON_PATCH_REJECTED } from './json-patch';
import type { JsonValue } from './json';

const rejectedWith = (fn: () => unknown): { code: string; message: string; cause?: string } => {
  try {
    fn();
  } catch (e) {
    if (isDomainError(e)) return { code: e.code, message: e.message, cause: e.details.causes?.[0]?.message };
    throw e;
  }
  throw new Error('expected a DomainError');
};

describe('JSON patch (RFC 6902)', () => {
  // RFC 6902 Appendix A (A.13, duplicate members, cannot be expressed after JSON.parse).
  it.each<[string, JsonValue, unknown[], JsonValue]>([
    ['A.1 adds an object member', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { baz: 'qux', foo: 'bar' }],
    ['A.2 adds an array element', { foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }], { foo: ['bar', 'qux', 'baz'] }],
    ['A.3 removes an object member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
    ['A.4 removes an array element', { foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
    ['A.5 replaces a value', { baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
    [
      'A.6 moves a value',
      { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
      [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
    ],
    [
      'A.7 moves an array element',
      { foo: ['all', 'grass', 'cows', 'eat'] },
      [{ op: 'move', from: '/foo/1', path: '/foo/3' }],
      { foo: ['all', 'cows', 'eat', 'grass'] },
    ],
    [
      'A.8 tests a value (success)',
      { baz: 'qux', foo: ['a', 2, 'c'] },
      [
        { op: 'test', path: '/baz', value: 'qux' },
        { op: 'test', path: '/foo/1', value: 2 },
      ],
      { baz: 'qux', foo: ['a', 2, 'c'] },
    ],
    ['A.10 adds a nested member object', { foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }], { foo: 'bar', child: { grandchild: {} } }],
    ['A.11 ignores unrecognized members', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }], { foo: 'bar', baz: 'qux' }],
    ['A.14 unescapes ~01 as ~1', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }], { '/': 9, '~1': 10 }],
    ['A.16 adds an array value with "-"', { foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], { foo: ['bar', ['abc', 'def']] }],
    ['copies a value', { a: { b: 1 } }, [{ op: 'copy', from: '/a', path: '/c' }], { a: { b: 1 }, c: { b: 1 } }],
    ['adds at the root', { a: 1 }, [{ op: 'add', path: '', value: { b: 2 } }], { b: 2 }],
    ['unescapes ~1 as "/"', { 'a/b': 1 }, [{ op: 'replace', path: '/a~1b', value: 2 }], { 'a/b': 2 }],
    ['test compares objects regardless of key order', { a: { x: 1, y: 2 } }, [{ op: 'test', path: '/a', value: { y: 2, x: 1 } }], { a: { x: 1, y: 2 } }],
  ])('%s', (_name, target, ops, expected) => {
    expect(applyJsonPatch(target, ops)).toEqual(expected);
  });

  it.each<[string, JsonValue, unknown[], string]>([
    ['A.9 a failed test', { baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }], 'testing value /baz failed: test failed'],
    ['A.12 adding under a missing parent', { foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }], 'add operation does not apply: doc is missing path: "/baz/bat": missing value'],
    ['A.15 a string never equals a number', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }], 'testing value /~01 failed: test failed'],
    ['removing a missing member', { a: 1 }, [{ op: 'remove', path: '/b' }], 'Unable to remove nonexistent key: b: missing value'],
    ['replacing a missing member', { a: 1 }, [{ op: 'replace', path: '/b', value: 1 }], 'replace operation does not apply: doc is missing key: /b: missing value'],
    ['an index past the end', { a: [1] }, [{ op: 'add', path: '/a/5', value: 1 }], 'Unable to access invalid index: 5: invalid index referenced'],
    ['an unknown op', { a: 1 }, [{ op: 'frob', path: '/a' }], 'Unexpected kind: frob'],
    ['a missing value', { a: 1 }, [{ op: 'add', path: '/b' }], 'add operation missing value'],
    ['moving into its own child', { a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a/b/c' }], 'move operation does not apply: cannot move /a into its own child /a/b/c'],
  ])('rejects %s with 422 and upstream’s generic text', (_name, target, ops, cause) => {
    expect(rejectedWith(() => applyJsonPatch(target, ops))).toEqual({ code: 'Invalid', message: JSON_PATCH_REJECTED, cause });
  });

  it('is all or nothing and leaves the target alone', () => {
    const target = { a: 1 };
    expect(() => applyJsonPatch(target, [{ op: 'replace', path: '/a', value: 2 }, { op: 'test', path: '/a', value: 1 }])).toThrow();
    expect(target).toEqual({ a: 1 });
  });

  it('rejects a body that is not a list with 400 and Go’s decoder text', () => {
    expect(rejectedWith(() => applyJsonPatch({}, { op: 'add' } as unknown as unknown[]))).toMatchObject({
      code: 'BadRequest',
      message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    });
  });

  it('caps the number of operations at 10000 (413)', () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '', value: {} }));
    expect(rejectedWith(() => applyJsonPatch({}, ops))).toMatchObject({
      code: 'RequestEntityTooLarge',
      message: 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
    });
  });

  it('kubectl’s SSA migration body moves managedFields and locks on resourceVersion', () => {
    const live = { metadata: { name: 'nginx-ds', resourceVersion: '199', managedFields: [{ manager: 'kubectl-client-side-apply', operation: 'Update' }] } };
    const managed = [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: {} }];
    const ops = [
      { op: 'replace', path: '/metadata/managedFields', value: managed },
      { op: 'replace', path: '/metadata/resourceVersion', value: '199' },
    ];
    expect(applyJsonPatch(live, ops)).toEqual({ metadata: { name: 'nginx-ds', resourceVersion: '199', managedFields: managed } });
  });
});
