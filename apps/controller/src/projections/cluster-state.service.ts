import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import type { Pod } from '@daemonledger/domain/api/types';
import { type ControllerRevisionEvent, nodeEventAffectsPlacement, type PodEvent } from '@daemonledger/domain/cluster/events';
import { revisionWakes } from '@daemonledger/domain/cluster/revision-wakes';
import { parseStreamId } from '@daemonledger/domain/cluster/streams';
import type { EventStore, RecordedEvent, Subscription } from '@daemonledger/event-store/event-store.port';
import type { SnapshotStore } from '@daemonledger/event-store/snapshot-store.port';
import { ClusterView, History } from '@daemonledger/projections';
import { EVENT_STORE, SNAPSHOT_POLICY, SNAPSHOT_STORE } from '../infrastructure/tokens';
import { CaughtUp, Recorded } from './recorded';
import { SnapshotScheduler, type SnapshotPolicy } from './snapshot-scheduler';

const controllerOf = (pod: Pod | undefined) => pod?.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'DaemonSet');

/**
 * Hosts the live cluster projection: the newest usable snapshot restored,
 * then one subscription to the log from its position, folded into a
 * ClusterView, each event then published on the Nest event bus. Snapshots
 * are taken as the fold goes (snapshot-scheduler.ts). Read-your-writes:
 * `waitFor(position)` resolves once the view has applied that position.
 */
@Injectable()
export class ClusterState implements OnApplicationShutdown {
  readonly view = new ClusterView();
  private readonly log = new Logger('ClusterState');
  private subscription?: Subscription;
  private waiters: { position: number; resolve: () => void }[] = [];
  private live = false;
  /** Past reads (time travel), from the same snapshots. */
  readonly history: History;
  private readonly snapshots?: SnapshotScheduler;
  /** The snapshot position the view started from at the last start (0: replayed from the first event). */
  restoredFrom = 0;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly eventBus: EventBus,
    @Optional() @Inject(SNAPSHOT_STORE) snapshotStore?: SnapshotStore | null,
    @Optional() @Inject(SNAPSHOT_POLICY) policy?: SnapshotPolicy | null,
  ) {
    const onBadSnapshot = (ref: { position: number }, e: Error) => this.log.warn(`snapshot at ${ref.position} skipped: ${e.message}`);
    this.history = new History(store, { snapshots: snapshotStore, onBadSnapshot });
    if (snapshotStore) this.snapshots = new SnapshotScheduler(snapshotStore, policy ?? undefined, this.log);
  }

  /** Restores the newest usable snapshot, subscribes after it, and resolves once the view holds everything the log had at start. */
  async start(): Promise<void> {
    const head = await this.store.headPosition();
    this.restoredFrom = (await this.history.restoreLatest(this.view, head))?.position ?? 0;
    await new Promise<void>((resolve, reject) => {
      let started = false;
      const caughtUp = () => {
        if (started) return;
        started = true;
        this.live = true;
        this.eventBus.publish(new CaughtUp(this.view.position));
        resolve();
      };
      this.subscription = this.store.subscribeToAll({
        fromPosition: this.view.position,
        onEvent: (e) => {
          const wait = this.apply(e);
          if (!started && e.position >= head) caughtUp();
          return wait;
        },
        onCaughtUp: () => caughtUp(),
        onError: (err) => {
          this.log.error(`projection subscription stopped: ${err.message}`);
          if (!started) reject(err);
        },
      });
      if (this.view.position >= head) caughtUp();
    });
  }

  /** Folds one event; returns a promise when the fold must wait for a snapshot write (back-pressure, snapshot-scheduler.ts). */
  private apply(e: RecordedEvent): Promise<void> | undefined {
    const affects = this.live ? this.affected(e) : [];
    const started = this.snapshots ? performance.now() : 0;
    this.view.apply(e);
    const wait = this.snapshots?.folded(this.view, performance.now() - started);
    if (this.live) this.eventBus.publish(new Recorded(e, affects));
    if (this.waiters.length) {
      const ready = this.waiters.filter((w) => w.position <= e.position);
      if (ready.length) {
        this.waiters = this.waiters.filter((w) => w.position > e.position);
        ready.forEach((w) => w.resolve());
      }
    }
    return wait;
  }

  /** Which DaemonSets' reconcile may change because of `e` (computed before the view applies it). */
  private affected(e: RecordedEvent): string[] {
    const ref = parseStreamId(e.streamId);
    if (!ref) return [];
    const ns = ref.namespace ?? '';
    const all = (namespace?: string) =>
      this.view.allDaemonSets().filter((d) => namespace === undefined || d.metadata.namespace === namespace).map((d) => `${d.metadata.namespace}/${d.metadata.name}`);
    switch (ref.kind) {
      case 'daemonset':
        return e.type === 'DaemonSetStatusChanged' ? [] : [`${ns}/${ref.name}`];
      case 'node':
        return nodeEventAffectsPlacement(e.type) ? all() : [];
      case 'pod': {
        const event = { type: e.type, data: e.data } as PodEvent;
        const before = controllerOf(this.view.pod(ns, ref.name));
        const after =
          event.type === 'PodCreated'
            ? event.data.daemonPod
              ? { name: event.data.daemonPod.daemonSet } // a daemon pod: its DaemonSet controls it
              : controllerOf(event.data.pod)
            : event.type === 'PodOwnerChanged'
              ? (event.data.ownerReference ?? undefined)
              : before;
        const owners = [before, after].filter((o): o is NonNullable<typeof o> => Boolean(o)).map((o) => `${ns}/${o.name}`);
        // An orphan (or a pod losing its owner) may be adopted by any DaemonSet of its namespace.
        return owners.length && before && after ? [...new Set(owners)] : [...new Set([...owners, ...all(ns)])];
      }
      case 'controllerrevision': {
        const wakes = revisionWakes({ type: e.type, data: e.data } as ControllerRevisionEvent, this.view.revision(ns, ref.name));
        return [...new Set([...wakes.controllers.map((name) => `${ns}/${name}`), ...(wakes.namespace ? all(ns) : [])])];
      }
      default:
        return [];
    }
  }

  /**
   * Waits until the view holds everything the log holds now. True when it was
   * behind: a decision made on it (a NotFound above all) may then be stale,
   * as on a follower whose view trails another process's appends.
   */
  async catchUp(): Promise<boolean> {
    const head = await this.store.headPosition();
    if (this.view.position >= head) return false;
    await this.waitFor(head);
    return true;
  }

  waitFor(position: number): Promise<void> {
    if (this.view.position >= position) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ position, resolve }));
  }

  /** Takes a snapshot of the view now (benchmarks, tests); resolves once it is stored. */
  async snapshotNow(): Promise<void> {
    await this.snapshots?.takeNow(this.view);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
    await this.snapshots?.idle();
  }
}
