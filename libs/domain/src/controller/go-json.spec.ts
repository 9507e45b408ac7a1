import { compareUtf8, goJsonMarshal, utf8Bytes } from './go-json';
import { fnv1a32, safeEncodeString } from './hash';

// Expected strings are what Go 1.23 `json.Marshal` prints for the same value held in interface{}.
describe('goJsonMarshal (Go encoding/json)', () => {
  it.each<[string, unknown, string]>([
    ['sorts object keys and writes no whitespace', { b: 1, a: 'x', c: [true, null] }, '{"a":"x","b":1,"c":[true,null]}'],
    ['nested objects are sorted at every level', { z: { y: 1, x: 2 }, a: {} }, '{"a":{},"z":{"x":2,"y":1}}'],
    ['escapes <, > and & (HTML-safe)', '<a href="x">&</a>', '"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"'],
    ['escapes U+2028 and U+2029', 'a\u2028b\u2029c', '"a\\u2028b\\u2029c"'],
    ['short escapes for \\n \\r \\t', 'l1\nl2\r\tend', '"l1\\nl2\\r\\tend"'],
    ['short escapes for \\b \\f (Go ≥ 1.22)', '\b\f', '"\\b\\f"'],
    ['other control characters as \\u00XX, lowercase hex', '\u0000\u0001\u001f\u001b', '"\\u0000\\u0001\\u001f\\u001b"'],
    ['quote and backslash', 'say "hi" \\ bye', '"say \\"hi\\" \\\\ bye"'],
    ['DEL and non-ASCII are written raw', '\u007fé€😀', '"\u007fé€😀"'],
    ['a lone surrogate becomes \\ufffd', 'a\ud800b', '"a\\ufffdb"'],
    ['integers', 123456789, '123456789'],
    ['fractions', 3.14, '3.14'],
    ['negative zero', -0, '-0'],
    ['1e20 stays in plain form', 1e20, '100000000000000000000'],
    ['1e21 switches to exponent form', 1e21, '1e+21'],
    ['1e-6 stays in plain form', 0.000001, '0.000001'],
    ['below 1e-6 uses a trimmed exponent', 0.0000001, '1e-7'],
    ['largest float64', 1.7976931348623157e308, '1.7976931348623157e+308'],
    ['smallest subnormal', 5e-324, '5e-324'],
    ['empty array vs null', { a: [], b: null }, '{"a":[],"b":null}'],
    ['undefined members are absent', { a: undefined, b: 1 }, '{"b":1}'],
  ])('%s', (_name, value, expected) => expect(goJsonMarshal(value)).toBe(expected));

  it('sorts keys by UTF-8 bytes, not UTF-16 code units', () => {
    // UTF-16 order would put 😀 (U+D83D…) before U+FFFF; UTF-8 puts it after (F0 > EF).
    expect(goJsonMarshal({ '😀': 1, '\uffff': 2, é: 3, z: 4, B: 5, a: 6 })).toBe('{"B":5,"a":6,"z":4,"é":3,"\uffff":2,"😀":1}');
    expect(compareUtf8('\uffff', '😀')).toBeLessThan(0);
  });

  it('refuses NaN and Infinity like Go (UnsupportedValueError)', () => {
    expect(() => goJsonMarshal(Number.NaN)).toThrow('unsupported value');
    expect(() => goJsonMarshal({ a: Infinity })).toThrow('unsupported value');
  });

  it('produces the same bytes as TextEncoder', () => {
    const s = 'aé€😀\ud800';
    expect(Array.from(utf8Bytes(s))).toEqual(Array.from(new TextEncoder().encode(s)));
  });
});

describe('FNV-1a 32 and SafeEncodeString', () => {
  it.each<[string, number]>([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
  ])('fnv1a32(%j) matches the reference vector', (input, expected) => expect(fnv1a32(utf8Bytes(input))).toBe(expected));

  it('maps digits 0-9 to 4 5 6 7 8 9 b c d f', () => expect(safeEncodeString('0123456789')).toBe('456789bcdf'));
});
