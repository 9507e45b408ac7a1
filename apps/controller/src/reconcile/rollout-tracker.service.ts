import { Inject, Injectable } from '@nestjs/common';
import type { Pod } from '@daemonledger/domain/api/types';
import type { RolloutEvent } from '@daemonledger/domain/cluster/events';
import { rolloutStream } from '@daemonledger/domain/cluster/streams';
import {
  CONTROLLER_REVISION_HASH_LABEL,
  controllerOf,
  scaledValue,
  type SyncResult,
} from '@daemonledger/domain/controller';
import { readRolloutControls } from '@daemonledger/domain/rollout-controls/controls';
import { controlEvents, heldMessage, holding, NO_CONTROLS } from '@daemonledger/domain/rollout-controls/rollout-decisions';
import type { RolloutView } from '@daemonledger/projections';
import { CommandRunner, type CommandMeta } from '../commands/command-runner.service';
import { CLOCK, type Clock } from '../infrastructure/tokens';
import { ClusterState } from '../projections/cluster-state.service';

/** Waiting reasons that mean "this pod will not become ready by itself". */
const STUCK = new Set(['ErrImagePull', 'ImagePullBackOff', 'CrashLoopBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError']);

const stuckReason = (pod: Pod): { reason: string; message: string } | undefined => {
  for (const c of pod.status?.containerStatuses ?? []) {
    const w = c.state?.waiting;
    if (w?.reason && STUCK.has(w.reason)) return { reason: w.reason, message: w.message ?? w.reason };
  }
  return undefined;
};

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
  ) {}

  /**
   * Called after each sync with the planner's result: its status is the
   * DaemonSet as it is once the planned actions are observed, so a rollout
   * completes exactly when `kubectl rollout status` would say so.
   */
  async observe(ns: string, name: string, meta: CommandMeta, result: SyncResult): Promise<void> {
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
    const open = last && last.state !== 'completed' && last.state !== 'superseded' ? last : undefined;

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

    const stuck = view
      .podsForController(ns, ds.metadata.uid!)
      .filter((p) => controllerOf(p)?.uid === ds.metadata.uid && p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash && !p.metadata.deletionTimestamp)
      .map((p) => ({ pod: p.metadata.name!, ...stuckReason(p) }))
      .filter((s): s is { pod: string; reason: string; message: string } => s.reason !== undefined);
    const moved = !rollout.last || (Object.keys(progress) as (keyof typeof progress)[]).some((k) => rollout!.last![k] !== progress[k]);

    if (complete) {
      await this.append(rollout, { type: 'RolloutCompleted', data: progress }, meta);
    } else if (stuck.length && rollout.state !== 'stalled') {
      await this.append(
        rollout,
        {
          type: 'RolloutStalled',
          data: { ...progress, reason: stuck[0].reason, message: `${stuck.length} new pod(s) cannot start: ${stuck[0].pod} ${stuck[0].reason}: ${stuck[0].message}`, pods: stuck.map((s) => s.pod) },
        },
        meta,
      );
    } else if (!controls.paused && rollout.state !== 'holding' && holding(progress, held)) {
      await this.append(rollout, { type: 'RolloutHeld', data: { ...progress, held, message: heldMessage(controls, held) } }, meta);
    } else if (moved || changed.created.length || changed.deleted.length) {
      await this.append(rollout, { type: 'RolloutProgressed', data: { ...progress, ...changed } }, meta);
    }
  }

  private async append(rollout: RolloutView, event: RolloutEvent, meta: CommandMeta) {
    await this.runner.run({ streamId: rollout.streamId, load: () => undefined, decide: () => [event], command: event, meta });
  }
}

