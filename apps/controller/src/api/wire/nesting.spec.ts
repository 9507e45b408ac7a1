import { jsonDepth, yamlDepth } from './nesting';
import { formatGoDuration, parseGoDuration } from './go-duration';

describe('body nesting, measured without recursion', () => {
  it.each([
    ['{}', 1],
    ['{"a":[1,{"b":2}]}', 3],
    ['"[[[[{{{{"', 0],
    ['{"a":"\\"[[[["}', 1],
    [`${'['.repeat(100_000)}`, 100_000],
    ['{not json', 1],
  ])('JSON %#', (text, depth) => expect(jsonDepth(text)).toBe(depth));

  it.each([
    ['a: 1', 1],
    ['a:\n  b:\n    c: 1', 3],
    ['a:\n- - - 1', 4],
    ['a: {b: [1, 2]}', 3],
    ['a: "{{{{[[["  # [[[', 1],
    ['a: |\n  {{{{\n  text', 1],
    ['a:\n  b: 1\nc: 2', 2],
  ])('YAML %# (an upper bound of the real depth)', (text, depth) => expect(yamlDepth(text)).toBeGreaterThanOrEqual(depth));

  it('YAML: depth by indentation and by flow brackets', () => {
    const indented = Array.from({ length: 50 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
    expect(yamlDepth(indented)).toBe(50);
    expect(yamlDepth(`x: ${'['.repeat(40)}${']'.repeat(40)}`)).toBe(41);
    expect(yamlDepth('a:\n  b:\n    c: 1\nd: 1')).toBe(3);
    // A block scalar's text is not structure.
    expect(yamlDepth(`data:\n  script: |\n${'    {\n'.repeat(2000)}  other: 1`)).toBe(2);
  });
});

describe('Go durations (meta/v1 Duration)', () => {
  it.each([
    [0, '0s'], [1, '1ns'], [1500, '1.5µs'], [2e6, '2ms'], [1.5e9, '1.5s'], [90e9, '1m30s'], [3600e9, '1h0m0s'], [-5e9, '-5s'],
  ])('%d ns ↔ %s', (ns, text) => {
    expect(formatGoDuration(ns)).toBe(text);
    expect(parseGoDuration(text)).toBe(ns);
  });
  it('parses what time.ParseDuration parses, refuses the rest', () => {
    expect(parseGoDuration('1h2m3s')).toBe(3723e9);
    expect(parseGoDuration('300us')).toBe(300e3);
    expect(() => parseGoDuration('5')).toThrow(/invalid duration/);
    expect(() => parseGoDuration('')).toThrow(/invalid duration/);
  });
});
