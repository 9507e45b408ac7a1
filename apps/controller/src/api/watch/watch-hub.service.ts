import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { EventBus, ofType } from '@nestjs/cqrs';
import type { Subscription } from 'rxjs';
import { isStoredStreamKind, objectStream, parseStreamId, STORED_STREAM_KINDS, type StreamKind } from '@daemonledger/domain/cluster/streams';
import type { RecordedEvent } from '@daemonledger/event-store/event-store.port';
import type { ClusterView } from '@daemonledger/projections';
import { ClusterState } from '../../projections/cluster-state.service';
import { CaughtUp, Recorded } from '../../projections/recorded';
import type { DerivedKind, KubeObject } from '../resources/resource-def';
import { rolloutObject } from '../resources/rollouts.resource';

/** One object change: the object after the event (for DELETED, its last state at the event's position) and before it. */
export interface Change {
  position: number;
  /** The object's stream kind; 'event' for the core/v1 Events the projection derives, 'endpoints'/'endpointslice' for those of Services. */
  kind: StreamKind | DerivedKind;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
  previous?: KubeObject;
}

/** How many changes the hub keeps for watches that resume from a resourceVersion (the watch cache). */
export const WATCH_HISTORY = 100_000;

const OBJECT_KINDS: readonly StreamKind[] = ['daemonset', 'pod', 'node', 'controllerrevision', ...STORED_STREAM_KINDS];

/** The object a stream holds in a view (undefined once deleted). */
export const objectOf = (view: ClusterView, kind: StreamKind, namespace: string, name: string): KubeObject | undefined => {
  switch (kind) {
    case 'daemonset':
      return view.daemonSet(namespace, name);
    case 'pod':
      return view.pod(namespace, name);
    case 'controllerrevision':
      return view.revision(namespace, name);
    case 'node':
      return view.nodes.get(name);
    default:
      return isStoredStreamKind(kind) ? view.object(kind, namespace, name) : undefined;
  }
};

/**
 * The watch cache: every object change since the server started (the last
 * WATCH_HISTORY of them), in log order, plus live delivery to open watches.
 * Each Recorded event changes at most one object; the hub reads it from the
 * live view right after the projection applied the event, and remembers the
 * last state of every object so a deletion can carry it (DELETED events
 * send the object as it was, with the deleting position as resourceVersion).
 */
@Injectable()
export class WatchHub implements OnModuleInit, OnModuleDestroy {
  private readonly history: Change[] = [];
  private start = 0;
  /** The hub has every change with position > `oldest`. */
  private oldest = 0;
  private ready = false;
  private readonly last = new Map<string, KubeObject>();
  /** Listeners of every change. */
  private readonly listeners = new Set<(c: Change) => void>();
  /**
   * Listeners of one kind's changes: a watch of DaemonSets never hears of
   * the rollout's 10,000 pod changes (with 500 watches, 5M calls saved).
   */
  private readonly byKind = new Map<Change['kind'], Set<(c: Change) => void>>();
  private subscription?: Subscription;

  constructor(
    private readonly state: ClusterState,
    private readonly events: EventBus,
  ) {}

