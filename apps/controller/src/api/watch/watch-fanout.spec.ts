import { Outbox, WatchFanOut, type WatchSink } from './watch-fanout';

/** A clock the writes move: each costs `writeMs` (0: free, the slice never shrinks). */
const clock = { t: 0, writeMs: 0 };

/** A watcher's socket as a list of writes; `closed` stops it like a gone connection. */
const aSink = () => {
  const writes: (string | Buffer)[] = [];
  const sink: WatchSink & { writes: typeof writes; closed: boolean } = {
    writes,
    closed: false,
    open: () => !sink.closed,
    write: (c) => {
      writes.push(c);
      clock.t += clock.writeMs;
    },
  };
  return sink;
};

/** A fan-out whose turns run when the test says (`turn()`), not on setImmediate; writes are measured at once. */
const aFanOut = (watchersPerTurn: number, bytesPerTurn = 1 << 20, budgetMs = 8) => {
  const turns: (() => void)[] = [];
  const fanOut = new WatchFanOut(
    (run) => void turns.push(run),
    { watchersPerTurn, minWatchersPerTurn: 1, budgetMs, bytesPerTurn },
    { now: () => clock.t, afterWrites: (measure) => measure() },
  );
  const turn = () => {
    const run = turns.shift();
    if (!run) throw new Error('no turn scheduled');
    run();
  };
  const drainAll = () => {
    let n = 0;
    while (turns.length) {
      turn();
      n++;
    }
    return n;
  };
  return { fanOut, turn, drainAll, scheduled: () => turns.length };
};

const text = (s: { writes: (string | Buffer)[] }) => s.writes.map(String).join('');

describe('watch fan-out in slices (issue 13: no turn over 50 ms)', () => {
  beforeEach(() => {
    clock.t = 0;
    clock.writeMs = 0;
  });

  it('sizes the next slice to the time budget at the cost per watcher measured, within its bounds', () => {
    const { fanOut, turn } = aFanOut(128, 1 << 20, 8);
    const sinks = Array.from({ length: 500 }, aSink);
    sinks.forEach((s) => fanOut.send(new Outbox(s), 'x\n'));
    clock.writeMs = 0.5; // 128 writes took 64 ms: 16 fit in 8 ms
    turn();
    expect(sinks.filter((s) => s.writes.length).length).toBe(128);
    expect(fanOut.sliceSize).toBe(16);
    turn();
    expect(sinks.filter((s) => s.writes.length).length).toBe(144);
    clock.writeMs = 0.01; // cheap again: back up to the most allowed
    turn();
    expect(fanOut.sliceSize).toBe(128);
  });

  it('writes to at most watchersPerTurn watchers per turn and yields with the rest queued', () => {
    const { fanOut, turn, scheduled } = aFanOut(32);
    const sinks = Array.from({ length: 100 }, aSink);
    const outboxes = sinks.map((s) => new Outbox(s));
    for (const o of outboxes) fanOut.send(o, 'MODIFIED 7\n');
    expect(scheduled()).toBe(1);
    turn();
    expect(sinks.filter((s) => s.writes.length > 0)).toHaveLength(32);
    expect(fanOut.waiting).toBe(68);
    expect(scheduled()).toBe(1);
    turn();
    turn();
    turn();
    expect(sinks.every((s) => text(s) === 'MODIFIED 7\n')).toBe(true);
    expect(scheduled()).toBe(0);
  });

  it('stops a turn once bytesPerTurn were written (a large backlog waits for the next turn)', () => {
    const { fanOut, turn } = aFanOut(32, 1000);
    const sinks = Array.from({ length: 4 }, aSink);
    sinks.forEach((s) => fanOut.send(new Outbox(s), 'x'.repeat(600)));
    turn();
    expect(sinks.map((s) => s.writes.length)).toEqual([1, 1, 0, 0]);
    turn();
    expect(sinks.map((s) => s.writes.length)).toEqual([1, 1, 1, 1]);
  });

  it('keeps each watcher’s order when changes arrive while it waits in the queue and after it was written', () => {
    const { fanOut, turn, drainAll } = aFanOut(2);
    const sinks = Array.from({ length: 5 }, aSink);
    const outboxes = sinks.map((s) => new Outbox(s));
    for (const o of outboxes) fanOut.send(o, 'a\n');
    turn(); // watchers 0 and 1 written; 2..4 still queued
    for (const o of outboxes) fanOut.send(o, 'b\n');
    turn();
    for (const o of outboxes) fanOut.send(o, 'c\n');
    drainAll();
    expect(sinks.map(text)).toEqual(Array(5).fill('a\nb\nc\n'));
  });

  it('loses no change of a burst: 250 changes × 500 watchers in slices of 32 arrive whole and in order', () => {
    const { fanOut, drainAll, turn } = aFanOut(32);
    const sinks = Array.from({ length: 500 }, aSink);
    const outboxes = sinks.map((s) => new Outbox(s));
    const expected = Array.from({ length: 250 }, (_, i) => `{"rv":"${i + 1}"}\n`);
    // Changes arrive while earlier slices are being written: one turn between every 10 changes.
    expected.forEach((line, i) => {
      for (const o of outboxes) fanOut.send(o, line);
      if (i % 10 === 9) turn();
    });
    const turns = drainAll();
    expect(turns).toBeGreaterThan(0);
    expect(sinks.every((s) => text(s) === expected.join(''))).toBe(true);
    expect(fanOut.waiting).toBe(0);
  });

  it('writes a watcher’s pending protobuf frames as one chunk, in order', () => {
    const { fanOut, drainAll } = aFanOut(32);
    const sink = aSink();
    const o = new Outbox(sink);
    fanOut.send(o, Buffer.from([1, 2]));
    fanOut.send(o, Buffer.from([3]));
    drainAll();
    expect(sink.writes).toEqual([Buffer.from([1, 2, 3])]);
  });

  it('drainNow writes what is pending at once (before a watch ends) and the queued turn then writes nothing twice', () => {
    const { fanOut, drainAll } = aFanOut(32);
    const sink = aSink();
    const o = new Outbox(sink);
    fanOut.send(o, 'last\n');
    fanOut.drainNow(o);
    expect(text(sink)).toBe('last\n');
    drainAll();
    expect(sink.writes).toHaveLength(1);
  });

  it('writes nothing to a watcher whose connection closed, and still serves the others', () => {
    const { fanOut, drainAll } = aFanOut(1);
    const [gone, alive] = [aSink(), aSink()];
    fanOut.send(new Outbox(gone), 'x\n');
    fanOut.send(new Outbox(alive), 'x\n');
    gone.closed = true;
    drainAll();
    expect(gone.writes).toHaveLength(0);
    expect(text(alive)).toBe('x\n');
  });
});
