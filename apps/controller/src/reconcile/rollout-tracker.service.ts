import { Inject, Injectable } from '@nestjs/common';
import type { RolloutEvent } from '@daemonledger/domain/cluster/events';
import { rolloutStream } from '@daemonledger/domain/cluster/streams';
import {
  CONTROLLER_REVISION_HASH_LABEL,
  isPodAvailable,
  scaledValue,
  type SyncResult,
} from '@daemonledger/domain/controller';
import type { DaemonSet } from '@daemonledger/domain/api/types';
import { rollbackToHash } from '@daemonledger/domain/api/rollback';
import { decideDaemonSet, type DaemonSetCommand } from '@daemonledger/domain/cluster/daemon-set.decider';
import type { RolloutCounts } from '@daemonledger/domain/cluster/events';
import { daemonSetStream } from '@daemonledger/domain/cluster/streams';
import { PAUSED_ANNOTATION, readRolloutControls, type RolloutControls } from '@daemonledger/domain/rollout-controls/controls';
import {
  autoRollbackCause,
  canaryStep,
  controlEvents,
  deadlineAt,
  deadlineMessage,
  deadlinePassed,
  heldMessage,
  holding,
  NO_CONTROLS,
  progressingCondition,
  stallAction,
  stuckReason,
} from '@daemonledger/domain/rollout-controls/rollout-decisions';
import { DAEMONSETS_API, LocalApi, MERGE_PATCH } from '../api/local-api';
import type { RolloutView } from '@daemonledger/projections';
import { CommandRunner, type CommandMeta } from '../commands/command-runner.service';
import { CLOCK, type Clock } from '../infrastructure/tokens';
import { ClusterState } from '../projections/cluster-state.service';

/** Who the on-stall control's writes come from (their actor is `user:rollout-controller`). */
const ROLLOUT_CONTROLLER = 'rollout-controller';

/**
 * The audit trail of rollouts: after each sync it compares what the
 * DaemonSet's pods look like with the open rollout of its stream and records
 * Started / Progressed / Stalled / Completed / Superseded, and what the
 * rollout controls did (Paused / Resumed / PartitionChanged / WaveStarted /
 * Held, decided in libs/domain/src/rollout-controls). Every one of these
 * events carries the correlation id of the command that changed the template,
 * as do the pod events of the same rollout.
 */
@Injectable()
export class RolloutTracker {
  constructor(
    private readonly state: ClusterState,
    private readonly runner: CommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly api: LocalApi,
  ) {}

