import { daemonSetStream, nodeStream, objectStream, parseStreamId, podStream, revisionStream, rolloutStream, type StreamKind } from '@daemonledger/domain/cluster/streams';
import type { EventStore, RecordedEvent } from '@daemonledger/event-store/event-store.port';
import type { SnapshotRef, SnapshotStore } from '@daemonledger/event-store/snapshot-store.port';
import { ClusterView } from './cluster-view';
import { DERIVED_PARTS, FOLD_KINDS, type ReadKind, readsDerived, streamsNeededFor } from './object-streams';
import { type CapturedView, captureView, PROJECTION_CODE_VERSION, partsFor, readSnapshot, restoreView } from './snapshot-codec';

const PAGE = 5_000;

export interface HistoryOptions {
  /** Where snapshots are; without them every past read folds from position 0. */
  snapshots?: SnapshotStore | null;
  /** Views kept in memory (decoded snapshots and recent answers), so reads near each other fold only the gap. Default 3 (a full view of a 10,000-node cluster is ~100 MB of heap). */
  cacheSize?: number;
  /** Told when a snapshot cannot be used (it is skipped; the read starts from an older one). */
  onBadSnapshot?: (ref: SnapshotRef, error: Error) => void;
}

interface Cached {
  captured: CapturedView;
  kinds: ReadonlySet<StreamKind> | undefined;
  /** Whether it holds the derived parts (a lean capture cannot start a read that serves them). */
  derived: boolean;
}

const covers = (have: ReadonlySet<StreamKind> | undefined, need: ReadonlySet<StreamKind> | undefined) =>
  !have || (need !== undefined && [...need].every((k) => have.has(k)));

/**
 * Reads of the cluster as it was at a past log position, costing what they
 * read rather than what the log holds: a view starts from the newest usable
 * snapshot at or before the position (or a view kept from a nearby read)
 * and folds only the events after it; one object folds only its own
 * stream(s). Snapshots are never trusted: another code version is not
 * considered, and a damaged one is skipped for an older one (or position 0).
 */
export class History {
  private readonly cache: Cached[] = [];
  private readonly bad = new Set<string>();

  constructor(
    private readonly store: EventStore,
    private readonly options: HistoryOptions = {},
  ) {}

  /**
   * The view at `position` (the head of the log then). With `readKind`, a
   * partial view: only the parts that resource's fold needs are restored
   * and only events of those stream kinds are folded (a pod list does not
   * decode nodes); its other parts are empty.
   */
  async viewAt(position: number, readKind?: ReadKind): Promise<ClusterView> {
    const kinds = readKind === undefined ? undefined : new Set(FOLD_KINDS[readKind]);
    const derived = readsDerived(readKind);
    const parts = kinds ? partsFor(kinds).filter((p) => derived || !DERIVED_PARTS.includes(p)) : undefined;
    const start = await this.startFor(position, kinds, parts, derived);
    const fresh = new ClusterView({ derived });
    const view = !start ? fresh : restoreView(parts ? { ...start.captured, parts: start.captured.parts.filter((p) => parts.includes(p.name)) } : start.captured, fresh);
    await foldTail(this.store, view, position, kinds);
    if (view.position !== start?.captured.position) this.remember({ captured: captureView(view, parts), kinds, derived });
    return view;
  }

  /**
   * A view holding one object as it was at `position` (and whatever its fold
   * needed, e.g. the pod's DaemonSet version), folded from its own streams
   * only: a read that costs the object's history, not the log's. A
   * DaemonSet's stream grows with every status change, so where a snapshot
   * holds the DaemonSets (and their versions) only the events after it are
   * read, found by a binary search on the stream's revisions.
   */
  async objectAt(position: number, kind: StreamKind, namespace: string, name: string): Promise<ClusterView> {
    const streamId = streamOf(kind, namespace, name);
    const lean = new ClusterView({ derived: kind === 'rollout' });
    if (kind === 'daemonset') {
      const base = await this.daemonSetsAt(position);
      const events = base ? await readStreamBetween(this.store, streamId, base.position, position) : await readStreamUpTo(this.store, streamId, position);
      return foldInto(base ? restoreView({ ...base, position: 0 }, lean) : lean, events, position);
    }
    const own = await readStreamUpTo(this.store, streamId, position);
    const needed = streamsNeededFor(streamId, own);
    const base = needed.some((s) => parseStreamId(s)?.kind === 'daemonset') ? await this.daemonSetsAt(position) : undefined;
    // A compact PodCreated is rebuilt from the DaemonSet version it names: the DaemonSet's events up to the newest version named are all the fold needs.
    const upTo = base ? Math.min(position, newestVersionNamed(own) ?? position) : position;
    const extra = await Promise.all(
      needed.map((s) => (base && parseStreamId(s)?.kind === 'daemonset' ? (upTo > base.position ? readStreamBetween(this.store, s, base.position, upTo) : []) : readStreamUpTo(this.store, s, position))),
    );
    const events = [...own, ...extra.flat()].sort((a, b) => a.position - b.position);
    return foldInto(base ? restoreView({ ...base, position: 0 }, lean) : lean, events, position);
  }

