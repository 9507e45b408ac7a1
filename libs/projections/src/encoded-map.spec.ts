import { MemoryEventStore } from '@daemonledger/event-store/memory/memory-event-store';
import { MemorySnapshotStore } from '@daemonledger/event-store/memory/memory-snapshot-store';
import { ClusterView } from './cluster-view';
import { EncodedMap, jsonTextOf, Unparsed } from './encoded-map';
import { clusterViewAt, History } from './point-in-time';
import { captureView, writeSnapshot } from './snapshot-codec';
import { decodeTextSlice, encodeTextSlice } from './snapshot-part';
import { writeSyntheticLog } from './testing/synthetic-log';

describe('EncodedMap', () => {
  it('reads unparsed values as the objects their text encodes, parsed once, and remembers the text', () => {
    const map = new EncodedMap<{ a: number }>();
    const shared = new Unparsed<{ a: number }>('{"a":1}');
    map.setEncoded('x', shared).set('y', { a: 2 });
    expect([...map.rawEntries()].map(([k, v]) => [k, v instanceof Unparsed])).toEqual([
      ['x', true],
      ['y', false],
    ]);
    const x = map.get('x')!;
    expect(x).toEqual({ a: 1 });
    expect(shared.get()).toBe(x); // one parse, shared by every view holding the entry
    expect(jsonTextOf(x)).toBe('{"a":1}');
    expect(jsonTextOf(map.get('y')!)).toBeUndefined();
    expect([...map.values()]).toEqual([{ a: 1 }, { a: 2 }]);
    expect([...map]).toEqual([...new Map(map.entries())]);
    const seen: string[] = [];
    map.forEach((v, k) => seen.push(`${k}=${v.a}`));
    expect(seen).toEqual(['x=1', 'y=2']);
  });
});

describe('text slices (how a snapshot stores pods)', () => {
  it('round-trip objects, Unparsed text and Unparsed bytes to Unparsed slices of the decoded bytes, exact JSON kept', () => {
    const odd = { metadata: { name: 'p-2', annotations: { a: 'tab\tand\nnewline', b: 'ünïcode ✓ \u0000' } } };
    const entries: [string, string, object][] = [
      ['default', 'p-1', { metadata: { name: 'p-1' }, spec: { n: 1 } }],
      ['default', 'p-2', odd],
      ['kube-system', 'p-3', new Unparsed('{"metadata":{"name":"p-3"}}')],
      ['kube-system', 'p-4', new Unparsed(Buffer.from('{"metadata":{"name":"p-4","x":"é"}}'))],
    ];
    const bytes = encodeTextSlice(entries);
    const decoded = decodeTextSlice(bytes);
    expect(decoded.map(([ns, name]) => [ns, name])).toEqual(entries.map(([ns, name]) => [ns, name]));
    for (const [i, [, , v]] of decoded.entries()) {
      const original = entries[i][2];
      const json = original instanceof Unparsed ? original.text : JSON.stringify(original);
      expect(v.text).toBe(json);
      expect(v.bytes.equals(Buffer.from(json))).toBe(true);
      expect(v.get()).toEqual(JSON.parse(json));
      expect(jsonTextOf(v.get())).toBe(json);
    }
    expect(decoded[1][2].get()).toEqual(odd);
    expect(decodeTextSlice(encodeTextSlice([]))).toEqual([]);
  });

  it('refuse a malformed slice (a damaged snapshot is then skipped, never half-read)', () => {
    const good = encodeTextSlice([['default', 'p', { a: 1 }]]);
    expect(() => decodeTextSlice(good.subarray(0, good.length - 1))).toThrow(/malformed/);
    expect(() => decodeTextSlice(Buffer.from('default p {"a":1}\n'))).toThrow(/malformed/);
    expect(() => decodeTextSlice(Buffer.from('default\tp\t\n'))).toThrow(/malformed/);
  });
});

describe('lean past reads of pods (no derived state, pods restored as text)', () => {
  it('equal the full fold at every position; the stored form lists the same pods in byName order with their exact JSON', async () => {
    const store = new MemoryEventStore();
    await writeSyntheticLog(store, { nodes: 12, updates: 2 });
    const head = await store.headPosition();
    const snapshots = new MemorySnapshotStore();
    const live = new ClusterView();
    for (const e of await store.readAll({ fromPosition: 0, maxCount: head })) {
      live.apply(e);
      if (e.position % 40 === 0) await writeSnapshot(snapshots, captureView(live));
    }
    const history = new History(store, { snapshots });
    for (let p = 1; p <= head; p += 3) {
      const full = await clusterViewAt(store, p);
      const lean = await history.viewAt(p, 'pod');
      expect(lean.derived).toBe(false);
      const stored = lean.podsAsStored('default');
      const expected = full.podsIn('default').sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
      expect({ p, names: stored.map((s) => s.name) }).toEqual({ p, names: expected.map((x) => x.metadata.name) });
      expect({ p, json: stored.map((s) => (s.pod instanceof Unparsed ? s.pod.text : JSON.stringify(s.pod))) }).toEqual({ p, json: expected.map((x) => JSON.stringify(x)) });
      expect({ p, pods: lean.allPods() }).toEqual({ p, pods: expect.arrayContaining(full.allPods()) });
      expect(lean.events.list()).toEqual([]);
    }
    // Some reads must have answered from text nobody parsed (else this test proves nothing about it).
    const some = await history.viewAt(head - 1, 'pod');
    expect(some.podsAsStored().some((s) => s.pod instanceof Unparsed)).toBe(true);
  });
});