  /**
   * Called after each sync with the planner's result: its status is the
   * DaemonSet as it is once the planned actions are observed, so a rollout
   * completes exactly when `kubectl rollout status` would say so.
   */
  async observe(ns: string, name: string, meta: CommandMeta, result: SyncResult): Promise<number | undefined> {
    const view = this.state.view;
    const ds = view.daemonSet(ns, name);
    const status = result.status;
    const current = result.currentRevision;
    if (!ds || ds.metadata.deletionTimestamp || !status || !current) return;
    const hash = current.hash;
    const progress = {
      desired: status.desiredNumberScheduled,
      updated: status.updatedNumberScheduled ?? 0,
      available: status.numberAvailable ?? 0,
      unavailable: status.numberUnavailable ?? 0,
    };
    const complete =
      status.observedGeneration === ds.metadata.generation && progress.updated === progress.desired && progress.available === progress.desired;
    const changed = { created: result.createPods.map((c) => c.name), deleted: result.deletePods.map((d) => d.name) };
    const all = view.rolloutsOf(ns, name);
    const last = all[all.length - 1];
    const open = last && last.state !== 'completed' && last.state !== 'superseded' && last.state !== 'rolledback' ? last : undefined;

    let rollout = open;
    if (!last || last.started.uid !== ds.metadata.uid || last.started.toHash !== hash) {
      const number = (last?.rollout ?? 0) + 1;
      if (open) {
        await this.append(open, { type: 'RolloutSuperseded', data: { ...progress, byRollout: number, byGeneration: ds.metadata.generation ?? 0 } }, meta);
      }
      const change = view.templateChanges.get(`${ns}/${name}`);
      const strategy = ds.spec.updateStrategy?.type ?? 'RollingUpdate';
      const ru = strategy === 'RollingUpdate' ? ds.spec.updateStrategy?.rollingUpdate : undefined;
      const sameDs = last && last.started.uid === ds.metadata.uid;
      const started: RolloutEvent = {
        type: 'RolloutStarted',
        data: {
          daemonSet: name,
          namespace: ns,
          uid: ds.metadata.uid!,
          rollout: number,
          generation: ds.metadata.generation ?? 1,
          fromRevision: sameDs ? last.started.toRevision : null,
          toRevision: current.revision,
          toHash: hash,
          strategy,
          maxUnavailable: ru ? scaledValue(ru.maxUnavailable ?? 0, progress.desired) : 0,
          maxSurge: ru ? scaledValue(ru.maxSurge ?? 0, progress.desired) : 0,
          nodeCount: progress.desired,
          ...(change?.changeCause ? { changeCause: change.changeCause } : {}),
          ...(change?.actor ? { requestedBy: change.actor } : {}),
        },
      };
      const streamId = rolloutStream(ns, name, number);
      await this.runner.run({ streamId, load: () => undefined, decide: () => [started], command: started, meta });
      rollout = view.rollouts.get(streamId);
    }
    if (!rollout) return;

    // The rollout controls (annotations): each change the rollout obeys is recorded in its stream first.
    const controls = readRolloutControls(ds.metadata.annotations);
    const changes = controlEvents(rollout.controls ?? NO_CONTROLS, controls, progress);
    if (changes.length) {
      await this.runner.run({ streamId: rollout.streamId, load: () => undefined, decide: () => changes, command: changes[0], meta });
      rollout = view.rollouts.get(rollout.streamId) ?? rollout;
    }
    const held = result.heldBack ?? 0;
    const canary = await this.canary(ds, controls, rollout, progress, hash, meta);
    rollout = view.rollouts.get(rollout.streamId) ?? rollout;

    const stuck = view
      .stuckPodsOf(ds.metadata.uid!)
      .filter((p) => p.metadata.namespace === ns && p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash && !p.metadata.deletionTimestamp)
      .map((p) => ({ pod: p.metadata.name!, ...stuckReason(p) }))
      .filter((s): s is { pod: string; reason: string; message: string } => s.reason !== undefined);
    const moved = !rollout.last || (Object.keys(progress) as (keyof typeof progress)[]).some((k) => rollout!.last![k] !== progress[k]);

    if (complete) {
      await this.append(rollout, { type: 'RolloutCompleted', data: progress }, meta);
    } else if (stuck.length && rollout.state !== 'stalled' && rollout.state !== 'paused') {
      await this.append(
        rollout,
        {
          type: 'RolloutStalled',
          data: { ...progress, reason: stuck[0].reason, message: `${stuck.length} new pod(s) cannot start: ${stuck[0].pod} ${stuck[0].reason}: ${stuck[0].message}`, pods: stuck.map((s) => s.pod) },
        },
        meta,
      );
    } else if (!canary.pending && !controls.paused && rollout.state !== 'holding' && holding(progress, held)) {
      await this.append(rollout, { type: 'RolloutHeld', data: { ...progress, held, message: heldMessage(controls, held) } }, meta);
    } else if (moved || changed.created.length || changed.deleted.length) {
      await this.append(rollout, { type: 'RolloutProgressed', data: { ...progress, ...changed } }, meta);
    }
    const deadline = await this.progressDeadline(ds, controls, view.rollouts.get(rollout.streamId) ?? rollout, progress, complete, meta);
    return deadline === undefined ? canary.recheckInMs : canary.recheckInMs === undefined ? deadline : Math.min(deadline, canary.recheckInMs);
  }

