import { randomUUID } from 'node:crypto';
import { describeEventStoreContract } from '../contract/event-store.contract';
import { MemoryEventStore } from './memory-event-store';

describeEventStoreContract('memory', async (options) => new MemoryEventStore(options));

describe('MemoryEventStore', () => {
  it('hands out dense positions from 1 and copies, not references, of what it stores', async () => {
    const store = new MemoryEventStore();
    const data = { image: 'nginx' };
    await store.append('daemonset-default.nginx-ds', [{ id: randomUUID(), type: 'DaemonSetCreated', data }]);
    await store.append('pod-default.nginx-ds-abc12', [{ id: randomUUID(), type: 'PodCreated', data }]);
    data.image = 'mutated';
    const all = await store.readAll();
    expect(all.map((e) => e.position)).toEqual([1, 2]);
    expect(all[0].data).toEqual({ image: 'nginx' });
    (all[0].data as { image: string }).image = 'mutated-too';
    expect((await store.readAll())[0].data).toEqual({ image: 'nginx' });
  });
});
