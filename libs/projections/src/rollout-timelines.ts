import type { DaemonSet, Pod, PodStatus } from '@daemonledger/domain/api/types';
import { eventActor } from '@daemonledger/domain/cluster/actors';
import type { ClusterEvent, RolloutEvent } from '@daemonledger/domain/cluster/events';
import { parseStreamId } from '@daemonledger/domain/cluster/streams';
import { CONTROLLER_REVISION_HASH_LABEL, controllerOf, podTargetNode } from '@daemonledger/domain/controller';
import type { RecordedEvent } from '@daemonledger/event-store/event-store.port';
import { RolloutRecord, type PodFact, type RolloutRecordSnapshot } from './rollout-steps';
import type { RolloutSummary } from './rollout-record';
import { Unparsed } from './encoded-map';

/** What the fold reads of the cluster view it lives in (the state right after the event). */
export interface TimelineSource {
  pod(ns: string, name: string): Pod | undefined;
  daemonSet(ns: string, name: string): DaemonSet | undefined;
  podsForController(ns: string, uid: string): Pod[];
}

/**
 * Rollouts keep their per-node timeline for the newest KEEP_TIMELINES of each
 * DaemonSet (like revisionHistoryLimit); older ones keep their summary and
 * audit index. Beyond KEEP_ROLLOUTS a DaemonSet's oldest rollouts are dropped
 * from the view (the log still has them). At 10,000 nodes a timeline is
 * ~3–5 MB, so this bounds a DaemonSet at ~50 MB whatever the log's length.
 */
export const KEEP_TIMELINES = 10;
export const KEEP_ROLLOUTS = 100;

/** Correlated events kept before a RolloutStarted: the first sync's actions and the reports racing it fit many times over. */
const PRELUDE_MAX = 100_000;

const PULL_FAILURES = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'RegistryUnavailable']);

/** How far a pod's status has come: 1 Pulling, 2 Pulled, 3 Started, 4 Ready; and a pull failure or crash, if any. */
export const statusProgress = (s: PodStatus | undefined): { level: number; pullFailed?: string; failed?: string } => {
  const cs = s?.containerStatuses ?? [];
  const ready = s?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const started = cs.some((c) => c.state?.running || c.started);
  const pulled = cs.length > 0 && cs.every((c) => c.imageID || c.state?.running || c.state?.terminated);
  const level = ready ? 4 : started ? 3 : pulled ? 2 : 1;
  const waiting = cs.find((c) => c.state?.waiting?.reason)?.state?.waiting;
  if (waiting?.reason && PULL_FAILURES.has(waiting.reason)) return { level, pullFailed: `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}` };
  if (waiting?.reason === 'CrashLoopBackOff') return { level, failed: `CrashLoopBackOff${waiting.message ? `: ${waiting.message}` : ''}` };
  if (s?.phase === 'Failed') return { level, failed: `phase Failed${s.reason ? ` (${s.reason})` : ''}` };
  return { level };
};

const timeOf = (e: RecordedEvent) => Date.parse(e.metadata.wallTime ?? e.recordedAt);

/** Events correlated with a template change before its rollout's RolloutStarted (the first sync acts, then the tracker records). */
interface Prelude {
  ds: string;
  positions: number[];
  facts: PodFact[];
}

/**
 * The rollouts as Kubernetes objects see them, folded from the log: each
 * rollout stream's facts, plus every event carrying the rollout's correlation
 * id (the controller's pod creations and deletions, the scheduler's bindings,
 * the kubelets' reports), turned into per-node steps, and the positions of all
 * those events (the audit index: an audit reads exactly these, never scans).
 */
export class RolloutTimelines {
  private readonly records = new Map<string, RolloutRecord>();
  private readonly byCorrelation = new Map<string, string>();
  private readonly preludes = new Map<string, Prelude>();
  private readonly preludeOfDs = new Map<string, string>();
  private readonly byDs = new Map<string, string[]>();
  private changed?: { position: number; streamId: string };

  apply(e: RecordedEvent, src: TimelineSource, podBefore?: Pod): void {
    const ref = parseStreamId(e.streamId);
    if (!ref) return;
    const ev = e as unknown as ClusterEvent;
    const ns = ref.namespace ?? '';
    const corr = e.metadata.correlationId;
    if (ev.type === 'DaemonSetCreated' || (ev.type === 'DaemonSetSpecChanged' && ev.data.templateChanged)) {
      this.openPrelude(`${ns}/${ref.name}`, corr ?? e.id);
    }
    if (ev.type === 'DaemonSetDeleted') this.endWithDaemonSet(`${ns}/${ref.name}`, ev.data.uid, e);
    let own: RolloutRecord | undefined;
    if (ref.kind === 'rollout') own = this.applyFact(e, ev as RolloutEvent, src);
    if (!corr) return;
    const target = this.records.get(this.byCorrelation.get(corr) ?? '');
    if (target && target === own) return;
    const prelude = target ? undefined : this.preludes.get(corr);
    if (!target && !prelude) return;
    const time = timeOf(e);
    const fact = ref.kind === 'pod' ? podFact(e, ev, src.pod(ns, ref.name) ?? podBefore, time) : undefined;
    if (prelude) {
      // A template change that starts no rollout (it went back to the current revision) must not grow this forever.
      if (prelude.positions.length >= PRELUDE_MAX) return;
      prelude.positions.push(e.position);
      if (fact) prelude.facts.push(fact);
      return;
    }
    target!.runs.add(e.position);
    const changed = target!.ingest(fact, e.position, time);
    if (changed) target!.lastPosition = e.position;
  }

