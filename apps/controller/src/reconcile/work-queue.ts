/**
 * A keyed work queue with the client-go semantics a controller relies on:
 * a key waiting is never queued twice; a key added while it is being worked
 * on is worked on again afterwards; one worker, FIFO; `addAfter` for requeues.
 */
/** Longest run (ms) of back-to-back work items without a turn of the event loop. */
const SYNC_SLICE_MS = 8;

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly active = new Set<string>();
  private readonly dirtyWhileActive = new Set<string>();
  /** Requeues waiting, with when each is due: the earliest one wins (client-go's AddAfter keeps the earliest too). */
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; due: number }>();
  private running = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly work: (key: string) => Promise<void>,
    private readonly onError: (key: string, error: unknown) => void,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    if (this.active.has(key)) {
      this.dirtyWhileActive.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    this.pump();
  }

  /** Adds `key` after `ms`; an earlier pending timer for the key wins. */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    const due = Date.now() + Math.max(0, ms);
    const existing = this.timers.get(key);
    if (existing && existing.due <= due) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, Math.max(0, ms));
    timer.unref?.();
    this.timers.set(key, { timer, due });
  }

  get length() {
    return this.queue.length + this.active.size;
  }

  /** Resolves when nothing is queued or running (timers do not count). */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops every key waiting (and their timers); the queue stays usable. What runs finishes. */
  clear(): void {
    this.timers.forEach((t) => clearTimeout(t.timer));
    this.timers.clear();
    this.queue.length = 0;
    this.queued.clear();
    this.dirtyWhileActive.clear();
  }

  stop(): void {
    this.stopped = true;
    this.timers.forEach((t) => clearTimeout(t.timer));
    this.timers.clear();
    this.queue.length = 0;
    this.queued.clear();
  }

  private pump() {
    if (this.running) return;
    this.running = true;
    void (async () => {
      let slice = performance.now();
      while (this.queue.length && !this.stopped) {
        const key = this.queue.shift()!;
        this.queued.delete(key);
        this.active.add(key);
        try {
          await this.work(key);
        } catch (e) {
          this.onError(key, e);
        } finally {
          this.active.delete(key);
        }
        if (this.dirtyWhileActive.delete(key)) this.add(key);
        // A sync walks every node: after SYNC_SLICE_MS of syncs, let I/O (API requests, watch writes) in before the next key.
        if (this.queue.length && performance.now() - slice > SYNC_SLICE_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          slice = performance.now();
        }
      }
      this.running = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((w) => w());
    })();
  }
}
