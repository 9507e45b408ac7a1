import { wireJson } from './wire-json';

describe('wireJson', () => {
  it('writes ControllerRevision data as Go would (sorted keys, HTML escapes), the rest as JSON.stringify', () => {
    const cr = { kind: 'ControllerRevision', metadata: { name: 'x' }, data: { spec: { template: { z: 1, $patch: 'replace', a: '<b>' } } }, revision: 1 };
    expect(wireJson({ items: [cr] })).toBe(
      '{"items":[{"kind":"ControllerRevision","metadata":{"name":"x"},"data":{"spec":{"template":{"$patch":"replace","a":"\\u003cb\\u003e","z":1}}},"revision":1}]}',
    );
    expect(JSON.parse(wireJson(cr))).toEqual(cr);
  });

  it('gives a DaemonSet template the null creationTimestamp Go writes', () => {
    const ds = { kind: 'DaemonSet', spec: { template: { metadata: { labels: { a: 'b' } }, spec: {} } } };
    expect(JSON.parse(wireJson(ds)).spec.template.metadata).toEqual({ creationTimestamp: null, labels: { a: 'b' } });
    expect(ds.spec.template.metadata).toEqual({ labels: { a: 'b' } });
  });

  it('leaves other objects alone', () => {
    expect(wireJson({ kind: 'DaemonSet', data: { b: 1, a: 2 } })).toBe('{"kind":"DaemonSet","data":{"b":1,"a":2}}');
  });
});
