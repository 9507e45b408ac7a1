import { randomUUID } from 'node:crypto';
import type { CheckpointStore } from '../checkpoint-store.port';

/** Names unique per test: a server shared between runs (EventStoreDB) holds older ones. */
const fresh = (base: string) => `${base}-${randomUUID().slice(0, 8)}`;

interface Opened {
  store: CheckpointStore;
  /** Opens the same storage again (a restart); durable adapters only. */
  reopen?: () => Promise<CheckpointStore>;
}

/** What every CheckpointStore adapter does; `durable`: it keeps positions across a reopen (not memory). */
export const describeCheckpointStoreContract = (name: string, options: { durable: boolean }, open: () => Promise<Opened>) =>
  describe(`CheckpointStore contract: ${name}`, () => {
    it('loads 0 for a name never saved, then the last position saved', async () => {
      const { store } = await open();
      const name = fresh('outbox.events');
      expect(await store.load(name)).toBe(0);
      await store.save(name, 500);
      await store.save(name, 1000);
      expect(await store.load(name)).toBe(1000);
      await store.close();
    });

    it('keeps one position per name', async () => {
      const { store } = await open();
      const [a, b] = [fresh('outbox.events'), fresh('relay.pod-commands')];
      await store.save(a, 7);
      await store.save(b, 3);
      expect(await store.load(a)).toBe(7);
      expect(await store.load(b)).toBe(3);
      await store.close();
    });

    it('rejects a bad name or position', async () => {
      const { store } = await open();
      await expect(store.save('', 1)).rejects.toMatchObject({ code: 'BadRequest' });
      await expect(store.save('a b', 1)).rejects.toMatchObject({ code: 'BadRequest' });
      await expect(store.save('ok', -1)).rejects.toMatchObject({ code: 'BadRequest' });
      await expect(store.save('ok', 1.5)).rejects.toMatchObject({ code: 'BadRequest' });
      await store.close();
    });

    (options.durable ? it : it.skip)('a saved position survives a reopen (durable adapters; memory has nothing to reopen)', async () => {
      const { store, reopen } = await open();
      const name = fresh('outbox.events');
      await store.save(name, 42);
      await store.close();
      const again = await reopen!();
      expect(await again.load(name)).toBe(42);
      await again.close();
    });
  });