  onModuleInit(): void {
    this.subscription = this.events.pipe(ofType(Recorded, CaughtUp)).subscribe((e) => {
      if (e instanceof CaughtUp) this.seed();
      else this.record(e.event);
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
    this.listeners.clear();
    this.byKind.clear();
  }

  /** Position from which on changes are known (a watch from an older resourceVersion gets 410). */
  get oldestPosition(): number {
    return this.oldest;
  }

  /** Changes with position > `position`, or undefined when the history no longer reaches back that far. */
  since(position: number): Change[] | undefined {
    if (!this.ready || position < this.oldest) return undefined;
    const out: Change[] = [];
    for (let i = this.history.length - 1; i >= this.start && this.history[i].position > position; i--) out.push(this.history[i]);
    return out.reverse();
  }

  /** Calls `listener` with each change from now on; of one kind only when `kind` is given. Returns the unsubscribe. */
  subscribe(listener: (c: Change) => void, kind?: Change['kind']): () => void {
    if (kind === undefined) {
      this.listeners.add(listener);
      return () => this.listeners.delete(listener);
    }
    let set = this.byKind.get(kind);
    if (!set) this.byKind.set(kind, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.byKind.get(kind) === set) this.byKind.delete(kind);
    };
  }

  get watchers(): number {
    let n = this.listeners.size;
    for (const set of this.byKind.values()) n += set.size;
    return n;
  }

  private seed() {
    if (this.ready) return;
    const view = this.state.view;
    for (const ds of view.allDaemonSets()) this.last.set(`daemonset-${ds.metadata.namespace}.${ds.metadata.name}`, ds);
    for (const p of view.allPods()) this.last.set(`pod-${p.metadata.namespace}.${p.metadata.name}`, p);
    for (const r of view.allRevisions()) this.last.set(`controllerrevision-${r.metadata.namespace}.${r.metadata.name}`, r);
    for (const n of view.nodes.values()) this.last.set(`node-${n.metadata.name}`, n);
    for (const [kind, byNs] of view.objects) for (const [ns, inner] of byNs) for (const [name, o] of inner) this.last.set(objectStream(kind, ns, name), o);
    for (const r of view.rolloutTimelines.list()) this.last.set(r.summary.streamId, rolloutObject(r.view()));
    this.oldest = view.position;
    this.ready = true;
  }

  private record(e: RecordedEvent) {
    if (!this.ready) this.seed();
    for (const { event, added } of this.state.view.events.changedAt(e.position)) {
      this.publish({ position: e.position, kind: 'event', type: added ? 'ADDED' : 'MODIFIED', object: event as unknown as KubeObject });
    }
    this.recordRollout(e.position);
    for (const c of this.state.view.serviceEndpoints.changedAt(e.position)) {
      this.publish({ position: e.position, kind: c.kind, type: c.type, object: c.object as unknown as KubeObject, ...(c.previous ? { previous: c.previous as unknown as KubeObject } : {}) });
    }
    const ref = parseStreamId(e.streamId);
    if (!ref || !OBJECT_KINDS.includes(ref.kind)) return;
    const previous = this.last.get(e.streamId);
    const now = objectOf(this.state.view, ref.kind, ref.namespace ?? '', ref.name);
    let change: Change;
    if (now) {
      // Several events may be applied before we look (not in practice: delivery is synchronous); skip stale reads.
      if (previous && previous === now) return;
      this.last.set(e.streamId, now);
      change = { position: e.position, kind: ref.kind, type: previous ? 'MODIFIED' : 'ADDED', object: now, previous };
    } else {
      if (!previous) return;
      this.last.delete(e.streamId);
      const object = { ...previous, metadata: { ...previous.metadata, resourceVersion: String(e.position) } };
      change = { position: e.position, kind: ref.kind, type: 'DELETED', object, previous };
    }
    this.publish(change);
  }

  /**
   * A Rollout changes with each event of its rollout stream; the per-node
   * steps that pod events add in between arrive with the next one (one watch
   * event per pod report would flood the watch cache during a large rollout).
   */
  private recordRollout(position: number) {
    const rollout = this.state.view.rolloutTimelines.changedAt(position);
    if (!rollout) return;
    const key = rollout.summary.streamId;
    const previous = this.last.get(key);
    const object = rolloutObject(rollout.view());
    this.last.set(key, object);
    this.publish({ position, kind: 'rollout', type: previous ? 'MODIFIED' : 'ADDED', object, previous });
  }

  private publish(change: Change) {
    this.history.push(change);
    if (this.history.length - this.start > WATCH_HISTORY) {
      this.oldest = this.history[this.start].position;
      this.start++;
      if (this.start > WATCH_HISTORY) {
        this.history.splice(0, this.start);
        this.start = 0;
      }
    }
    for (const l of this.listeners) l(change);
    const ofKind = this.byKind.get(change.kind);
    if (ofKind) for (const l of ofKind) l(change);
  }
}
