import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus, EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import type { DaemonSet } from '@daemonledger/domain/api/types';
import { isDomainError } from '@daemonledger/domain/errors';
import { parseStreamId } from '@daemonledger/domain/cluster/streams';
import { DaemonSetCommandMsg, PodCommandMsg, RevisionCommandMsg } from '../commands/cluster.commands';
import { ClusterState } from '../projections/cluster-state.service';
import { LEADERSHIP, type Leadership } from '../infrastructure/tokens';
import { CaughtUp, Recorded } from '../projections/recorded';
import { LeadershipResync } from './leadership-resync.service';

const GC = { actor: 'garbage-collector', fenced: true };
const POD_GC = { actor: 'pod-gc', fenced: true };

/**
 * The garbage collector and pod GC of a cluster, for what DaemonSets own:
 * - Background delete: the DaemonSet is gone; delete its pods and revisions.
 * - Foreground delete: delete dependents, then let the DaemonSet go.
 * - Orphan delete: strip the owner from pods and revisions, then let it go.
 * - Pods whose deletion was asked but that no kubelet runs (never bound, or
 *   bound to a node that left) are removed at once.
 * Work runs one step at a time, in log order, each step from current state.
 */
@Injectable()
@EventsHandler(Recorded, CaughtUp, LeadershipResync)
export class GarbageCollector implements IEventHandler<Recorded | CaughtUp | LeadershipResync> {
  private readonly log = new Logger('GarbageCollector');
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly commands: CommandBus,
    private readonly state: ClusterState,
    @Inject(LEADERSHIP) private readonly leadership: Leadership,
  ) {}

  /** Acts only while leading; a new leader starts with a sweep, as a fresh start does. */
  handle(message: Recorded | CaughtUp | LeadershipResync): void {
    if (!this.leadership.isLeader()) return;
    if (message instanceof CaughtUp || message instanceof LeadershipResync) {
      this.enqueue(() => this.sweep());
      return;
    }
    const { event } = message;
    const ref = parseStreamId(event.streamId);
    if (!ref) return;
    const ns = ref.namespace ?? '';
    let work: (() => Promise<void>) | undefined;
    if (event.type === 'DaemonSetDeleted') {
      const { uid, propagationPolicy } = event.data as { uid: string; propagationPolicy: string };
      if (propagationPolicy === 'Background') work = () => this.deleteDependents(ns, uid);
    } else if (event.type === 'DaemonSetDeletionRequested') {
      work = () => this.progressDeletion(ns, ref.name);
    } else if (event.type === 'PodDeletionRequested') {
      work = () => this.removeUnrunPod(ns, ref.name);
    } else if (event.type === 'NodeLeft') {
      work = () => this.removePodsOfNode(ref.name);
    } else if (
      (ref.kind === 'pod' && (event.type === 'PodDeleted' || event.type === 'PodOwnerChanged')) ||
      (ref.kind === 'controllerrevision' && (event.type === 'ControllerRevisionDeleted' || event.type === 'ControllerRevisionOwnerChanged'))
    ) {
      const deleting = this.state.view.allDaemonSets().filter((d) => d.metadata.namespace === ns && d.metadata.deletionTimestamp);
      if (deleting.length) work = async () => { for (const d of deleting) await this.progressDeletion(ns, d.metadata.name!); };
    }
    if (work) this.enqueue(work);
  }

  /**
   * After a (re)start, the log may hold work the previous process had not
   * finished when it stopped: dependents of a DaemonSet deleted in the
   * background, finalizers still pending, pods whose deletion no kubelet
   * will confirm, pods bound to nodes that left. Each is redone from state.
   */
  private async sweep(): Promise<void> {
    const view = this.state.view;
    const liveUids = new Set(view.allDaemonSets().map((d) => d.metadata.uid));
    const dangling = new Map<string, string>(); // owner uid → namespace
    for (const o of [...view.allPods(), ...view.allRevisions()]) {
      const owner = o.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'DaemonSet');
      if (owner && !liveUids.has(owner.uid)) dangling.set(owner.uid, o.metadata.namespace!);
    }
    for (const [uid, ns] of dangling) await this.deleteDependents(ns, uid);
    for (const ds of view.allDaemonSets()) {
      if (ds.metadata.deletionTimestamp) await this.progressDeletion(ds.metadata.namespace!, ds.metadata.name!);
    }
    const goneNodes = new Set<string>();
    for (const pod of view.allPods()) {
      const node = pod.spec.nodeName;
      if (node && !view.nodes.has(node)) goneNodes.add(node);
      else if (pod.metadata.deletionTimestamp) await this.removeUnrunPod(pod.metadata.namespace!, pod.metadata.name!);
    }
    for (const node of goneNodes) await this.removePodsOfNode(node);
  }

  /** Resolves when every step queued so far is done (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  private enqueue(work: () => Promise<void>) {
    this.queue = this.queue.then(work).catch((e) => {
      if (!isDomainError(e, 'NotFound')) this.log.error(`garbage collection step failed: ${(e as Error).message}`);
    });
  }

  private dependents(ns: string, uid: string) {
    const owned = <T extends { metadata: { ownerReferences?: { uid: string }[] } }>(xs: T[]) =>
      xs.filter((x) => x.metadata.ownerReferences?.some((o) => o.uid === uid));
    return { pods: owned(this.state.view.podsIn(ns)), revisions: owned(this.state.view.revisionsIn(ns)) };
  }

  private async deleteDependents(ns: string, uid: string) {
    const { pods, revisions } = this.dependents(ns, uid);
    for (const pod of pods) {
      if (pod.metadata.deletionTimestamp) continue;
      await this.quietly(this.commands.execute(new PodCommandMsg(ns, pod.metadata.name!, { type: 'RequestPodDeletion', reason: 'garbage-collected', expectedUid: pod.metadata.uid }, GC)));
    }
    for (const rev of revisions) {
      await this.quietly(this.commands.execute(new RevisionCommandMsg(ns, rev.metadata.name!, { type: 'DeleteRevision', reason: 'garbage-collected' }, GC)));
    }
  }

  private async progressDeletion(ns: string, name: string) {
    const ds: DaemonSet | undefined = this.state.view.daemonSet(ns, name);
    if (!ds?.metadata.deletionTimestamp) return;
    const uid = ds.metadata.uid!;
    const orphan = ds.metadata.finalizers?.includes('orphan');
    const { pods, revisions } = this.dependents(ns, uid);
    if (orphan) {
      for (const pod of pods) {
        await this.quietly(this.commands.execute(new PodCommandMsg(ns, pod.metadata.name!, { type: 'SetPodOwner', ownerReference: null, expectedUid: pod.metadata.uid }, GC)));
      }
      for (const rev of revisions) {
        await this.quietly(this.commands.execute(new RevisionCommandMsg(ns, rev.metadata.name!, { type: 'SetRevisionOwner', ownerReference: null }, GC)));
      }
    } else {
      await this.deleteDependents(ns, uid);
    }
    const left = this.dependents(ns, uid);
    if (left.pods.length === 0 && left.revisions.length === 0) {
      await this.quietly(this.commands.execute(new DaemonSetCommandMsg(ns, name, { type: 'FinalizeDaemonSetDeletion' }, GC)));
    }
  }

  private async removeUnrunPod(ns: string, name: string) {
    const pod = this.state.view.pod(ns, name);
    if (!pod?.metadata.deletionTimestamp) return;
    if (pod.spec.nodeName && this.state.view.nodes.has(pod.spec.nodeName)) return; // its kubelet will report it gone
    await this.quietly(this.commands.execute(new PodCommandMsg(ns, name, { type: 'ConfirmPodDeleted', reason: pod.spec.nodeName ? 'node-gone' : 'never-scheduled', expectedUid: pod.metadata.uid }, POD_GC)));
  }

  private async removePodsOfNode(node: string) {
    for (const pod of [...this.state.view.podsOnNode(node)]) {
      const ns = pod.metadata.namespace!;
      const name = pod.metadata.name!;
      const meta = POD_GC;
      await this.quietly(this.commands.execute(new PodCommandMsg(ns, name, { type: 'RequestPodDeletion', gracePeriodSeconds: 0, reason: 'node-gone', expectedUid: pod.metadata.uid }, meta)));
      await this.quietly(this.commands.execute(new PodCommandMsg(ns, name, { type: 'ConfirmPodDeleted', reason: 'node-gone', expectedUid: pod.metadata.uid }, meta)));
    }
  }

  private async quietly(p: Promise<unknown>) {
    try {
      await p;
    } catch (e) {
      if (!isDomainError(e, 'NotFound')) throw e;
    }
  }
}