  /** The rollout whose summary changed at `position` (a rollout-stream event): what watches are told about. */
  changedAt(position: number): RolloutRecord | undefined {
    return this.changed?.position === position ? this.records.get(this.changed.streamId) : undefined;
  }

  /** A rollout by its object name `<daemonset>-<n>`. */
  get(ns: string, name: string): RolloutRecord | undefined {
    return this.records.get(`rollout-${ns}.${name}`);
  }

  list(ns?: string): RolloutRecord[] {
    const all = [...this.records.values()];
    return ns === undefined ? all : all.filter((r) => r.summary.namespace === ns);
  }

  /** The controller records nothing more for a deleted DaemonSet: its open rollout ends there, and says why. */
  private endWithDaemonSet(ds: string, uid: string, e: RecordedEvent) {
    for (const streamId of this.byDs.get(ds) ?? []) {
      const rec = this.records.get(streamId);
      if (!rec || rec.summary.started.uid !== uid || rec.summary.endedAt || rec.summary.state === 'Complete' || rec.summary.state === 'Superseded' || rec.summary.state === 'RolledBack') continue;
      rec.summary = { ...rec.summary, endedAt: new Date(timeOf(e)).toISOString(), message: `the DaemonSet was deleted (propagation ${(e.data as { propagationPolicy?: string }).propagationPolicy ?? 'Background'})` };
      rec.lastPosition = e.position;
      this.changed = { position: e.position, streamId };
    }
  }

  private openPrelude(ds: string, corr: string) {
    const previous = this.preludeOfDs.get(ds);
    if (previous) this.preludes.delete(previous);
    this.preludes.set(corr, { ds, positions: [], facts: [] });
    this.preludeOfDs.set(ds, corr);
  }

  private applyFact(e: RecordedEvent, ev: RolloutEvent, src: TimelineSource): RolloutRecord | undefined {
    const at = timeOf(e);
    if (ev.type === 'RolloutStarted') {
      const d = ev.data;
      const ds = `${d.namespace}/${d.daemonSet}`;
      const corr = e.metadata.correlationId ?? e.id;
      const summary: RolloutSummary = {
        streamId: e.streamId,
        namespace: d.namespace,
        daemonSet: d.daemonSet,
        rollout: d.rollout,
        correlationId: corr,
        started: d,
        minReadySeconds: src.daemonSet(d.namespace, d.daemonSet)?.spec.minReadySeconds ?? 0,
        state: 'Progressing',
        counts: { desired: d.nodeCount, updated: 0, available: 0, unavailable: 0 },
        startedAt: new Date(at).toISOString(),
        startPosition: e.position,
        factPosition: e.position,
      };
      const rec = new RolloutRecord(summary);
      this.records.set(e.streamId, rec);
      this.byCorrelation.set(corr, e.streamId);
      rec.markPending(src.podsForController(d.namespace, d.uid).filter((p) => controllerOf(p)?.uid === d.uid));
      const prelude = this.preludes.get(corr);
      if (prelude) {
        this.preludes.delete(corr);
        this.preludeOfDs.delete(prelude.ds);
        for (const p of prelude.positions) rec.runs.add(p);
        for (const f of prelude.facts) rec.ingest(f, f.position, f.time);
      }
      rec.runs.add(e.position);
      rec.lastPosition = e.position;
      this.remember(ds, e.streamId);
      this.changed = { position: e.position, streamId: e.streamId };
      return rec;
    }
    const rec = this.records.get(e.streamId);
    if (!rec) return undefined;
    rec.runs.add(e.position);
    rec.ingest(undefined, e.position, at); // pods whose minReadySeconds passed are Available before the fact counts them
    rec.fact(ev, e.position, at, e.metadata.actor);
    rec.lastPosition = e.position;
    this.changed = { position: e.position, streamId: e.streamId };
    return rec;
  }

