import { Inject, Injectable, Optional } from '@nestjs/common';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import type { ClusterEvent } from '@daemonledger/domain/cluster/events';
import { reportedPodState } from '@daemonledger/domain/cluster/kubelet-status';
import { parseStreamId } from '@daemonledger/domain/cluster/streams';
import { podCreatedNode } from '@daemonledger/domain/cluster/daemon-pod';
import { Recorded } from './projections/recorded';

export const ACTIVITY_SINK = Symbol('ACTIVITY_SINK');

/**
 * The concise live account `npm start` prints: one line per thing a platform
 * engineer cares about (DaemonSets, rollouts, nodes, pods coming and going,
 * pods failing), never one per heartbeat.
 */
@Injectable()
@EventsHandler(Recorded)
export class ActivityLog implements IEventHandler<Recorded> {
  private readonly lastWaiting = new Map<string, string>();

  constructor(@Optional() @Inject(ACTIVITY_SINK) private readonly sink: ((line: string) => void) | null) {}

  handle({ event }: Recorded): void {
    if (!this.sink) return;
    const line = this.describe({ type: event.type, data: event.data } as ClusterEvent, event.streamId);
    if (line) this.sink(`[${String(event.position).padStart(6)}] ${line}`);
  }

  private describe(e: ClusterEvent, streamId: string): string | undefined {
    const ref = parseStreamId(streamId);
    const who = ref?.namespace ? `${ref.namespace}/${ref.name}` : ref?.name;
    switch (e.type) {
      case 'DaemonSetCreated':
        return `daemonset ${who} created (image ${e.data.daemonSet.spec.template.spec.containers.map((c) => c.image).join(', ')})`;
      case 'DaemonSetSpecChanged': {
        const d = e.data;
        return `daemonset ${who} spec changed: generation ${d.generation}${d.templateChanged ? `, template generation ${d.templateGeneration}` : ''}${d.changeCause ? ` — ${d.changeCause}` : ''}`;
      }
      case 'DaemonSetDeletionRequested':
        return `daemonset ${who} deletion requested (${e.data.propagationPolicy})`;
      case 'DaemonSetDeleted':
        return `daemonset ${who} deleted (${e.data.propagationPolicy})`;
      case 'ControllerRevisionCreated':
        return `revision ${who} created as revision ${e.data.revision.revision}`;
      case 'ControllerRevisionRenumbered':
        return `revision ${who} renumbered ${e.data.from} → ${e.data.to}`;
      case 'ControllerRevisionDeleted':
        return `revision ${who} deleted (${e.data.reason})`;
      case 'NodeJoined':
        return `node ${who} joined`;
      case 'NodeLeft':
        return `node ${who} left`;
      case 'NodeLabelsChanged':
        return `node ${who} labels: ${Object.entries(e.data.labels).map(([k, v]) => `${k}=${v}`).join(',')}`;
      case 'NodeTaintsChanged':
      case 'NodeCordoned':
      case 'NodeUncordoned':
        return `node ${who} taints: ${e.data.taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(', ') || '<none>'}`;
      case 'PodCreated': {
        // A daemon pod is recorded as the node and revision hash it was built for; any other pod whole.
        const d = e.data;
        const node = podCreatedNode(d) ?? '?';
        const hash = d.daemonPod ? d.daemonPod.hash : (d.pod.metadata.labels?.['controller-revision-hash'] ?? '');
        return `pod ${who} created on ${node} (${hash})`;
      }
      case 'PodDeletionRequested': {
        const by = e.data.preemptedBy;
        return `pod ${who} terminating (${e.data.reason}${by ? ` by ${by.namespace}/${by.name}` : ''})`;
      }
      case 'PodUnschedulable':
        return `pod ${who} unschedulable: ${e.data.message}`;
      case 'PodDeleted':
        this.lastWaiting.delete(streamId);
        return `pod ${who} deleted`;
      case 'PodStatusReported': {
        const { waiting, ready, phase } = reportedPodState(e.data);
        const key = waiting ?? (ready ? 'Ready' : phase);
        if (this.lastWaiting.get(streamId) === key) return undefined;
        this.lastWaiting.set(streamId, key);
        return waiting && waiting !== 'ContainerCreating' ? `pod ${who} ${waiting}` : ready ? `pod ${who} ready` : undefined;
      }
      case 'RolloutStarted': {
        const d = e.data;
        return `rollout #${d.rollout} of ${d.namespace}/${d.daemonSet} started: revision ${d.fromRevision ?? '-'} → ${d.toRevision} on ${d.nodeCount} nodes (maxUnavailable ${d.maxUnavailable}, maxSurge ${d.maxSurge})`;
      }
      case 'RolloutProgressed':
        return `rollout ${who}: ${e.data.updated}/${e.data.desired} updated, ${e.data.available} available`;
      case 'RolloutStalled':
        return `rollout ${who} STALLED: ${e.data.message}`;
      case 'RolloutCompleted':
        return `rollout ${who} completed: ${e.data.updated}/${e.data.desired} updated and available`;
      case 'RolloutSuperseded':
        return `rollout ${who} superseded by rollout #${e.data.byRollout}`;
      case 'RolloutPaused':
        return `rollout ${who} PAUSED at ${e.data.updated}/${e.data.desired} updated`;
      case 'RolloutResumed':
        return `rollout ${who} resumed at ${e.data.updated}/${e.data.desired} updated`;
      case 'RolloutPartitionChanged':
        return `rollout ${who}: partition ${e.data.from} → ${e.data.to}`;
      case 'RolloutWaveStarted':
        return `rollout ${who}: wave ${e.data.selector || 'of every node'}`;
      case 'RolloutHeld':
        return `rollout ${who} holding: ${e.data.message}`;
      case 'RolloutCanaryHeld':
        return `rollout ${who}: canary ${e.data.pods.join(', ')} watched for ${e.data.holdSeconds}s`;
      case 'RolloutCanaryPassed':
        return `rollout ${who}: canary passed`;
      case 'RolloutCanaryFailed':
        return `rollout ${who} CANARY FAILED: ${e.data.message}`;
      case 'RolloutDeadlineExceeded':
        return `rollout ${who} PAST ITS DEADLINE: ${e.data.message}`;
      case 'RolloutAutoRolledBack':
        return `rollout ${who} ROLLED BACK to revision ${e.data.toRevision}: ${e.data.reason}`;
      case 'ObjectCreated':
        return `${ref?.kind} ${who} created`;
      case 'ObjectDeletionRequested':
        return `${ref?.kind} ${who} terminating`;
      case 'ObjectDeleted':
        return `${ref?.kind} ${who} deleted${ref?.kind === 'secret' ? ' (its data key destroyed)' : ''}`;
      default:
        return undefined;
    }
  }
}
