import { isDeepStrictEqual } from 'node:util';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ACTORS } from '@daemonledger/domain/cluster/actors';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { DaemonSet, Pod } from '@daemonledger/domain/api/types';
import {
  daemonSetControllerRef,
  type FailedPodBackoff,
  IncrementalPlanner,
  newDaemonPod,
  syncDaemonSet,
  type SyncResult,
} from '@daemonledger/domain/controller';
import { withResolvedPriority } from '@daemonledger/domain/cluster/daemon-pod';
import { namesDefaultScheduler } from '@daemonledger/domain/cluster/scheduling-attempt';
import { priorityClassLookup, resolvePodPriority } from '@daemonledger/domain/kinds/priority-class';
import { isDomainError } from '@daemonledger/domain/errors';
import { filterNode, type NodeState } from '@daemonledger/domain/scheduling';
import {
  ClusterCommandBatch,
  type ClusterCommandMsg,
  DaemonSetCommandMsg,
  PodCommandMsg,
  ReconcileDaemonSet,
  RevisionCommandMsg,
} from '../commands/cluster.commands';
import type { CommandMeta } from '../commands/command-runner.service';
import { APP_CONFIG, CLOCK, type Clock, LEADERSHIP, type Leadership } from '../infrastructure/tokens';
import type { AppConfig } from '../config/config';
import { ControllerMetrics } from '../metrics/controller-metrics';
import { ClusterState } from '../projections/cluster-state.service';
import type { RolloutView } from '@daemonledger/projections';
import { schedulingCluster } from '../scheduling/scheduling-cluster';
import { RolloutTracker } from './rollout-tracker.service';
import { WorkQueue } from './work-queue';

const CONTROLLER = ACTORS.daemonSetController;

/**
 * The fast path: a daemon pod that names the default scheduler and fits on
 * its node as it is is bound in the append that creates it (what the
 * scheduler would do at once). Any other is created unbound, Pending, pinned
 * to its node by node affinity, and left to the SchedulerService (which may
 * preempt for it) or to the scheduler it names (issue 11 §3).
 */
const bindsAtOnce = (pod: Pod, state: NodeState | undefined): boolean =>
  state !== undefined && namesDefaultScheduler(pod) && filterNode(pod, state).length === 0;


/** PLANNER_CHECK: the incremental plan must be the full one (else the difference, as an error). */
const checkPlan = (incremental: SyncResult, full: SyncResult): Error | undefined => {
  if (isDeepStrictEqual(incremental, full)) return undefined;
  const a = JSON.stringify(incremental);
  const b = JSON.stringify(full);
  return new Error(`PLANNER_CHECK: the incremental plan differs from the full plan\nincremental: ${a}\nfull:        ${b}`);
};

/** The revision whose canary passed in the DaemonSet's latest rollout (the planner then lifts the canary's hold). */
const canaryPassedFor = (rollouts: readonly RolloutView[]): string | undefined => {
  const last = rollouts[rollouts.length - 1];
  return last?.canary?.passed ? last.started.toHash : undefined;
};

/**
 * The executor side of reconcile: one DaemonSet at a time, it reads the
 * projection, asks the planner what to do, and turns the plan into commands.
 * It never decides anything itself, so a duplicated or replayed trigger
 * yields the same plan or an empty one. The planner is incremental (README
 * "Planning at scale"): per DaemonSet it keeps what it concluded about each
 * node, and the projection tells it which nodes changed since it last asked.
 */
@Injectable()
@CommandHandler(ReconcileDaemonSet)
export class Reconciler implements ICommandHandler<ReconcileDaemonSet> {
  private readonly log = new Logger('Reconciler');
  private readonly queue: WorkQueue;
  private backoff: FailedPodBackoff = {};
  private started = false;
  /** Number of syncs run, for metrics and tests. */
  syncs = 0;

  constructor(
    private readonly state: ClusterState,
    private readonly commands: CommandBus,
    private readonly rollouts: RolloutTracker,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: ControllerMetrics,
    @Inject(LEADERSHIP) private readonly leadership: Leadership,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.queue = new WorkQueue(
      async (key) => {
        const started = performance.now();
        let failed = true;
        try {
          await this.sync(key);
          failed = false;
        } finally {
          this.metrics.observeReconcile((performance.now() - started) / 1000, failed);
        }
      },
      (key, e) => {
        if (!this.started || !this.leadership.isLeader()) return; // stopping (the store may be closed), or deposed
        this.log.error(`sync of ${key} failed: ${(e as Error).message}`);
        this.queue.addAfter(key, 1000);
      },
    );
    // Deposed: what is queued is dropped (a new leader resyncs everything); leading again: LeadershipResync refills it.
    leadership.onChange((leader) => {
      if (!leader) this.queue.clear();
    });
  }

