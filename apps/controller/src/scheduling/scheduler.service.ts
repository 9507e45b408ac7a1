import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ACTORS } from '@daemonledger/domain/cluster/actors';
import { CommandBus, EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import type { Pod } from '@daemonledger/domain/api/types';
import { awaitsDefaultScheduler, schedulingCommands, schedulingOrder } from '@daemonledger/domain/cluster/scheduling-attempt';
import { parseStreamId } from '@daemonledger/domain/cluster/streams';
import { isDomainError } from '@daemonledger/domain/errors';
import { schedulePod } from '@daemonledger/domain/scheduling';
import { ClusterCommandBatch, PodCommandMsg } from '../commands/cluster.commands';
import type { CommandMeta } from '../commands/command-runner.service';
import { LEADERSHIP, type Leadership } from '../infrastructure/tokens';
import { ClusterState } from '../projections/cluster-state.service';
import { CaughtUp, Recorded } from '../projections/recorded';
import { LeadershipResync } from '../reconcile/leadership-resync.service';
import { WorkQueue } from '../reconcile/work-queue';
import { schedulingCluster, terminal } from './scheduling-cluster';

const SCHEDULER: CommandMeta = { actor: ACTORS.scheduler, fenced: true };

/** Node events after which a pending pod may fit where it did not (room, labels, taints, cordon, readiness). */
const NODE_CHANGES = new Set(['NodeJoined', 'NodeLabelsChanged', 'NodeStatusReported', 'NodeTaintsChanged', 'NodeConditionChanged', 'NodeUncordoned']);

/**
 * The default scheduler (issue 11 §1–§3). While this process leads, it keeps
 * a queue of the unbound pods that name it and tries each with the pure
 * `schedulePod`: a bind, a preemption (victims deleted for the pod, the pod
 * nominated) or a FailedScheduling message. A pod is tried when it is
 * created, and pending pods again when room may have appeared on a node (a
 * pod there deleted or terminal, the node joined or changed): only the pods
 * pinned to that node and the unpinned ones, so a change costs what it can
 * help. Catching up with the log and becoming leader try every pending pod.
 * Like the reconciler it decides nothing itself, so a lost or repeated
 * trigger only means one attempt more or less.
 */
@Injectable()
@EventsHandler(Recorded, CaughtUp, LeadershipResync)
export class SchedulerService implements IEventHandler<Recorded | CaughtUp | LeadershipResync>, OnApplicationShutdown {
  private readonly log = new Logger('Scheduler');
  private readonly queue: WorkQueue;
  private stopped = false;
  /** Attempts made, for tests. */
  attempts = 0;

  constructor(
    private readonly state: ClusterState,
    private readonly commands: CommandBus,
    @Inject(LEADERSHIP) private readonly leadership: Leadership,
  ) {
    this.queue = new WorkQueue(
      (key) => this.attempt(key),
      (key, e) => {
        if (this.stopped || !this.leadership.isLeader()) return;
        this.log.error(`scheduling ${key} failed: ${(e as Error).message}`);
        this.queue.addAfter(key, 1000);
      },
    );
    // Deposed: drop what is queued (the next leader resyncs); leading again: LeadershipResync refills it.
    leadership.onChange((leader) => {
      if (!leader) this.queue.clear();
    });
  }

  handle(message: Recorded | CaughtUp | LeadershipResync): void {
    if (this.stopped || !this.leadership.isLeader()) return;
    const view = this.state.view;
    if (message instanceof CaughtUp || message instanceof LeadershipResync) {
      this.enqueueAll(view.unboundPods());
      return;
    }
    const { event } = message;
    const ref = parseStreamId(event.streamId);
    if (ref?.kind === 'node') {
      if (NODE_CHANGES.has(event.type)) this.enqueueAll(view.unboundPods(ref.name));
      return;
    }
    if (ref?.kind !== 'pod') return;
    const change = view.lastPodChange?.position === event.position ? view.lastPodChange : undefined;
    switch (event.type) {
      case 'PodCreated': {
        const pod = change?.after ?? view.pod(ref.namespace ?? '', ref.name);
        if (pod && awaitsDefaultScheduler(pod)) this.enqueue(pod);
        return;
      }
      case 'PodDeleted':
      case 'PodStatusReported': {
        // Room appears when a bound pod is gone or turns terminal. The bus calls handlers as the view
        // folds, so `change` is this event's; were it not, a deletion tries every pending pod.
        if (!change) {
          const now = view.pod(ref.namespace ?? '', ref.name);
          if (event.type === 'PodDeleted') this.enqueueAll(view.unboundPods());
          else if (now?.spec.nodeName && terminal(now)) this.enqueueAll(view.unboundPods(now.spec.nodeName));
          return;
        }
        const node = change.before?.spec.nodeName;
        const freed = node && (event.type === 'PodDeleted' ? !terminal(change.before!) : change.after && terminal(change.after) && !terminal(change.before!));
        if (freed) this.enqueueAll(view.unboundPods(node));
        return;
      }
      default:
        return;
    }
  }

  /** Resolves when nothing is queued or being tried (tests, settle). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  get isIdle(): boolean {
    return this.queue.length === 0;
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    this.queue.stop();
  }

  private enqueue(pod: Pod) {
    this.queue.add(`${pod.metadata.namespace}/${pod.metadata.name}`);
  }

  /** Pending pods in upstream's queue order (higher priority first). */
  private enqueueAll(pods: Pod[]) {
    for (const pod of pods.filter(awaitsDefaultScheduler).sort(schedulingOrder)) this.enqueue(pod);
  }

  private async attempt(key: string): Promise<void> {
    if (this.stopped || !this.leadership.isLeader()) return;
    const slash = key.indexOf('/');
    const ns = key.slice(0, slash);
    const view = this.state.view;
    const pod = view.pod(ns, key.slice(slash + 1));
    if (!pod || !awaitsDefaultScheduler(pod)) return;
    this.attempts++;
    const decision = schedulePod(pod, schedulingCluster(view, pod));
    const items = schedulingCommands(pod, decision).map((c) => new PodCommandMsg(c.namespace, c.name, c.command, SCHEDULER));
    const results: ({ error: unknown } | object)[] = await this.commands.execute(new ClusterCommandBatch(items));
    for (const result of results) {
      // The pod or a victim moved on (deleted, bound) since the view was read: its next change tries again.
      if ('error' in result && !isDomainError(result.error, 'NotFound') && !isDomainError(result.error, 'Conflict')) throw result.error;
    }
  }
}
