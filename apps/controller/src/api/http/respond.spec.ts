import { validateHeaderValue } from 'node:http';
import { warningHeader } from './respond';

describe('Warning headers', () => {
  it('quote the text as kubectl reads it', () => {
    expect(warningHeader('unknown field "spec.foo"')).toBe('299 - "unknown field \\"spec.foo\\""');
  });

  it.each([
    ['a control character', 'unknown field "a\u0001b"'],
    ['a character beyond Latin-1', 'unknown field "😀"'],
    ['an invalid UTF-8 replacement', 'unknown field "\ufffd"'],
    ['a Latin-1 letter', 'unknown field "é"'],
  ])('carry %s as an escape, so the header is valid', (_, text) => {
    const value = warningHeader(text);
    expect(() => validateHeaderValue('Warning', value)).not.toThrow();
    expect(value).toMatch(/^299 - "[\x20-\x7e]*"$/);
    expect(JSON.parse(value.slice('299 - '.length))).toBe(text);
  });
});
