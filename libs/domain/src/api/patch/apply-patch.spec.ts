import { DomainError, isDomainError } from '../../errors';
import { applyPatch, patchMediaType, UNSUPPORTED_PATCH_MEDIA_TYPE_MESSAGE } from './apply-patch';
import type { JsonObject } from './json';
import type { PatchBody } from './apply-patch';

const live = (): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'nginx-ds', namespace: 'default', resourceVersion: '10', labels: { app: 'nginx-ds' } },
  spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.8.0' }] } } },
});

const failure = (contentType: string | undefined, body: PatchBody, target: JsonObject = live()): DomainError => {
  try {
    applyPatch(contentType, target, body, 'DaemonSet');
  } catch (e) {
    if (isDomainError(e)) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
};

describe('applyPatch: media types', () => {
  it.each([
    ['application/strategic-merge-patch+json', 'application/strategic-merge-patch+json'],
    ['application/merge-patch+json; charset=utf-8', 'application/merge-patch+json'],
    ['Application/JSON-Patch+JSON', 'application/json-patch+json'],
    ['application/apply-patch+yaml', 'application/apply-patch+yaml'],
    ['application/json', undefined],
    [undefined, undefined],
  ])('%s → %s', (header, expected) => {
    expect(patchMediaType(header)).toBe(expected);
  });

  it.each([['application/json'], ['text/plain'], [undefined]])('refuses %s with 415 and upstream’s text', (contentType) => {
    const e = failure(contentType, '{}');
    expect(e.code).toBe('UnsupportedMediaType');
    expect(e.message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json',
    );
    expect(e.message).toBe(UNSUPPORTED_PATCH_MEDIA_TYPE_MESSAGE);
  });

  it('the same label change gives the same object through all three patch types', () => {
    const smp = applyPatch('application/strategic-merge-patch+json', live(), '{"metadata":{"labels":{"tier":"web"}}}', 'DaemonSet');
    const merge = applyPatch('application/merge-patch+json', live(), '{"metadata":{"labels":{"tier":"web"}}}', 'DaemonSet');
    const json = applyPatch('application/json-patch+json', live(), '[{"op":"add","path":"/metadata/labels/tier","value":"web"}]', 'DaemonSet');
    expect(smp).toEqual(merge);
    expect(json).toEqual(merge);
  });

  it('merge patch replaces lists that SMP would merge', () => {
    const body = '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox"}]}}}}';
    const merged = applyPatch('application/merge-patch+json', live(), body, 'DaemonSet');
    expect(merged.spec).toEqual({ template: { spec: { containers: [{ name: 'sidecar', image: 'busybox' }] } } });
    const strategic = applyPatch('application/strategic-merge-patch+json', live(), body, 'DaemonSet');
    expect(((strategic.spec as JsonObject).template as JsonObject).spec).toEqual({
      containers: [{ name: 'sidecar', image: 'busybox' }, { name: 'nginx', image: 'nginx:1.8.0' }],
    });
  });

  it('accepts bytes and already-decoded bodies', () => {
    const bytes = new TextEncoder().encode('{"metadata":{"labels":{"a":"b"}}}');
    const fromBytes = applyPatch('application/merge-patch+json', live(), bytes, 'DaemonSet');
    const fromValue = applyPatch('application/merge-patch+json', live(), { metadata: { labels: { a: 'b' } } }, 'DaemonSet');
    expect(fromBytes).toEqual(fromValue);
  });
});

describe('applyPatch: malformed bodies (400)', () => {
  it.each<[string, string, string, string]>([
    ['SMP not JSON', 'application/strategic-merge-patch+json', '{x}', "invalid character 'x' looking for beginning of object key string"],
    ['SMP empty', 'application/strategic-merge-patch+json', '', 'unexpected end of JSON input'],
    ['SMP truncated', 'application/strategic-merge-patch+json', '{"spec":', 'unexpected end of JSON input'],
    ['SMP array', 'application/strategic-merge-patch+json', '[]', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
    ['SMP string', 'application/strategic-merge-patch+json', '"x"', 'json: cannot unmarshal string into Go value of type map[string]interface {}'],
    ['JSON patch object', 'application/json-patch+json', '{"op":"add"}', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch'],
    ['merge patch null', 'application/merge-patch+json', 'null', 'Invalid JSON Patch'],
    ['merge patch array', 'application/merge-patch+json', '[1]', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
  ])('%s', (_name, contentType, body, message) => {
    const e = failure(contentType, body);
    expect(e.code).toBe('BadRequest');
    expect(e.message).toBe(message);
  });

  // Go's wording is approximated from V8's error (e.g. Go says "in literal null (expecting 'u')" for `nope`).
  it.each([['nope'], ['{"a":1} x'], ['[1,]']])('other syntax errors name the offending character: %s', (body) => {
    const e = failure('application/strategic-merge-patch+json', body);
    expect(e.code).toBe('BadRequest');
    expect(e.message).toMatch(/^invalid character '.' /);
  });

  it('an SMP body of null is a no-op, as Go decodes it into an empty map', () => {
    expect(applyPatch('application/strategic-merge-patch+json', live(), 'null', 'DaemonSet')).toEqual(live());
  });
});

describe('applyPatch: resourceVersion precondition (409)', () => {
  it.each<[string, string, string]>([
    ['SMP', 'application/strategic-merge-patch+json', '{"metadata":{"resourceVersion":"9","labels":{"a":"b"}}}'],
    ['merge patch', 'application/merge-patch+json', '{"metadata":{"resourceVersion":"9"}}'],
    ['JSON patch', 'application/json-patch+json', '[{"op":"replace","path":"/metadata/resourceVersion","value":"9"}]'],
  ])('a stale resourceVersion in a %s is a Conflict', (_name, contentType, body) => {
    const e = failure(contentType, body);
    expect(e.code).toBe('Conflict');
    expect(e.message).toBe(
      'Operation cannot be fulfilled on daemonsets.apps "nginx-ds": the object has been modified; please apply your changes to the latest version and try again',
    );
    expect(e.details).toEqual({ name: 'nginx-ds', group: 'apps', kind: 'daemonsets' });
  });

  it('the current resourceVersion, or none, passes', () => {
    expect(() => applyPatch('application/strategic-merge-patch+json', live(), '{"metadata":{"resourceVersion":"10"}}', 'DaemonSet')).not.toThrow();
    expect(() => applyPatch('application/merge-patch+json', live(), '{"metadata":{"resourceVersion":null}}', 'DaemonSet')).not.toThrow();
  });

  it('core resources have no group in the message', () => {
    const node = { metadata: { name: 'n1', resourceVersion: '3' } };
    expect(() => applyPatch('application/strategic-merge-patch+json', node, '{"metadata":{"resourceVersion":"2"}}', 'Node')).toThrow(
      'Operation cannot be fulfilled on nodes "n1"',
    );
  });
});

describe('applyPatch: server-side apply (simplified)', () => {
  const manifest = JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'nginx-ds', namespace: 'default', labels: { app: 'nginx-ds' } },
    spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.9.1' }] } } },
  });

  it('merges the manifest over the live object with SMP semantics', () => {
    const after = applyPatch('application/apply-patch+yaml', live(), manifest, 'DaemonSet');
    const expected = live();
    ((((expected.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[])[0].image = 'nginx:1.9.1';
    expect(after).toEqual(expected);
  });

  it('creates from an empty live object', () => {
    expect(applyPatch('application/apply-patch+yaml', {}, manifest, 'DaemonSet')).toEqual(JSON.parse(manifest));
  });

  it('does not read real YAML', () => {
    expect(failure('application/apply-patch+yaml', 'kind: DaemonSet\n').code).toBe('BadRequest');
  });
});
