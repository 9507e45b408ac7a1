import { randomUUID } from 'node:crypto';
import { MemoryEventStore } from '@daemonledger/event-store';
import type { EventStore } from '@daemonledger/event-store/event-store.port';
import { auditEntry, readAtPositions } from './rollout-audit';
import { PositionRuns } from './rollout-record';

/** The audit reads the rollout's positions, never the log: counted on a store that counts what it returns. */
describe('readAtPositions', () => {
  let store: MemoryEventStore;
  let returned = 0;
  let counting: EventStore;

  beforeAll(async () => {
    store = new MemoryEventStore();
    for (let i = 1; i <= 1_000; i++) {
      await store.append(`pod-default.p${i}`, [{ id: randomUUID(), type: 'PodBound', data: { nodeName: `node-${i}` }, metadata: { actor: 'daemonset-controller', wallTime: '2026-12-01T10:00:00.000Z' } }], { expectedRevision: 'no_stream' });
    }
    counting = Object.create(store, {
      readAll: { value: async (o: Parameters<EventStore['readAll']>[0]) => { const page = await store.readAll(o); returned += page.length; return page; } },
    });
  });

  it('returns exactly the indexed events, in log order, reading few others', async () => {
    const runs = new PositionRuns();
    for (const p of [3, 4, 5, 9, 400, 401, 998, 999, 1000]) runs.add(p);
    returned = 0;
    const got: number[] = [];
    for await (const e of readAtPositions(counting, runs)) got.push(e.position);
    expect(got).toEqual([3, 4, 5, 9, 400, 401, 998, 999, 1000]);
    expect(returned).toBeLessThanOrEqual(12); // 3..9 is one window (6, 7, 8 read and skipped); never the 1,000 of the log
  });

  it('makes an audit entry with object, actor and a typed detail', async () => {
    const [e] = await store.readAll({ fromPosition: 6, maxCount: 1 });
    // Recorded by the DaemonSet controller's CreatePod (as logs before issue 14 did): credited to the scheduler that binds upstream.
    expect(auditEntry(e)).toEqual({ position: 7, time: '2026-12-01T10:00:00.000Z', actor: 'default-scheduler', object: 'pod/p7', event: 'PodBound', detail: 'to node-7' });
  });
});
