import type { CheckpointStore } from '@daemonledger/event-store';
import type { EventStore, RecordedEvent, Subscription } from '@daemonledger/event-store/event-store.port';
import type { Transport, TransportMessage } from '@daemonledger/messaging';
import type { Leadership } from '../../infrastructure/tokens';

/**
 * Turns a run of the log's events (in log order) into the messages to send
 * for them, in the order to send them. It may wait (for the view to reach the
 * run's last position) and may return nothing for most events.
 */
export type RelayMapper = (events: readonly RecordedEvent[]) => Promise<readonly TransportMessage[]> | readonly TransportMessage[];

export interface LogRelayOptions {
  /** The checkpoint's name: one per relay, the same on every controller process. */
  name: string;
  store: EventStore;
  checkpoints: CheckpointStore;
  transport: Transport;
  leadership: Leadership;
  map: RelayMapper;
  /** Events read per page, and messages per `publishBatch` (default 500). */
  batchSize?: number;
  /** Back-off before attempt n+1 of a failed send or save (default 50 ms doubling to 5 s). */
  retryDelayMs?: (attempt: number) => number;
  /** A failed send, save or subscription (it is retried; nothing is skipped). */
  onError?: (error: unknown) => void;
}

export const DEFAULT_RELAY_BATCH = 500;
const defaultRetry = (attempt: number) => Math.min(50 * 2 ** Math.max(0, attempt - 1), 5000);

/** Thrown inside a run that was stopped (leadership lost, close): unwinds it without saving anything. */
class Stopped extends Error {}

/** One leadership term's worth of relaying; a new term starts a new run from the checkpoint. */
interface Run {
  stopped: boolean;
  stop: () => void;
  /** Resolves when stop() is called: interrupts back-off sleeps. */
  stopping: Promise<void>;
  subscription?: Subscription;
}

/**
 * The log → transport relay (the transactional outbox's publisher side):
 * from its checkpoint it reads the log in pages (`readAll`, at most
 * `batchSize` events in memory), then follows it live (`subscribeToAll`,
 * bursts gathered into batches of at most `batchSize`), maps each batch to
 * messages, sends them in log order in `publishBatch` requests of at most
 * `batchSize`, and saves the batch's last position only after the broker
 * acknowledged all of them.
 *
 * Guarantees: every event's messages are sent (a failed send or save is
 * retried with back-off, holding everything after it: nothing is skipped);
 * a crash between the acknowledgement and the save re-sends at most that one
 * batch on restart (consumers dedupe by message id), so a restart neither
 * skips nor floods. Runs only while `leadership.isLeader()`: it starts when
 * leadership is gained, stops when it is lost, and a new term resumes from
 * the checkpoint (which a deposed leader's last save can only have moved
 * forward over messages it did send).
 */
export class LogRelay {
  private readonly batchSize: number;
  private readonly retryDelay: (attempt: number) => number;
  private unsubscribe?: () => void;
  private run?: Run;
  private running?: Promise<void>;
  /** Leadership changes are applied one at a time, in order. */
  private transitions: Promise<void> = Promise.resolve();
  private saved = 0;
  private closed = false;
  private readonly savedWaiters: { position: number; resolve: () => void }[] = [];
  /** Messages sent (acknowledged) by this process, for tests and metrics. */
  sent = 0;

  constructor(private readonly o: LogRelayOptions) {
    this.batchSize = o.batchSize ?? DEFAULT_RELAY_BATCH;
    this.retryDelay = o.retryDelayMs ?? defaultRetry;
  }

  /** Follows leadership from now on (the listener is called at once with the current state). */
  start(): void {
    if (this.unsubscribe || this.closed) return;
    this.unsubscribe = this.o.leadership.onChange((leader) => {
      this.transitions = this.transitions.then(() => (leader ? this.begin() : this.end()));
    });
  }

  /** Stops relaying for good; what was sent but not yet saved is sent again by the next run (here or elsewhere). */
  async stop(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.transitions = this.transitions.then(() => this.end());
    await this.transitions;
  }

  get isRunning(): boolean {
    return Boolean(this.run && !this.run.stopped);
  }

  /** The last position saved by this process (0 before the first save). */
  get savedPosition(): number {
    return this.saved;
  }

  /** Resolves once this process has saved a checkpoint at or past `position` (tests). */
  waitForSaved(position: number): Promise<void> {
    if (this.saved >= position) return Promise.resolve();
    return new Promise((resolve) => this.savedWaiters.push({ position, resolve }));
  }