  private readonly daemonSetParts = new Map<string, CapturedView>();

  /** The DaemonSets and their versions from the newest usable snapshot at or before `position` (small; kept per snapshot). */
  private async daemonSetsAt(position: number): Promise<CapturedView | undefined> {
    for (;;) {
      const ref = await this.snapshotAtOrBefore(position);
      if (!ref) return undefined;
      const kept = this.daemonSetParts.get(keyOf(ref));
      if (kept) return kept;
      const captured = await this.decode(ref, ['daemonSets', 'daemonSetVersions']);
      if (!captured) continue;
      if (this.daemonSetParts.size >= 8) this.daemonSetParts.delete(this.daemonSetParts.keys().next().value!);
      this.daemonSetParts.set(keyOf(ref), captured);
      return captured;
    }
  }

  /** The newest snapshot of this code version at or before `position` not known to be damaged. */
  async snapshotAtOrBefore(position: number): Promise<SnapshotRef | undefined> {
    let refs: SnapshotRef[] = [];
    try {
      refs = (await this.options.snapshots?.list()) ?? [];
    } catch (e) {
      // Unreadable snapshots are as good as none: the log answers, only slower.
      this.options.onBadSnapshot?.({ position: 0, codeVersion: '', parts: [], bytes: 0, writtenAt: '' }, e as Error);
    }
    return refs.find((r) => r.position <= position && r.codeVersion === PROJECTION_CODE_VERSION && !this.bad.has(keyOf(r)));
  }

  /**
   * Restores the newest usable snapshot at or before `position` into `view`
   * (empty); returns its ref, or undefined (the view stays empty) when none.
   */
  async restoreLatest(view: ClusterView, position: number): Promise<SnapshotRef | undefined> {
    for (;;) {
      const ref = await this.snapshotAtOrBefore(position);
      if (!ref) return undefined;
      const captured = await this.decode(ref, undefined);
      if (!captured) continue;
      restoreView(captured, view);
      return ref;
    }
  }

  /** Forgets views kept in memory (tests; a store whose snapshots were changed behind our back). */
  clear(): void {
    this.cache.length = 0;
    this.daemonSetParts.clear();
    this.bad.clear();
  }

  private async startFor(position: number, kinds: ReadonlySet<StreamKind> | undefined, parts: string[] | undefined, derived: boolean): Promise<Cached | undefined> {
    for (;;) {
      const ref = await this.snapshotAtOrBefore(position);
      const floor = ref?.position ?? 0;
      const kept = this.cache
        .filter((c) => c.captured.position <= position && c.captured.position >= floor && covers(c.kinds, kinds) && (c.derived || !derived))
        .sort((a, b) => b.captured.position - a.captured.position)[0];
      if (kept) {
        this.touch(kept);
        return kept;
      }
      if (!ref) return undefined;
      const captured = await this.decode(ref, parts);
      if (!captured) continue;
      const base = { captured, kinds, derived };
      this.remember(base);
      return base;
    }
  }

  private async decode(ref: SnapshotRef, parts: string[] | undefined): Promise<CapturedView | undefined> {
    try {
      return await readSnapshot(this.options.snapshots!, ref, parts);
    } catch (e) {
      this.bad.add(keyOf(ref));
      this.options.onBadSnapshot?.(ref, e as Error);
      return undefined;
    }
  }

  private remember(c: Cached) {
    this.cache.unshift(c);
    if (this.cache.length > (this.options.cacheSize ?? 3)) this.cache.pop();
  }

  private touch(c: Cached) {
    this.cache.splice(this.cache.indexOf(c), 1);
    this.cache.unshift(c);
  }
}

const keyOf = (r: SnapshotRef) => `${r.position}\u0000${r.codeVersion}`;

