import { MemoryEventStore } from '@daemonledger/event-store/memory/memory-event-store';
import type { EventStore } from '@daemonledger/event-store/event-store.port';
import { randomUUID } from 'node:crypto';
import { LeaderElectionService } from './leader-election.service';

/** One clock for every candidate: the test moves time, nothing else does. */
const manualClock = () => {
  let now = Date.parse('2026-12-02T10:00:00.000Z');
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
};
const ids = { uuid: randomUUID };

const candidate = (store: EventStore, clock: { now(): Date }, identity: string, lines: string[] = []) =>
  new LeaderElectionService({ store, identity, leaseDurationSeconds: 15, clock, ids, log: (l) => lines.push(l) });

const leaseOf = async (store: EventStore, e: LeaderElectionService) => {
  const events = await store.readStream(e.streamId);
  return (events.at(-1)!.data as { object: { spec: Record<string, unknown> } }).object.spec;
};

describe('LeaderElectionService (memory store, manual clock; no timers run)', () => {
  it('the first candidate acquires, the second follows; renewals keep it', async () => {
    const store = new MemoryEventStore();
    const clock = manualClock();
    const lines: string[] = [];
    const a = candidate(store, clock, 'a', lines);
    const b = candidate(store, clock, 'b', lines);
    await a.tick();
    await b.tick();
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
    expect(lines).toEqual(['daemonledger: leader a', 'daemonledger: following a']);
    expect(a.fence()).toEqual({ streamId: 'lease-kube-system.daemonledger-controller', expectedRevision: 0 });
    clock.advance(3_000);
    await a.tick();
    expect(a.fence()!.expectedRevision).toBe(1);
    expect(await leaseOf(store, a)).toMatchObject({ holderIdentity: 'a', leaseTransitions: 0, renewTime: '2026-12-02T10:00:03.000000Z', acquireTime: '2026-12-02T10:00:00.000000Z' });
  });

  it('a leader that stops renewing steps down at the renew deadline; another takes over only once the lease expired', async () => {
    const store = new MemoryEventStore();
    const clock = manualClock();
    const a = candidate(store, clock, 'a');
    const b = candidate(store, clock, 'b');
    const seen: boolean[] = [];
    a.onChange((l) => seen.push(l));
    await a.tick();
    clock.advance(9_999);
    expect(a.isLeader()).toBe(true);
    clock.advance(1);
    expect(a.isLeader()).toBe(false); // 10 s without a renewal: no more acting, even before a tick
    await b.tick();
    expect(b.isLeader()).toBe(false); // the lease itself runs 15 s
    clock.advance(5_000);
    await b.tick();
    expect(b.isLeader()).toBe(true);
    expect(await leaseOf(store, b)).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    await a.tick(); // the old leader notices the holder
    expect(seen).toEqual([false, true, false]);
    expect(a.fence()).toBeUndefined();
  });

  it('steps down when the store rejects its fence, and on its renewal failing past the deadline', async () => {
    const store = new MemoryEventStore();
    const clock = manualClock();
    const a = candidate(store, clock, 'a');
    await a.tick();
    a.fenceRejected({ streamId: a.streamId, expectedRevision: 7 }); // not its fence: ignored
    expect(a.isLeader()).toBe(true);
    a.fenceRejected(a.fence()!);
    expect(a.isLeader()).toBe(false);

    const failing = new MemoryEventStore();
    const c = candidate(failing, clock, 'c');
    await c.tick();
    failing.append = () => Promise.reject(new Error('disk on fire'));
    clock.advance(3_000);
    await c.tick();
    expect(c.isLeader()).toBe(true); // one failed renewal, still within the deadline
    clock.advance(7_000);
    await c.tick();
    expect(c.isLeader()).toBe(false);
  });

  it('releases the lease on close: the next candidate takes it at once', async () => {
    const store = new MemoryEventStore();
    const clock = manualClock();
    const a = candidate(store, clock, 'a');
    const b = candidate(store, clock, 'b');
    await a.tick();
    await b.tick();
    await a.close();
    expect(await leaseOf(store, a)).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
    await b.tick();
    expect(b.isLeader()).toBe(true);
    expect(await leaseOf(store, b)).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('of two candidates racing for an absent lease, exactly one wins (expected revision)', async () => {
    const store = new MemoryEventStore();
    const clock = manualClock();
    const a = candidate(store, clock, 'a');
    const b = candidate(store, clock, 'b');
    await Promise.all([a.tick(), b.tick()]);
    expect([a.isLeader(), b.isLeader()].filter(Boolean)).toHaveLength(1);
    expect(await store.readStream(a.streamId)).toHaveLength(1);
  });
});
