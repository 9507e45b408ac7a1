import { applyJsonMergePatch } from './json-merge-patch';
import type { JsonValue } from './json';

describe('JSON merge patch (RFC 7386)', () => {
  // RFC 7386 Appendix A, every example.
  it.each<[string, JsonValue, JsonValue, JsonValue]>([
    ['replaces a member', { a: 'b' }, { a: 'c' }, { a: 'c' }],
    ['adds a member', { a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    ['null deletes a member', { a: 'b' }, { a: null }, {}],
    ['null deletes only that member', { a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    ['a scalar replaces an array', { a: ['b'] }, { a: 'c' }, { a: 'c' }],
    ['an array replaces a scalar', { a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    ['merges nested objects', { a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    ['arrays are replaced, never merged', { a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    ['an array patch replaces an array document', ['a', 'b'], ['c', 'd'], ['c', 'd']],
    ['an array patch replaces an object document', { a: 'b' }, ['c'], ['c']],
    ['a null patch replaces the document', { a: 'foo' }, null, null],
    ['a string patch replaces the document', { a: 'foo' }, 'bar', 'bar'],
    ['keeps nulls already in the target', { e: null }, { a: 1 }, { e: null, a: 1 }],
    ['an object patch turns a non-object into an object, dropping its nulls', [1, 2], { a: 'b', c: null }, { a: 'b' }],
    ['drops nulls nested in new members', {}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%s', (_name, target, patch, expected) => {
    expect(applyJsonMergePatch(target, patch)).toEqual(expected);
  });

  it('never mutates its arguments', () => {
    const target = { metadata: { labels: { a: '1' } } };
    const patch = { metadata: { labels: { b: '2', a: null } } };
    const result = applyJsonMergePatch(target, patch) as { metadata: { labels: Record<string, string> } };
    result.metadata.labels.c = '3';
    expect(target).toEqual({ metadata: { labels: { a: '1' } } });
    expect(patch).toEqual({ metadata: { labels: { b: '2', a: null } } });
  });

  it('keeps a __proto__ key as plain data', () => {
    const result = applyJsonMergePatch({}, JSON.parse('{"__proto__":{"polluted":true}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(result)).toEqual(['__proto__']);
  });
});