  async execute({ namespace, name }: ReconcileDaemonSet): Promise<void> {
    this.enqueue(`${namespace}/${name}`);
  }

  /** Only while started and leading: a follower reconciles nothing. */
  enqueue(key: string) {
    if (this.started && this.leadership.isLeader()) this.queue.add(key);
  }

  start() {
    this.started = true;
  }

  stop() {
    this.started = false;
    this.queue.stop();
  }

  idle() {
    return this.queue.idle();
  }

  get isIdle() {
    return this.queue.length === 0;
  }

  /** PLANNER_CHECK: the first sync whose incremental plan differed from the full one (the test harnesses fail on it). */
  plannerMismatch?: Error;

  /** Per DaemonSet (`ns/name`): its incremental planner, for the uid it plans. */
  private readonly planners = new Map<string, { uid: string; planner: IncrementalPlanner }>();

  private forget(key: string) {
    const kept = this.planners.get(key);
    if (!kept) return;
    this.planners.delete(key);
    this.state.view.forgetPlanChanges(kept.uid);
  }

  private async sync(key: string): Promise<void> {
    const slash = key.indexOf('/');
    const ns = key.slice(0, slash);
    const name = key.slice(slash + 1);
    const view = this.state.view;
    const ds = view.daemonSet(ns, name);
    if (!ds) {
      this.forget(key);
      return;
    }
    this.syncs++;
    const now = this.clock.now().getTime();
    const uid = ds.metadata.uid!;
    const kept = this.planners.get(key);
    if (kept && kept.uid !== uid) this.forget(key);
    const planner = this.planners.get(key)?.planner ?? new IncrementalPlanner();
    this.planners.set(key, { uid, planner });
    const input = {
      ds,
      revisions: view.revisionsIn(ns),
      now,
      failedPodBackoff: this.backoff,
      nameSeed: String(view.position),
      canaryPassedFor: canaryPassedFor(view.rolloutsOf(ns, name)),
    };
    let result: SyncResult;
    try {
      result = planner.sync({
        ...input,
        nodes: () => view.nodeList(),
        node: (nodeName) => view.nodes.get(nodeName),
        pods: () => view.podsForController(ns, uid),
        podsFor: (target) => view.podsForPlan(ns, uid, target),
        changed: view.takePlanChanges(ns, uid),
        podNameTaken: (podName) => view.pod(ns, podName) !== undefined,
      });
      if (this.config.plannerCheck) {
        this.plannerMismatch ??= checkPlan(result, syncDaemonSet({ ...input, nodes: view.nodeList(), pods: view.podsForController(ns, uid) }));
        if (this.plannerMismatch) throw this.plannerMismatch;
      }
    } catch (e) {
      // A planner that failed half-way is not trusted again: the next sync starts from every node.
      this.forget(key);
      throw e;
    }
    this.backoff = result.nextBackoff;
    if (result.outcome === 'skipped') return;

    const change = view.templateChanges.get(key);
    const meta: CommandMeta = { actor: CONTROLLER, correlationId: change?.correlationId, causationId: change?.eventId, fenced: true };
    await this.execute_(ns, ds, result, meta, now);
    // A rollout with a progress deadline is looked at again when the deadline falls, even if nothing else happens.
    const deadlineInMs = await this.rollouts.observe(ns, name, meta, result);
    if (deadlineInMs !== undefined) this.queue.addAfter(key, deadlineInMs);
    if (result.outcome === 'failed') {
      this.log.warn(`sync of ${key}: ${result.error}`);
      this.queue.addAfter(key, 100);
    }
    if (result.requeueAfterMs !== undefined) this.queue.addAfter(key, result.requeueAfterMs);
  }

