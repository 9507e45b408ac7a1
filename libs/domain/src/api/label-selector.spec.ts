import { DomainError } from '../errors';
import { checkFieldSelector, fieldSelectorMatches, parseFieldSelector, SELECTABLE_FIELDS } from './field-selector';
import { labelSelectorAsString, labelSelectorMatches, parseLabelSelector, selectorMatches, selectorString } from './label-selector';
import type { LabelSelector } from './types';

describe('LabelSelector objects', () => {
  const labels = { app: 'nginx-ds', tier: 'web', v: '3' };
  it.each<[string, LabelSelector | undefined, boolean]>([
    ['missing selector selects nothing', undefined, false],
    ['{} selects everything', {}, true],
    ['matchLabels', { matchLabels: { app: 'nginx-ds' } }, true],
    ['matchLabels mismatch', { matchLabels: { app: 'x' } }, false],
    ['In', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'db'] }] }, true],
    ['NotIn on an absent key', { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, true],
    ['Exists', { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, false],
    ['ANDed', { matchLabels: { app: 'nginx-ds' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] }, false],
    ['invalid operator selects nothing', { matchExpressions: [{ key: 'tier', operator: 'Gt', values: ['1'] }] }, false],
  ])('%s', (_n, sel, expected) => {
    expect(labelSelectorMatches(sel, labels)).toBe(expected);
  });

  it.each<[LabelSelector | undefined, string]>([
    [{ matchLabels: { app: 'nginx-ds' } }, 'app=nginx-ds'],
    [{ matchLabels: { b: '2', a: '1' }, matchExpressions: [{ key: 'k', operator: 'In', values: ['y', 'x'] }, { key: 'j', operator: 'DoesNotExist' }] }, 'a=1,b=2,!j,k in (x,y)'],
    [{ matchExpressions: [{ key: 'k', operator: 'Exists' }, { key: 'n', operator: 'NotIn', values: ['a'] }] }, 'k,n notin (a)'],
    [{}, '<none>'],
    [undefined, '<none>'],
    [{ matchExpressions: [{ key: 'k', operator: 'In', values: [] }] }, '<error>'],
  ])('labelSelectorAsString(%j) = %s', (sel, text) => {
    expect(labelSelectorAsString(sel)).toBe(text);
  });
});

describe('string label selectors (?labelSelector=)', () => {
  const labels = { a: 'b', c: 'x', e: 'y', g: '1', n: '5' };
  it.each([
    ['', true],
    ['a=b', true],
    ['a==b', true],
    ['a!=b', false],
    ['c!=d', true],
    ['e in (x,y)', true],
    ['e notin (x, y)', false],
    ['!f', true],
    ['!a', false],
    ['g', true],
    ['a=b,c!=d,e in (x,y),!f,g', true],
    ['n>3', true],
    ['n<3', false],
    ['missing=', false],
  ])('%j matches: %s', (text, expected) => {
    expect(selectorMatches(parseLabelSelector(text), labels)).toBe(expected);
  });

  it('renders back in sorted canonical form', () => {
    expect(selectorString(parseLabelSelector('z=1, a in (y,x),!m'))).toBe('a in (x,y),!m,z=1');
  });

  it.each(['a=b,', 'a in x', 'a in (x', '=b', 'a b', 'a=-x-', 'a/b/c=d', 'n>x'])('%j is a BadRequest', (text) => {
    expect(() => parseLabelSelector(text)).toThrow(DomainError);
    try {
      parseLabelSelector(text);
    } catch (e) {
      expect((e as DomainError).code).toBe('BadRequest');
    }
  });
});

describe('field selectors (?fieldSelector=)', () => {
  const fields = { 'metadata.name': 'x', 'spec.nodeName': 'node-1' };
  it.each([
    ['', true],
    ['metadata.name=x', true],
    ['metadata.name==x', true],
    ['metadata.name!=x', false],
    ['metadata.name=x,spec.nodeName=node-1', true],
    ['metadata.name=x,spec.nodeName=node-2', false],
    ['spec.nodeName=', false],
  ])('%j matches: %s', (text, expected) => {
    expect(fieldSelectorMatches(parseFieldSelector(text), fields)).toBe(expected);
  });

  it('unescapes values', () => {
    expect(parseFieldSelector('metadata.name=a\\,b')).toEqual([{ field: 'metadata.name', operator: '=', value: 'a,b' }]);
  });

  it.each(['metadata.name', '=x', 'metadata.name=x,,'])('%j is a BadRequest', (text) => {
    expect(() => parseFieldSelector(text)).toThrow(/invalid selector/);
  });

  it('rejects fields the resource does not support', () => {
    expect(() => checkFieldSelector(parseFieldSelector('spec.foo=x'), SELECTABLE_FIELDS.DaemonSet)).toThrow('field label not supported: spec.foo');
    expect(() => checkFieldSelector(parseFieldSelector('spec.nodeName=n'), SELECTABLE_FIELDS.Pod)).not.toThrow();
  });
});
