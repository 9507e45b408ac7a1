import { SnapshotCorruptError, type SnapshotRef, type SnapshotStore } from '../snapshot-store.port';

export interface SnapshotStoreUnderTest {
  store: SnapshotStore;
  /** Flips one byte of a stored part, behind the store's back (as a damaged disk would). */
  corrupt(ref: SnapshotRef, part: string): void;
  /** A second handle on the same storage, as after a restart (undefined: memory only). */
  reopen?(): Promise<SnapshotStore>;
}

const bytes = (text: string) => Buffer.from(text, 'utf8');

/** What every snapshot store guarantees; run by the memory spec and the SQLite integration spec. */
export const describeSnapshotStoreContract = (name: string, open: () => Promise<SnapshotStoreUnderTest>) =>
  describe(`SnapshotStore contract: ${name}`, () => {
    it('lists complete snapshots only, newest first, with their parts and sizes', async () => {
      const { store } = await open();
      expect(await store.list()).toEqual([]);
      for (const position of [10, 30, 20]) {
        const w = await store.begin(position, 'v1');
        await w.writePart('pods.0', bytes(`pods at ${position}`));
        await w.writePart('nodes.0', bytes('nodes'));
        await w.commit();
      }
      const unfinished = await store.begin(40, 'v1');
      await unfinished.writePart('pods.0', bytes('half'));
      const listed = await store.list();
      expect(listed.map((r) => r.position)).toEqual([30, 20, 10]);
      expect(listed[0]).toMatchObject({ codeVersion: 'v1', bytes: 'pods at 30'.length + 5 });
      expect(listed[0].parts.map((p) => p.name)).toEqual(['pods.0', 'nodes.0']);
      expect((await store.readPart(listed[0], 'pods.0')).toString()).toBe('pods at 30');
      await unfinished.commit();
      expect((await store.list()).map((r) => r.position)).toEqual([40, 30, 20, 10]);
      await store.close();
    });

    it('keeps code versions apart and deletes one snapshot whole', async () => {
      const { store } = await open();
      for (const v of ['v1', 'v2']) {
        const w = await store.begin(5, v);
        await w.writePart('a.0', bytes(v));
        await w.commit();
      }
      const [x, y] = await store.list();
      expect(new Set([x.codeVersion, y.codeVersion])).toEqual(new Set(['v1', 'v2']));
      await store.delete(x);
      expect((await store.list()).map((r) => r.codeVersion)).toEqual([y.codeVersion]);
      expect((await store.readPart(y, 'a.0')).toString()).toBe(y.codeVersion);
      await expect(store.readPart(x, 'a.0')).rejects.toBeInstanceOf(SnapshotCorruptError);
      await store.close();
    });

    it('refuses a part whose bytes changed, and one not in the manifest', async () => {
      const under = await open();
      const w = await under.store.begin(7, 'v1');
      await w.writePart('pods.0', bytes('x'.repeat(100)));
      const ref = await w.commit();
      under.corrupt(ref, 'pods.0');
      await expect(under.store.readPart(ref, 'pods.0')).rejects.toThrow(/checksum mismatch/);
      await expect(under.store.readPart(ref, 'nodes.0')).rejects.toBeInstanceOf(SnapshotCorruptError);
      await under.store.close();
    });

    it('an aborted snapshot leaves nothing; a restart drops one never committed', async () => {
      const under = await open();
      const aborted = await under.store.begin(3, 'v1');
      await aborted.writePart('a.0', bytes('a'));
      await aborted.abort();
      const crashed = await under.store.begin(4, 'v1');
      await crashed.writePart('a.0', bytes('a'));
      expect(await under.store.list()).toEqual([]);
      if (under.reopen) {
        const again = await under.reopen();
        expect(await again.list()).toEqual([]);
        const w = await again.begin(4, 'v1');
        await w.writePart('a.0', bytes('b'));
        const ref = await w.commit();
        expect((await again.readPart(ref, 'a.0')).toString()).toBe('b');
        await again.close();
      }
      await under.store.close();
    });
  });
