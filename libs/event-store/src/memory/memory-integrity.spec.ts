import { randomUUID } from 'node:crypto';
import { MemoryEventStore } from './memory-event-store';

/** The memory adapter keeps the same chain; its rows are reachable here to play the intruder. */
const aStore = async () => {
  const store = new MemoryEventStore();
  for (let i = 0; i < 6; i++) await store.append(`pod-default.p-${i % 2}`, [{ id: randomUUID(), type: 'PodCreated', data: { i } }]);
  return { store, rows: (store as unknown as { rows: { position: number; data: string }[] }).rows };
};

describe('MemoryEventStore.verifyIntegrity', () => {
  it('passes an untouched log', async () => {
    const { store } = await aStore();
    expect(await store.verifyIntegrity()).toEqual({ ok: true, events: 6, head: 6, chainedFrom: 1 });
  });

  it('finds an edited event at its position', async () => {
    const { store, rows } = await aStore();
    rows[3].data = '{"i":99}';
    expect(await store.verifyIntegrity()).toEqual({ ok: false, events: 3, position: 4, problem: 'hash mismatch: row edited' });
  });

  it('finds a removed event at its position', async () => {
    const { store, rows } = await aStore();
    rows.splice(2, 1);
    expect(await store.verifyIntegrity()).toMatchObject({ ok: false, events: 2, position: 3, problem: expect.stringMatching(/^row deleted/) });
  });
});
