import { isDomainError } from '@daemonledger/domain/errors';
import { EventStoreDbEventStore, MemoryEventStore, openEventStore, UpcasterRegistry } from './index';

describe('openEventStore', () => {
  it('opens the memory adapter with the given upcasters', async () => {
    const upcasters = new UpcasterRegistry().setCurrentVersion('PodCreated', 2);
    const store = await openEventStore({ kind: 'memory' }, upcasters);
    expect(store).toBeInstanceOf(MemoryEventStore);
    await store.append('pod-default.a', [{ id: '6f1c1d2e-8d3b-4a59-9d8e-0a1b2c3d4e5f', type: 'PodCreated', data: {} }]);
    expect((await store.readStream('pod-default.a'))[0].schemaVersion).toBe(2);
    await store.close();
  });

  it('builds an EventStoreDB adapter without connecting', async () => {
    const store = await openEventStore({ kind: 'eventstoredb', connectionString: 'esdb://localhost:2113?tls=false' });
    expect(store).toBeInstanceOf(EventStoreDbEventStore);
    await store.close();
  });

  it('reports every configuration problem at once', async () => {
    const error = await openEventStore({ kind: 'sqlite', file: '', synchronous: 'OFF' } as never).catch((e) => e);
    expect(isDomainError(error, 'Invalid')).toBe(true);
    expect(error.details.causes.map((c: { field: string }) => c.field)).toEqual(['eventStore.file', 'eventStore.synchronous']);
  });

  it('rejects an unknown kind', async () => {
    const error = await openEventStore({ kind: 'postgres' } as never).catch((e) => e);
    expect(isDomainError(error, 'Invalid')).toBe(true);
  });
});
