import { MemoryEventStore } from '@daemonledger/event-store/memory/memory-event-store';
import { MemorySnapshotStore } from '@daemonledger/event-store/memory/memory-snapshot-store';
import type { SnapshotWriter } from '@daemonledger/event-store/snapshot-store.port';
import { ClusterView, DEFAULT_RETENTION } from '@daemonledger/projections';
import { writeSyntheticLog } from '@daemonledger/projections/testing/synthetic-log';
import { SnapshotScheduler } from './snapshot-scheduler';

/** A snapshot store whose commits wait until the test lets them go: writes slower than the fold. */
class SlowSnapshotStore extends MemorySnapshotStore {
  readonly held: (() => void)[] = [];
  override async begin(position: number, codeVersion: string): Promise<SnapshotWriter> {
    const w = await super.begin(position, codeVersion);
    return { ...w, commit: async () => (await new Promise<void>((r) => this.held.push(r)), w.commit()) };
  }
}

const policy = { everyEvents: 50, everyFoldMs: Number.MAX_SAFE_INTEGER, retention: { ...DEFAULT_RETENTION, max: 1000 } };
const log = { warn: (m: string) => void m };

/** Folds the log as the subscription does: each event's returned promise awaited before the next. */
const fold = async (events: Awaited<ReturnType<MemoryEventStore['readAll']>>, scheduler: SnapshotScheduler, view: ClusterView, onWait: () => void) => {
  for (const e of events) {
    view.apply(e);
    const wait = scheduler.folded(view, 0);
    if (wait) {
      onWait();
      await wait;
    }
  }
};

describe('SnapshotScheduler', () => {
  it('holds the fold when a snapshot is due and two writes are still going, so snapshots stay exactly everyEvents apart', async () => {
    const store = new MemoryEventStore();
    await writeSyntheticLog(store, { nodes: 8, updates: 5 });
    const events = await store.readAll({});
    expect(events.length).toBeGreaterThan(policy.everyEvents * 4);
    const snapshots = new SlowSnapshotStore();
    const scheduler = new SnapshotScheduler(snapshots, policy, log);
    const view = new ClusterView();
    let waits = 0;
    // One held commit let go every few ms: the writes are far slower than the fold.
    const release = setInterval(() => snapshots.held.shift()?.(), 3);
    await fold(events, scheduler, view, () => waits++);
    await scheduler.idle();
    clearInterval(release);

    const positions = (await snapshots.list()).map((r) => r.position).sort((a, b) => a - b);
    expect(waits).toBeGreaterThan(0);
    expect(positions).toEqual(Array.from({ length: Math.floor(events.length / policy.everyEvents) }, (_, i) => events[(i + 1) * policy.everyEvents - 1].position));
  });

  it('never holds the fold while writes keep up', async () => {
    const store = new MemoryEventStore();
    await writeSyntheticLog(store, { nodes: 4, updates: 2 });
    const events = await store.readAll({});
    const snapshots = new MemorySnapshotStore();
    const scheduler = new SnapshotScheduler(snapshots, policy, log);
    const view = new ClusterView();
    let waits = 0;
    for (const e of events) {
      view.apply(e);
      if (scheduler.folded(view, 0)) waits++;
      await scheduler.idle();
    }
    expect(waits).toBe(0);
    expect((await snapshots.list()).length).toBe(Math.floor(events.length / policy.everyEvents));
  });

  it('on a cluster with more objects than twice everyEvents, spaces snapshots by half its objects, so snapshot work per event does not grow with the cluster', async () => {
    const store = new MemoryEventStore();
    await writeSyntheticLog(store, { nodes: 120, updates: 3 });
    const events = await store.readAll({});
    const snapshots = new MemorySnapshotStore();
    const scheduler = new SnapshotScheduler(snapshots, policy, log);
    const view = new ClusterView();
    const gaps: number[] = [];
    let last = 0;
    for (const e of events) {
      view.apply(e);
      const before = (await snapshots.list()).length;
      void scheduler.folded(view, 0);
      await scheduler.idle();
      if ((await snapshots.list()).length > before) {
        const objects = view.nodes.size + [...view.pods.values()].reduce((n, m) => n + m.size, 0);
        gaps.push(e.position - last);
        expect(e.position - last).toBeGreaterThanOrEqual(Math.max(policy.everyEvents, Math.ceil(objects / 2)));
        last = e.position;
      }
    }
    expect(gaps.length).toBeGreaterThan(1);
    expect(Math.max(...gaps)).toBeGreaterThan(policy.everyEvents);
  });
});
