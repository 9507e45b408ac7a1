import { Unparsed } from '@daemonledger/projections';
import { wireJson, wireJsonList, wireJsonListChunks } from './wire-json';

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

describe('wireJsonList', () => {
  it('equals wireJson of the whole list, byte for byte, with items given as text, as objects parsed from text, or as objects', () => {
    const pod = { kind: 'Pod', metadata: { name: 'p', labels: { 'pod-template-generation': '1' } }, spec: { containers: [{ name: 'a' }] } };
    const fromText = new Unparsed<typeof pod>(JSON.stringify(pod)).get();
    const ds = { kind: 'DaemonSet', spec: { template: { metadata: {}, spec: {} } } };
    const cr = { kind: 'ControllerRevision', data: { b: 1, a: '<' } };
    const head = { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '7' } };
    const items = [pod, fromText, ds, cr];
    const expected = wireJson({ ...head, items });
    expect(wireJsonList(head, [JSON.stringify(pod), fromText, ds, cr])).toBe(expected);
    // Text whose wire form differs (a template, a ControllerRevision) is encoded, not spliced.
    expect(wireJsonList(head, [pod, pod, JSON.stringify(ds), new Unparsed(JSON.stringify(cr)).get()])).toBe(expected);
    expect(wireJsonList(head, [])).toBe(wireJson({ ...head, items: [] }));
  });

  it('as bytes: the same, with pods given as the UTF-8 bytes of their JSON (spliced as they are) or as objects', () => {
    const pod = { kind: 'Pod', metadata: { name: 'pé', annotations: { note: 'tab\there, ünïcode ✓' } }, spec: { containers: [{ name: 'a' }] } };
    const other = { kind: 'Pod', metadata: { name: 'q' } };
    const head = { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '7' } };
    const expected = wireJson({ ...head, items: [pod, other, pod, pod, other] });
    const bytes = (o: object) => Buffer.from(JSON.stringify(o));
    expect(Buffer.concat(wireJsonListChunks(head, [bytes(pod), other, bytes(pod), new Unparsed(bytes(pod)).bytes, other])).toString('utf8')).toBe(expected);
    expect(Buffer.concat(wireJsonListChunks(head, [pod, other, pod, pod, other])).toString('utf8')).toBe(expected);
    expect(Buffer.concat(wireJsonListChunks(head, [other, bytes(pod), bytes(pod), other, other])).toString('utf8')).toBe(wireJson({ ...head, items: [other, pod, pod, other, other] }));
    expect(Buffer.concat(wireJsonListChunks(head, [])).toString('utf8')).toBe(wireJson({ ...head, items: [] }));
  });
});
