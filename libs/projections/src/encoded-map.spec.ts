import { MemoryEventStore } from '@daemonledger/event-store/memory/memory-event-store';
import { MemorySnapshotStore } from '@daemonledger/event-store/memory/memory-snapshot-store';
import { ClusterView } from './cluster-view';
import { EncodedMap, jsonTextOf, Unparsed } from './encoded-map';
import { clusterViewAt, History } from './point-in-time';
import { captureView, writeSnapshot } from './snapshot-codec';
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
