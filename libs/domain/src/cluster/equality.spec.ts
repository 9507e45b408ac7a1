import fc from 'fast-check';
import { jsonEqual, sameJson } from './equality';

const odd = fc.constantFrom<unknown>(undefined, NaN, Infinity, -0, () => 1, new Date(0), { toJSON: () => 'x' });
const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.oneof(fc.string({ maxLength: 3 }), fc.integer({ min: -2, max: 2 }), fc.boolean(), fc.constant(null), odd),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c', '1', '0'), tie('v'), { maxKeys: 3 }),
  ),
})).v;

describe('sameJson', () => {
  it('says exactly what comparing the two JSON texts says', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(sameJson(a, b)).toBe(JSON.stringify(a) === JSON.stringify(b));
        expect(sameJson(a, structuredCloneJson(a))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('tells key order apart, which jsonEqual ignores', () => {
    expect(sameJson({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(jsonEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson([undefined], [null])).toBe(true);
    expect(sameJson([1, 2], [1, 2, 3])).toBe(false);
  });
});

/** A copy that JSON.stringify writes the same (a parse of its text, where it has one). */
const structuredCloneJson = (v: unknown): unknown => {
  const text = JSON.stringify(v);
  return text === undefined ? v : JSON.parse(text);
};