  private async execute_(ns: string, ds: DaemonSet, r: SyncResult, meta: CommandMeta, now: number) {
    const run = (p: Promise<unknown>) => p.catch((e) => {
      // The object moved on (deleted, recreated) since the plan was made: the next sync sees it.
      if (!isDomainError(e, 'NotFound') && !isDomainError(e, 'AlreadyExists')) throw e;
    });
    const ref = daemonSetControllerRef(ds);
    for (const a of r.revisionActions) {
      const cmd =
        a.type === 'create'
          ? new RevisionCommandMsg(ns, a.revision.metadata.name!, { type: 'CreateRevision', revision: a.revision }, meta)
          : a.type === 'renumber'
            ? new RevisionCommandMsg(ns, a.name, { type: 'RenumberRevision', to: a.to }, meta)
            : a.type === 'adopt'
              ? new RevisionCommandMsg(ns, a.name, { type: 'SetRevisionOwner', ownerReference: ref }, meta)
              : a.type === 'release'
                ? new RevisionCommandMsg(ns, a.name, { type: 'SetRevisionOwner', ownerReference: null }, meta)
                : a.type === 'set-hash-label'
                  ? new RevisionCommandMsg(ns, a.name, { type: 'SetRevisionLabels', labels: { ...this.state.view.revision(ns, a.name)?.metadata.labels, 'controller-revision-hash': a.hash } }, meta)
                  : new RevisionCommandMsg(ns, a.name, { type: 'DeleteRevision', reason: a.reason === 'duplicate' ? 'duplicate' : 'pruned' }, meta);
      await run(this.commands.execute(cmd));
    }
    const batch = async (items: ClusterCommandMsg[]) => {
      if (!items.length) return;
      const results: ({ error: unknown } | object)[] = await this.commands.execute(new ClusterCommandBatch(items));
      for (const result of results) {
        if ('error' in result && !isDomainError(result.error, 'NotFound') && !isDomainError(result.error, 'AlreadyExists')) throw result.error;
      }
      // Let I/O in between plan steps: API requests and watch writes wait less behind a large rollout step.
      await new Promise((resolve) => setImmediate(resolve));
    };
    const view = this.state.view;
    await batch([
      ...r.adoptPods.map((name) => new PodCommandMsg(ns, name, { type: 'SetPodOwner', ownerReference: ref }, meta)),
      ...r.releasePods.map((name) => new PodCommandMsg(ns, name, { type: 'SetPodOwner', ownerReference: null }, meta)),
      ...r.relabelPods.flatMap(({ name, hash }) => {
        const pod = view.pod(ns, name);
        return pod ? [new PodCommandMsg(ns, name, { type: 'SetPodLabels', labels: { ...pod.metadata.labels, 'controller-revision-hash': hash } }, meta)] : [];
      }),
    ]);
    // Creates: uid '' = let the pod decider assign one.
    const priorities = priorityClassLookup(view);
    await batch(
      r.createPods.flatMap((c) => {
        const built: Pod = newDaemonPod(ds, c.nodeName, { name: c.name, uid: '', hash: c.hash, now });
        // Daemon pods do not pass the API's admission: the Priority plugin's rule is applied here, the same way.
        const resolved = resolvePodPriority(built.spec, priorities);
        if (!resolved.ok) {
          // TODO(issue 11 §2): upstream's FailedCreate event on the DaemonSet ("Error creating: pods … is forbidden: …").
          this.log.warn(`daemon pod ${ns}/${c.name} not created: ${resolved.reason}`);
          return [];
        }
        const { priority = 0, preemptionPolicy = 'PreemptLowerPriority', priorityClassName } = resolved.spec;
        const resolvedPriority = { value: priority, preemptionPolicy, ...(priorityClassName ? { className: priorityClassName } : {}) };
        const pod: Pod = { ...built, spec: withResolvedPriority(built.spec, resolvedPriority) };
        // builtFrom: the log records the pod as the DaemonSet version, node, hash and priority it was built from.
        const builtFrom = { daemonSet: ds, nodeName: c.nodeName, hash: c.hash, priority: resolvedPriority };
        return [new PodCommandMsg(ns, c.name, { type: 'CreatePod', pod, ...(bindsAtOnce(pod, schedulingCluster(view, pod).nodeState(c.nodeName)) ? { bindTo: c.nodeName } : {}), builtFrom }, meta)];
      }),
    );
    const deleting = r.deletePods.map((d) => ({ d, pod: view.pod(ns, d.name) })).filter(({ pod }) => pod && !pod.metadata.deletionTimestamp);
    await batch(deleting.map(({ d, pod }) => new PodCommandMsg(ns, d.name, { type: 'RequestPodDeletion', reason: d.reason, expectedUid: pod!.metadata.uid }, meta)));
    // The API server removes a terminal pod at once; there is nothing left for its kubelet to stop.
    await batch(
      deleting
        .filter(({ pod }) => (pod!.status?.phase === 'Failed' || pod!.status?.phase === 'Succeeded') && !(pod!.metadata.finalizers ?? []).length)
        .map(({ d, pod }) => new PodCommandMsg(ns, d.name, { type: 'ConfirmPodDeleted', reason: d.reason, expectedUid: pod!.metadata.uid }, meta)),
    );
    if (r.status && r.statusChanged) {
      await run(this.commands.execute(new DaemonSetCommandMsg(ns, ds.metadata.name!, { type: 'UpdateDaemonSetStatus', status: r.status }, meta)));
    }
  }
}