  /** Keeps the newest rollouts of a DaemonSet (see KEEP_TIMELINES, KEEP_ROLLOUTS). */
  private remember(ds: string, streamId: string) {
    let list = this.byDs.get(ds);
    if (!list) this.byDs.set(ds, (list = []));
    list.push(streamId);
    if (list.length > KEEP_TIMELINES) this.records.get(list[list.length - 1 - KEEP_TIMELINES])?.prune();
    while (list.length > KEEP_ROLLOUTS) {
      const gone = list.shift()!;
      const rec = this.records.get(gone);
      this.records.delete(gone);
      if (rec && this.byCorrelation.get(rec.summary.correlationId) === gone) this.byCorrelation.delete(rec.summary.correlationId);
    }
  }

  /** Plain JSON-able data (typed columns as base64) for the snapshot store. */
  toSnapshot(): RolloutTimelinesSnapshot {
    return {
      version: 1,
      records: [...this.records.values()].map((r) => r.toSnapshot()),
      preludes: [...this.preludes.entries()].map(([correlationId, p]) => ({ correlationId, ...p })),
      byDs: [...this.byDs.entries()],
      changed: this.changed ?? null,
    };
  }

  /**
   * The snapshot part's entries (`[namespace, name, object]` lines stored as
   * JSON text): one line for what is not a rollout (preludes, the per-DaemonSet
   * lists, the last change), then one per rollout, its text reused while it
   * does not change (RolloutRecord.snapshotText). Captured as text now: the
   * fold keeps changing these structures in place while the codec writes.
   */
  snapshotEntries(): [string, string, Unparsed][] {
    const meta = {
      version: 2,
      preludes: [...this.preludes.entries()].map(([correlationId, p]) => ({ correlationId, ...p })),
      byDs: [...this.byDs.entries()],
      changed: this.changed ?? null,
    };
    return [['', '', new Unparsed(JSON.stringify(meta))], ...[...this.records.values()].map((r): [string, string, Unparsed] => ['', r.summary.streamId, new Unparsed(r.snapshotText())])];
  }

  /** Restores what `snapshotEntries` captured (values as Unparsed, plain objects, or their JSON text). */
  static fromSnapshotEntries(entries: unknown[]): RolloutTimelines {
    const value = (v: unknown) => (v instanceof Unparsed ? v.get() : typeof v === 'string' ? JSON.parse(v) : v);
    const [[, , metaValue], ...records] = entries as [string, string, unknown][];
    const meta = value(metaValue) as Omit<RolloutTimelinesSnapshot, 'records' | 'version'> & { version: number };
    if (meta.version !== 2) throw new Error(`unknown rollout timelines snapshot version ${String(meta.version)}`);
    return RolloutTimelines.fromSnapshot({ ...meta, version: 1, records: records.map(([, , v]) => value(v) as RolloutRecordSnapshot) });
  }

  static fromSnapshot(data: RolloutTimelinesSnapshot): RolloutTimelines {
    const t = new RolloutTimelines();
    if (data.version !== 1) throw new Error(`unknown rollout timelines snapshot version ${String(data.version)}`);
    for (const r of data.records) {
      const rec = RolloutRecord.fromSnapshot(r);
      t.records.set(rec.summary.streamId, rec);
      t.byCorrelation.set(rec.summary.correlationId, rec.summary.streamId);
    }
    for (const { correlationId, ...p } of data.preludes) {
      t.preludes.set(correlationId, p);
      t.preludeOfDs.set(p.ds, correlationId);
    }
    for (const [ds, list] of data.byDs) t.byDs.set(ds, [...list]);
    if (data.changed) t.changed = data.changed;
    return t;
  }
}

export interface RolloutTimelinesSnapshot {
  version: 1;
  records: RolloutRecordSnapshot[];
  preludes: (Prelude & { correlationId: string })[];
  byDs: [string, string[]][];
  changed: { position: number; streamId: string } | null;
}

/** A pod event as the timeline needs it: which node, which pod (and its revision hash), what happened. */
const podFact = (e: RecordedEvent, ev: ClusterEvent, pod: Pod | undefined, time: number): PodFact | undefined => {
  if (!pod) return undefined;
  const fact = (kind: PodFact['kind'], message?: string, status?: ReturnType<typeof statusProgress>): PodFact | undefined => {
    const node = pod.spec.nodeName || podTargetNode(pod);
    if (!node) return undefined;
    const hash = pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '';
    // Credited as actors.ts credits events (logs from before it name the DaemonSet controller for a binding at creation).
    const actor = e.metadata.actor === undefined ? undefined : eventActor(e.type, e.metadata.actor);
    return { kind, node, pod: pod.metadata.name ?? '', hash, position: e.position, time, actor, message, status } as PodFact;
  };
  switch (ev.type) {
    case 'PodCreated':
      return fact('created', pod.spec.containers.map((c) => c.image ?? '').join(','));
    case 'PodBound':
      return fact('bound');
    case 'PodStatusReported':
      return fact('status', undefined, statusProgress(pod.status));
    case 'PodDeletionRequested':
      return fact('stop', ev.data.reason);
    case 'PodDeleted':
      return fact('deleted', ev.data.reason);
    default:
      return undefined;
  }
};