const streamOf = (kind: StreamKind, ns: string, name: string): string => {
  switch (kind) {
    case 'daemonset':
      return daemonSetStream(ns, name);
    case 'pod':
      return podStream(ns, name);
    case 'node':
      return nodeStream(name);
    case 'controllerrevision':
      return revisionStream(ns, name);
    case 'rollout': {
      const dash = name.lastIndexOf('-');
      return rolloutStream(ns, name.slice(0, dash), Number(name.slice(dash + 1)));
    }
    default:
      return objectStream(kind, ns, name);
  }
};

const foldInto = (view: ClusterView, events: readonly RecordedEvent[], position: number): ClusterView => {
  for (const e of events) view.apply(e);
  view.position = position;
  return view;
};

/** The newest DaemonSet version a pod stream's compact creations name (undefined: none). */
const newestVersionNamed = (events: readonly RecordedEvent[]): number | undefined => {
  let newest: number | undefined;
  for (const e of events) {
    const version = e.type === 'PodCreated' ? (e.data as { daemonPod?: { version?: number } }).daemonPod?.version : undefined;
    if (typeof version === 'number' && (newest === undefined || version > newest)) newest = version;
  }
  return newest;
};

/** A stream's events up to `to` (object streams other than DaemonSets' are short). */
const readStreamUpTo = async (store: EventStore, streamId: string, to: number): Promise<RecordedEvent[]> =>
  (await store.readStream(streamId)).filter((e) => e.position <= to);

/**
 * The revision of a stream's first event after `position`, or undefined when
 * none: a binary search (positions grow with revisions within a stream), one
 * indexed read of one event per step, so a stream of 100,000 events costs 17.
 */
const firstRevisionAfter = async (store: EventStore, streamId: string, position: number): Promise<number | undefined> => {
  const [last] = await store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
  if (!last || last.position <= position) return undefined;
  let lo = 0;
  let hi = last.revision;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const [e] = await store.readStream(streamId, { fromRevision: mid, maxCount: 1 });
    if (e && e.position > position) hi = mid;
    else lo = mid + 1;
  }
  return lo;
};

/** A stream's events after `after` up to `to`: found by revision, so it costs those events, not the stream's history nor the log's range. */
const readStreamBetween = async (store: EventStore, streamId: string, after: number, to: number): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = [];
  let from = await firstRevisionAfter(store, streamId, after);
  while (from !== undefined) {
    const page = await store.readStream(streamId, { fromRevision: from, maxCount: 100 });
    for (const e of page) {
      if (e.position > to) return out;
      out.push(e);
    }
    from = page.length < 100 ? undefined : page[page.length - 1].revision + 1;
  }
  return out;
};

/**
 * Folds the events after the view's position up to `position` into it. With
 * `kinds`, only events of those kinds of stream are folded (the view holds
 * only their parts; folding others there would be wrong); unless pods are
 * among them, only those are read (a filtered read of the range), and the
 * position then moves on to `position` (or the head, if older).
 */
export const foldTail = async (store: EventStore, view: ClusterView, position: number, kinds?: ReadonlySet<StreamKind>): Promise<void> => {
  // Pod events are nearly the whole log (a tail of a pod read holds almost nothing else): filtering them costs more than it saves.
  if (kinds && !kinds.has('pod') && view.position < position) {
    // Only the wanted kinds' events are read (and decoded); the others would only have moved the position on.
    const streamPrefixes = [...kinds].map((k) => `${k}-`);
    for (let from = view.position; from < position; ) {
      const page = await store.readAll({ fromPosition: from, toPosition: position, streamPrefixes, maxCount: PAGE });
      for (const e of page) if (kinds.has(parseStreamId(e.streamId)?.kind as StreamKind)) view.apply(e);
      if (page.length < PAGE) break;
      from = page[page.length - 1].position;
    }
    view.position = Math.max(view.position, Math.min(position, await store.headPosition()));
    return;
  }
  while (view.position < position) {
    // Positions are dense on SQLite and memory, so the gap is the exact count; sparse ones (EventStoreDB) read full pages.
    const page = await store.readAll({ fromPosition: view.position, maxCount: Math.max(1, Math.min(PAGE, position - view.position)) });
    for (const e of page) {
      if (e.position > position) return;
      if (!kinds || kinds.has(parseStreamId(e.streamId)?.kind as StreamKind)) view.apply(e);
      else view.position = e.position;
    }
    if (page.length === 0) return;
  }
};

/**
 * The cluster as it was when `position` was the head of the log: without
 * snapshots, a fresh view folded from the first event (the reference that
 * snapshot reads are tested against); with them, from the newest usable one.
 */
export const clusterViewAt = async (store: EventStore, position: number, snapshots?: SnapshotStore | null): Promise<ClusterView> =>
  new History(store, { snapshots, cacheSize: 0 }).viewAt(position);
