/**
 * Where a watcher's bytes go: the HTTP response, or a test's array. `write`
 * is only called while `open()` says so.
 */
export interface WatchSink {
  open(): boolean;
  write(chunk: string | Buffer): void;
}

/** How much one turn of the event loop writes (tests shrink it). */
export interface FanOutLimits {
  /**
   * Watchers written to in the first turn, and the most in any: each write
   * costs a TLS record and a syscall whatever its size. Later turns write as
   * many as fit in `budgetMs` at the cost per watcher last measured, never
   * fewer than `minWatchersPerTurn`.
   */
  watchersPerTurn: number;
  minWatchersPerTurn: number;
  /** Time a turn's writes may take (ms), their encryption and syscalls included. */
  budgetMs: number;
  /** Bytes per turn, beyond which the rest waits for the next turn (a backlog's first write may be large). */
  bytesPerTurn: number;
}

/**
 * 500 watchers × ~0.06–0.25 ms per TLS write (a quiet machine, a busy one)
 * is 30–125 ms. A slice is as many watchers as fit in 30 ms at the cost last
 * measured: on a quiet machine all 500 in one turn, on a busy one (or with
 * more watchers) the rest in the next turns. Slices only when it must: each
 * later slice waits behind its turn's other work (a fold slice, a plan step
 * of 20–40 ms at 1,000 nodes), and bench:api measured 15 ms slices reaching
 * the last watchers later (rollout p99 528 ms against 279 ms all at once)
 * without shortening the longest turns, which are plan steps (README, bench:api).
 */
export const FAN_OUT_LIMITS: FanOutLimits = { watchersPerTurn: 1024, minWatchersPerTurn: 64, budgetMs: 30, bytesPerTurn: 8 << 20 };

/** Schedules the next turn's work (setImmediate in the server: pending I/O runs first). */
export type NextTurn = (run: () => void) => void;

/**
 * What a turn's writes cost is only known once Node has flushed them: an HTTP
 * response corks its socket and writes on the next tick. `afterWrites`
 * runs its callback after those ticks (process.nextTick: FIFO, queued after
 * theirs), `now` reads a clock in ms.
 */
export interface FanOutClock {
  now(): number;
  afterWrites(measure: () => void): void;
}

const SERVER_CLOCK: FanOutClock = { now: () => performance.now(), afterWrites: (measure) => process.nextTick(measure) };

/**
 * One watcher's pending output: the lines or frames of the changes it was
 * sent since its last write, in the order it was sent them.
 */
export class Outbox {
  private text = '';
  private frames: Buffer[] = [];
  private bytes = 0;
  /** In the fan-out's queue (at most once: its next write takes everything pending). */
  queued = false;

  constructor(readonly sink: WatchSink) {}

  push(chunk: string | Buffer): void {
    if (typeof chunk === 'string') this.text += chunk;
    else this.frames.push(chunk);
    this.bytes += chunk.length;
  }

  get pendingBytes(): number {
    return this.bytes;
  }

  /** Writes everything pending, in order, as one chunk; nothing once the sink is closed. Returns the bytes written. */
  drain(): number {
    const { text, frames, bytes } = this;
    this.text = '';
    this.frames = [];
    this.bytes = 0;
    if (!bytes || !this.sink.open()) return 0;
    // A watcher gets either JSON lines or protobuf frames (one encoding per watch), never both.
    if (text) this.sink.write(text);
    if (frames.length) this.sink.write(frames.length === 1 ? frames[0] : Buffer.concat(frames));
    return bytes;
  }
}

/**
 * Writes the watchers' pending output a slice at a time. A change sent to
 * 500 watchers queues 500 outboxes; each turn drains the oldest ones until
 * `watchersPerTurn` watchers or `bytesPerTurn` bytes were written, then
 * yields (`nextTurn`) with the rest queued. Order per watcher holds: an
 * outbox is queued once and its drain writes everything sent to it so far;
 * what is sent after goes out with its next drain. Nothing is dropped: an
 * outbox leaves the queue only by being drained (a closed watcher's drain
 * discards, as its socket is gone).
 */
export class WatchFanOut {
  private readonly queue: Outbox[] = [];
  private head = 0;
  private scheduled = false;
  /** Turns that wrote something (tests, diagnostics). */
  turns = 0;
  /** Watchers the next turn writes to at most (adapted to the measured cost). */
  private slice: number;

  constructor(
    private readonly nextTurn: NextTurn = (run) => void setImmediate(run),
    private readonly limits: FanOutLimits = FAN_OUT_LIMITS,
    private readonly clock: FanOutClock = SERVER_CLOCK,
  ) {
    this.slice = limits.watchersPerTurn;
  }

  /** Watchers the next turn writes to at most. */
  get sliceSize(): number {
    return this.slice;
  }

  /** Sends `chunk` to the watcher after everything sent to it before. */
  send(outbox: Outbox, chunk: string | Buffer): void {
    outbox.push(chunk);
    if (outbox.queued) return;
    outbox.queued = true;
    this.queue.push(outbox);
    this.schedule();
  }

  /** Writes the watcher's pending output now (before its response ends), wherever it is in the queue. */
  drainNow(outbox: Outbox): void {
    outbox.drain();
  }

  get waiting(): number {
    return this.queue.length - this.head;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.nextTurn(() => this.run());
  }

  private run(): void {
    this.scheduled = false;
    const started = this.clock.now();
    let watchers = 0;
    let written = 0;
    let bytes = 0;
    while (this.head < this.queue.length && watchers < this.slice && bytes < this.limits.bytesPerTurn) {
      const outbox = this.queue[this.head++];
      outbox.queued = false;
      const n = outbox.drain();
      bytes += n;
      watchers++;
      if (n) written++;
    }
    if (written) {
      this.turns++;
      this.clock.afterWrites(() => this.adapt(written, this.clock.now() - started));
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else {
      if (this.head > 1024) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.schedule();
    }
  }

  /** The next slice: as many watchers as fit in the budget at this turn's cost per watcher. */
  private adapt(written: number, ms: number): void {
    const { watchersPerTurn, minWatchersPerTurn, budgetMs } = this.limits;
    const fit = ms > 0 ? Math.floor((budgetMs * written) / ms) : watchersPerTurn;
    this.slice = Math.max(minWatchersPerTurn, Math.min(watchersPerTurn, fit));
  }
}