  /**
   * The canary control: holds the first pods of the new revision once they
   * are available, passes them after `canary-hold-seconds` if they stayed
   * available without restarts (the planner then lets the rest update),
   * or fails the rollout and lets on-stall act. `pending` while it restricts
   * the rollout; `recheckInMs` when to look again.
   */
  private async canary(ds: DaemonSet, controls: RolloutControls, rollout: RolloutView, progress: RolloutCounts, hash: string, meta: CommandMeta): Promise<{ pending: boolean; recheckInMs?: number }> {
    const c = controls.canary;
    if (!c || rollout.canary?.passed) return { pending: false };
    if (rollout.canary?.failed || controls.paused) return { pending: true };
    const now = this.clock.now().getTime();
    const minReady = ds.spec.minReadySeconds ?? 0;
    const pods = this.state.view
      .podsForController(ds.metadata.namespace!, ds.metadata.uid!)
      .filter((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash && !p.metadata.deletionTimestamp)
      .map((p) => ({
        name: p.metadata.name!,
        available: isPodAvailable(p, minReady, now),
        restarts: (p.status?.containerStatuses ?? []).reduce((n, s) => n + (s.restartCount ?? 0), 0),
      }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const step = canaryStep(c, rollout.canary ?? {}, progress.desired, pods, now);
    switch (step.kind) {
      case 'hold':
        await this.append(rollout, { type: 'RolloutCanaryHeld', data: { ...progress, nodes: c.nodes, holdSeconds: c.holdSeconds, pods: step.pods, restarts: step.restarts } }, meta);
        return { pending: true, recheckInMs: c.holdSeconds * 1000 + 50 };
      case 'pass':
        await this.append(rollout, { type: 'RolloutCanaryPassed', data: progress }, meta);
        return { pending: false, recheckInMs: 0 };
      case 'fail': {
        await this.append(rollout, { type: 'RolloutCanaryFailed', data: { ...progress, message: step.message } }, meta);
        await this.onStall(ds, controls, rollout, progress, `canary failed: ${step.message}`, meta);
        return { pending: true };
      }
      case 'wait':
        return { pending: true, recheckInMs: step.untilMs === undefined ? undefined : Math.max(step.untilMs - now, 0) + 50 };
    }
  }

  /**
   * The progress deadline (annotation progress-deadline-seconds): keeps the
   * DaemonSet's Progressing condition, records RolloutDeadlineExceeded when
   * the rollout has not advanced for that long, and does what on-stall asks.
   * Returns in how many ms to look again (the deadline), if one runs.
   */
  private async progressDeadline(ds: DaemonSet, controls: RolloutControls, rollout: RolloutView, progress: RolloutCounts, complete: boolean, meta: CommandMeta): Promise<number | undefined> {
    const seconds = controls.progressDeadlineSeconds;
    if (seconds === undefined) return undefined;
    const ns = ds.metadata.namespace!;
    const name = ds.metadata.name!;
    const now = this.clock.now();
    const state = { state: rollout.state, progressAtMs: Date.parse(rollout.progressAt), deadlineExceeded: Boolean(rollout.deadlineExceeded) };
    if (!complete && deadlinePassed(state, seconds, now.getTime())) {
      const message = deadlineMessage(name, seconds, progress);
      await this.append(rollout, { type: 'RolloutDeadlineExceeded', data: { ...progress, seconds, message } }, meta);
      await this.setProgressing(ns, name, 'exceeded', message, meta);
      await this.onStall(ds, controls, rollout, progress, message, meta);
      return undefined;
    }
    if (rollout.deadlineExceeded) return undefined;
    await this.setProgressing(ns, name, complete ? 'complete' : 'progressing', complete ? `DaemonSet "${name}" has successfully progressed.` : `DaemonSet "${name}" is progressing.`, meta);
    const at = deadlineAt(state, seconds);
    return at === undefined ? undefined : Math.max(at - now.getTime(), 0) + 50;
  }

  /** Writes the Progressing condition when its status or reason changes (not on every sync). */
  private async setProgressing(ns: string, name: string, kind: 'exceeded' | 'progressing' | 'complete', message: string, meta: CommandMeta) {
    const ds = this.state.view.daemonSet(ns, name);
    if (!ds?.status) return;
    const next = progressingCondition(kind, message, this.clock.now().toISOString().replace(/\.\d+Z$/, 'Z'));
    const conditions = ds.status.conditions ?? [];
    const cur = conditions.find((c) => c.type === 'Progressing');
    if (cur && cur.status === next.status && cur.reason === next.reason) return;
    const status = { ...ds.status, conditions: [...conditions.filter((c) => c.type !== 'Progressing'), next] };
    await this.runner.run({ streamId: daemonSetStream(ns, name), load: () => this.state.view.daemonSet(ns, name), decide: decideDaemonSet, command: { type: 'UpdateDaemonSetStatus', status } as DaemonSetCommand, meta });
  }

  /** on-stall, once a rollout stalls for good (past its deadline, or its canary failed): pause the DaemonSet, or undo it to the last revision that was fully available. */
  private async onStall(ds: DaemonSet, controls: RolloutControls, rollout: RolloutView, progress: RolloutCounts, message: string, meta: CommandMeta) {
    const ns = ds.metadata.namespace!;
    const name = ds.metadata.name!;
    const past = this.state.view.rolloutsOf(ns, name).map((r) => ({ rollout: r.rollout, toHash: r.started.toHash, state: r.state }));
    const action = stallAction(controls.onStall, { rollout: rollout.rollout, toHash: rollout.started.toHash, state: 'stalled', message }, past);
    if (!action) return;
    const write = { user: ROLLOUT_CONTROLLER, userAgent: ROLLOUT_CONTROLLER, query: { fieldManager: ROLLOUT_CONTROLLER } };
    if (action.kind === 'rollback') {
      const request = rollbackToHash(ds, this.state.view.revisionsIn(ns), action.toHash, autoRollbackCause(action.reason));
      if (request) {
        await this.append(rollout, { type: 'RolloutAutoRolledBack', data: { ...progress, toRevision: request.revision, toHash: action.toHash, reason: action.reason } }, meta);
        await this.api.patch(DAEMONSETS_API, ns, name, request.patch, { ...write, contentType: request.contentType });
        return;
      }
    }
    await this.api.patch(DAEMONSETS_API, ns, name, JSON.stringify({ metadata: { annotations: { [PAUSED_ANNOTATION]: 'true' } } }), { ...write, contentType: MERGE_PATCH.contentType });
  }

  private async append(rollout: RolloutView, event: RolloutEvent, meta: CommandMeta) {
    await this.runner.run({ streamId: rollout.streamId, load: () => undefined, decide: () => [event], command: event, meta });
  }
}

