import type { RecordedEvent, SubscribeOptions, Subscription } from '../event-store.port';
import { badRequest } from './errors';

/** Wakes subscriptions after an append. `version` lets a reader detect a change it raced with. */
export class ChangeSignal {
  version = 0;
  private readonly waiters = new Set<() => void>();

  notify(): void {
    this.version++;
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves on the next notify (or at once if one happened since `seen`), after `timeoutMs`, or when aborted. */
  wait(seen: number, timeoutMs: number | undefined, abort: { onAbort?: () => void }): Promise<void> {
    if (this.version !== seen) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const wake = () => {
        this.waiters.delete(wake);
        if (timer) clearTimeout(timer);
        abort.onAbort = undefined;
        resolve();
      };
      this.waiters.add(wake);
      abort.onAbort = wake;
      if (timeoutMs !== undefined) {
        timer = setTimeout(wake, timeoutMs);
        timer.unref();
      }
    });
  }
}

/** Reads events with position > `after`, ascending, at most `max`. */
export type ReadAfter = (after: number, max: number) => Promise<RecordedEvent[]>;

const PAGE_SIZE = 512;
/**
 * Longest stretch (ms) of delivery without a turn of the event loop. Events
 * are delivered one by one with each `onEvent` awaited, which alone never
 * yields; a backlog of thousands (a rollout step, a catch-up) would otherwise
 * hold the loop, and everything sharing it (HTTP requests, watch streams,
 * timers), for as long as it takes. After this much, the next event waits
 * for `setImmediate`: pending I/O runs first, order is unchanged.
 */
export const DELIVERY_SLICE_MS = 8;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Catch-up then live, as one loop: always read the page after the last
 * delivered position; when a page comes back short the subscriber is caught up
 * and waits for an append (in-process signal) or the poll interval (another
 * process writing the same file). Because live delivery re-reads the log from
 * the last delivered position there is no switch-over to get wrong: no gap, no
 * duplicate, strict order, and onEvent is awaited before the next read.
 */
export class PullSubscription implements Subscription {
  private closed = false;
  private delivering = false;
  private readonly abort: { onAbort?: () => void } = {};
  private readonly done: Promise<void>;

  constructor(
    private readonly readAfter: ReadAfter,
    private readonly signal: ChangeSignal,
    private readonly options: SubscribeOptions,
    private readonly pollIntervalMs: number | undefined,
    private readonly onClosed: (s: PullSubscription) => void,
  ) {
    const from = options.fromPosition ?? 0;
    if (typeof options.onEvent !== 'function') throw badRequest('subscribeToAll needs an onEvent function', 'onEvent');
    if (!Number.isSafeInteger(from) || from < 0) {
      throw badRequest(`fromPosition must be an integer ≥ 0, got ${JSON.stringify(from)}`, 'fromPosition');
    }
    this.done = this.run(from);
  }

  private async run(from: number): Promise<void> {
    let position = from;
    let reportedAt = -1;
    try {
      // Let the caller finish wiring before the first callback.
      await Promise.resolve();
      let slice = performance.now();
      while (!this.closed) {
        const seen = this.signal.version;
        const page = await this.readAfter(position, PAGE_SIZE);
        for (const event of page) {
          if (performance.now() - slice > DELIVERY_SLICE_MS) {
            await nextTurn();
            slice = performance.now();
          }
          if (this.closed) return;
          this.delivering = true;
          try {
            await this.options.onEvent(event);
          } finally {
            this.delivering = false;
          }
          position = event.position;
        }
        if (page.length < PAGE_SIZE && !this.closed) {
          if (reportedAt !== position) {
            reportedAt = position;
            this.options.onCaughtUp?.(position);
          }
          await this.signal.wait(seen, this.pollIntervalMs, this.abort);
          slice = performance.now();
        }
      }
    } catch (cause) {
      if (this.closed) return;
      this.closed = true;
      const error = cause instanceof Error ? cause : new Error(String(cause));
      if (this.options.onError) this.options.onError(error);
      else console.error(`event-store subscription stopped at position ${position}: ${error.message}`);
    } finally {
      this.closed = true;
      this.onClosed(this);
    }
  }

  close(): Promise<void> {
    this.closed = true;
    this.abort.onAbort?.();
    // Called from inside onEvent: waiting for the loop would wait for ourselves.
    return this.delivering ? Promise.resolve() : this.done;
  }
}
