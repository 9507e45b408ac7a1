import type { SnapshotStore } from '@daemonledger/event-store/snapshot-store.port';
import { captureView, type ClusterView, DEFAULT_RETENTION, MAX_GAP_PER_INTERVAL, PROJECTION_CODE_VERSION, type RetentionPolicy, snapshotsToPrune, writeSnapshot } from '@daemonledger/projections';

export interface SnapshotPolicy {
  /** A snapshot after this many events folded since the last one (0: never). */
  everyEvents: number;
  /** …or after this much fold time (ms) since the last one, for logs whose events are costly to fold. */
  everyFoldMs: number;
  retention: RetentionPolicy;
}

// 10,000 events: a past read folds at most about that many after its snapshot (~10 µs each); on a 10,000-node
// cluster a snapshot costs ~0.35 s, mostly compression off the loop (snapshot.bench: 20,000 → 10,000 halved
// the pod-list p99; 5,000 gained little more for twice the writes).
const MAX_WRITES = 2;

export const DEFAULT_SNAPSHOT_POLICY: SnapshotPolicy = { everyEvents: 10_000, everyFoldMs: 2_000, retention: DEFAULT_RETENTION };

/**
 * Pods and nodes in the view. A snapshot serialises every object, so on a large cluster snapshots are at
 * least half that many events apart (and, when due by fold time, ten times their own cost): the snapshot
 * work per event stays bounded whatever the cluster's size, instead of growing with it (a rollout of
 * 100,000 nodes would otherwise write ~50 snapshots of 200,000 objects). A past read then folds at most
 * that many events after its snapshot; clusters up to 10,000 nodes keep `everyEvents`.
 */
const objectsOf = (view: ClusterView): number => {
  let n = view.nodes.size;
  for (const pods of view.pods.values()) n += pods.size;
  return n;
};

interface Log {
  warn(message: string): void;
  debug?(message: string): void;
}

/**
 * Decides when the live projection is snapshotted and writes the snapshots
 * off the fold's path: the capture is taken between two events (copies of
 * the view's map entries, a few ms for a large cluster), then serialised and
 * stored in slices while the fold goes on. One write at a time; a failed one
 * is logged and retried at the next interval (snapshots are an
 * optimisation, the log stays the truth). After each write, snapshots of
 * other code versions and those beyond the retention policy are deleted.
 */
export class SnapshotScheduler {
  private events = 0;
  private foldMs = 0;
  /**
   * Writes in progress. Up to two at once: a write waits for turns of the
   * event loop, which are few while the fold is busy (a rollout); two overlap
   * their waits, and a third due meanwhile holds the fold (see `folded`).
   */
  private readonly writing = new Set<Promise<void>>();
  /** How long the last write took, capture to stored (it spaces the snapshots due by fold time). */
  private lastCostMs = 0;
  /** Figures of the last write, for logs and benchmarks. */
  last?: { position: number; bytes: number; captureMs: number; writeMs: number };

  constructor(
    private readonly store: SnapshotStore,
    private readonly policy: SnapshotPolicy = DEFAULT_SNAPSHOT_POLICY,
    private readonly log: Log,
  ) {}

  /**
   * Called after each event folded into the live view, with the time the
   * fold took. Returns a promise when the fold must wait: a snapshot is due
   * by its event count while {@link MAX_WRITES} writes are still going. The
   * fold (the subscription awaits it) then pauses until one of them ends and
   * the snapshot is taken at exactly this position, so snapshots stay
   * `everyEvents` apart whatever the fold's pace: without the wait, a fold
   * racing through a 10,000-node rollout let them drift several intervals
   * apart, and every past read and restart folded the longer tail.
   */
  folded(view: ClusterView, ms: number): Promise<void> | undefined {
    if (this.policy.everyEvents <= 0) return undefined;
    this.events++;
    this.foldMs += ms;
    const dueByCount = this.events >= this.policy.everyEvents && this.events >= objectsOf(view) / 2;
    if (!dueByCount && this.foldMs < Math.max(this.policy.everyFoldMs, 10 * this.lastCostMs)) return undefined;
    if (this.writing.size < MAX_WRITES) {
      void this.takeNow(view);
      return undefined;
    }
    // Due by fold time only: a hint, not a bound; the next event asks again.
    if (!dueByCount) return undefined;
    return this.afterAWrite().then(() => void this.takeNow(view));
  }

  private async afterAWrite(): Promise<void> {
    while (this.writing.size >= MAX_WRITES) await Promise.race([...this.writing]);
  }

  /** Captures the view now and writes it; resolves once stored (or failed, which is logged). */
  takeNow(view: ClusterView): Promise<void> {
    this.events = 0;
    this.foldMs = 0;
    const t0 = performance.now();
    const captured = captureView(view);
    const captureMs = performance.now() - t0;
    const write: Promise<void> = (async () => {
      try {
        const ref = await writeSnapshot(this.store, captured);
        this.last = { position: ref.position, bytes: ref.bytes, captureMs, writeMs: performance.now() - t0 - captureMs };
        this.lastCostMs = performance.now() - t0;
        await this.prune();
      } catch (e) {
        this.log.warn(`snapshot at position ${captured.position} not written: ${(e as Error).message}`);
      }
    })().finally(() => this.writing.delete(write));
    this.writing.add(write);
    return write;
  }

  /** Resolves once no write is in progress (shutdown waits for it, so no half-written snapshot is left behind for nothing). */
  async idle(): Promise<void> {
    while (this.writing.size) await Promise.all([...this.writing]);
  }

  private async prune() {
    const all = await this.store.list();
    const stale = all.filter((r) => r.codeVersion !== PROJECTION_CODE_VERSION);
    const ours = all.filter((r) => r.codeVersion === PROJECTION_CODE_VERSION);
    // Past reads fold at most about one interval: the spacing stays bounded as the log grows (the count grows instead).
    const retention = { maxGap: this.policy.everyEvents * MAX_GAP_PER_INTERVAL, ...this.policy.retention };
    const drop = new Set(snapshotsToPrune(ours.map((r) => r.position), retention));
    for (const ref of [...stale, ...ours.filter((r) => drop.has(r.position))]) await this.store.delete(ref);
  }
}
