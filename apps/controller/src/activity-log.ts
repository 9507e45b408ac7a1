import { Inject, Injectable, Optional } from '@nestjs/common';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import type { PodStatus } from '@daemonledger/domain/api/types';
import { parseStreamId } from '@daemonledger/domain/cluster/streams';
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
    const line = this.describe(event.type, event.streamId, event.data as Record<string, any>);
    if (line) this.sink(`[${String(event.position).padStart(6)}] ${line}`);
  }

  private describe(type: string, streamId: string, d: Record<string, any>): string | undefined {
    const ref = parseStreamId(streamId);
    const who = ref?.namespace ? `${ref.namespace}/${ref.name}` : ref?.name;
    switch (type) {
      case 'DaemonSetCreated':
        return `daemonset ${who} created (image ${d.daemonSet.spec.template.spec.containers.map((c: any) => c.image).join(', ')})`;
      case 'DaemonSetSpecChanged':
        return `daemonset ${who} spec changed: generation ${d.generation}${d.templateChanged ? `, template generation ${d.templateGeneration}` : ''}${d.changeCause ? ` — ${d.changeCause}` : ''}`;
      case 'DaemonSetDeletionRequested':
        return `daemonset ${who} deletion requested (${d.propagationPolicy})`;
      case 'DaemonSetDeleted':
        return `daemonset ${who} deleted (${d.propagationPolicy})`;
      case 'ControllerRevisionCreated':
        return `revision ${who} created as revision ${d.revision.revision}`;
      case 'ControllerRevisionRenumbered':
        return `revision ${who} renumbered ${d.from} → ${d.to}`;
      case 'ControllerRevisionDeleted':
        return `revision ${who} deleted (${d.reason})`;
      case 'NodeJoined':
        return `node ${who} joined`;
      case 'NodeLeft':
        return `node ${who} left`;
      case 'NodeLabelsChanged':
        return `node ${who} labels: ${Object.entries(d.labels).map(([k, v]) => `${k}=${v}`).join(',')}`;
      case 'NodeTaintsChanged':
      case 'NodeCordoned':
      case 'NodeUncordoned':
        return `node ${who} taints: ${(d.taints as any[]).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(', ') || '<none>'}`;
      case 'PodCreated':
        return `pod ${who} created on ${nodeOf(d.pod)} (${d.pod.metadata.labels?.['controller-revision-hash'] ?? ''})`;
      case 'PodDeletionRequested':
        return `pod ${who} terminating (${d.reason})`;
      case 'PodDeleted':
        this.lastWaiting.delete(streamId);
        return `pod ${who} deleted`;
      case 'PodStatusReported': {
        const s = d.status as PodStatus;
        const waiting = s.containerStatuses?.find((c) => c.state?.waiting)?.state?.waiting?.reason;
        const ready = s.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
        const key = waiting ?? (ready ? 'Ready' : s.phase ?? '');
        if (this.lastWaiting.get(streamId) === key) return undefined;
        this.lastWaiting.set(streamId, key);
        return waiting && waiting !== 'ContainerCreating' ? `pod ${who} ${waiting}` : ready ? `pod ${who} ready` : undefined;
      }
      case 'RolloutStarted':
        return `rollout #${d.rollout} of ${d.namespace}/${d.daemonSet} started: revision ${d.fromRevision ?? '-'} → ${d.toRevision} on ${d.nodeCount} nodes (maxUnavailable ${d.maxUnavailable}, maxSurge ${d.maxSurge})`;
      case 'RolloutProgressed':
        return `rollout ${who}: ${d.updated}/${d.desired} updated, ${d.available} available`;
      case 'RolloutStalled':
        return `rollout ${who} STALLED: ${d.message}`;
      case 'RolloutCompleted':
        return `rollout ${who} completed: ${d.updated}/${d.desired} updated and available`;
      case 'RolloutSuperseded':
        return `rollout ${who} superseded by rollout #${d.byRollout}`;
      default:
        return undefined;
    }
  }
}

const nodeOf = (pod: any): string =>
  pod.spec.nodeName ??
  pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0] ??
  '?';