  private async begin(): Promise<void> {
    if (this.closed || this.run) return;
    let stop!: () => void;
    const stopping = new Promise<void>((resolve) => (stop = resolve));
    const run: Run = { stopped: false, stop: () => {}, stopping };
    run.stop = () => {
      run.stopped = true;
      stop();
    };
    this.run = run;
    this.running = this.loop(run);
  }

  private async end(): Promise<void> {
    const run = this.run;
    if (!run) return;
    run.stop();
    await this.running;
    await run.subscription?.close();
    this.run = undefined;
    this.running = undefined;
  }

  /** Catch up in pages, then follow live; on a subscription error, start again from the checkpoint. */
  private async loop(run: Run): Promise<void> {
    for (let attempt = 1; !run.stopped; attempt++) {
      try {
        let position = await this.o.checkpoints.load(this.o.name);
        for (;;) {
          if (run.stopped) return;
          const page = await this.o.store.readAll({ fromPosition: position, maxCount: this.batchSize });
          if (page.length) position = await this.relay(run, page);
          if (page.length < this.batchSize) break;
        }
        await this.follow(run, position);
        return;
      } catch (e) {
        if (e instanceof Stopped || run.stopped) return;
        this.o.onError?.(e);
        await this.sleep(run, this.retryDelay(attempt));
      }
    }
  }

  /**
   * Live: events gathered while a batch is being sent form the next batch
   * (a burst per batch); a full buffer holds the subscription (back-pressure),
   * so memory stays bounded by `batchSize`. Resolves when the run stops or
   * the subscription fails (the loop then resumes from the checkpoint).
   */
  private follow(run: Run, from: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let buffer: RecordedEvent[] = [];
      let chain: Promise<void> = Promise.resolve();
      let scheduled = false;
      let failed = false;
      const flush = () => {
        scheduled = false;
        const batch = buffer;
        buffer = [];
        if (!batch.length) return chain;
        chain = chain.then(() => this.relay(run, batch).then(() => undefined));
        chain.catch((e) => {
          if (failed) return;
          failed = true;
          void run.subscription?.close();
          if (e instanceof Stopped || run.stopped) resolve();
          else reject(e);
        });
        return chain;
      };
      run.subscription = this.o.store.subscribeToAll({
        fromPosition: from,
        onEvent: async (event) => {
          if (run.stopped) throw new Stopped();
          buffer.push(event);
          if (buffer.length >= this.batchSize) return flush();
          if (!scheduled) {
            scheduled = true;
            setImmediate(() => void flush().catch(() => undefined));
          }
        },
        onError: (e) => {
          if (failed) return;
          failed = true;
          if (e instanceof Stopped || run.stopped) resolve();
          else reject(e);
        },
      });
      void run.stopping.then(() => {
        void run.subscription?.close(); // also when the stop came before this subscription existed
        if (failed) return;
        failed = true;
        // A batch in flight ends (unsaved) before the run counts as stopped.
        void chain.then(resolve, resolve);
      });
    });
  }

  /** Maps, sends and checkpoints one batch; returns its last position. */
  private async relay(run: Run, events: readonly RecordedEvent[]): Promise<number> {
    const last = events[events.length - 1].position;
    const messages = await this.retrying(run, () => this.o.map(events));
    for (let i = 0; i < messages.length; i += this.batchSize) {
      const chunk = messages.slice(i, i + this.batchSize);
      await this.retrying(run, () => this.o.transport.publishBatch(chunk));
      this.sent += chunk.length;
    }
    await this.retrying(run, () => this.o.checkpoints.save(this.o.name, last));
    this.saved = Math.max(this.saved, last);
    for (const w of this.savedWaiters.filter((w) => w.position <= this.saved)) w.resolve();
    this.savedWaiters.splice(0, this.savedWaiters.length, ...this.savedWaiters.filter((w) => w.position > this.saved));
    return last;
  }

  /** Runs `step` until it succeeds; a stop ends the wait (and the run) without running it again. */
  private async retrying<T>(run: Run, step: () => Promise<T> | T): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (run.stopped) throw new Stopped();
      try {
        // A step that waits (for the view, a broker) does not hold a stop up.
        return await Promise.race([
          step(),
          run.stopping.then(() => {
            throw new Stopped();
          }),
        ]);
      } catch (e) {
        if (run.stopped) throw new Stopped();
        this.o.onError?.(e);
        await this.sleep(run, this.retryDelay(attempt));
      }
    }
  }

  private sleep(run: Run, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      void run.stopping.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
