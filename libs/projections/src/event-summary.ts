import type { ClusterEvent } from '@daemonledger/domain/cluster/events';
import type { DaemonSetAt } from '@daemonledger/domain/cluster/daemon-pod';
import { reportedPodState } from '@daemonledger/domain/cluster/kubelet-status';
import { parseStreamId } from '@daemonledger/domain/cluster/streams';
import { CONTROLLER_REVISION_HASH_LABEL, podTargetNode } from '@daemonledger/domain/controller';

/** Where a summary finds what compact events refer to (the ClusterView: `view.daemonSetAt`). */
export interface SummarySources {
  daemonSetAt: DaemonSetAt;
}

/**
 * One line saying what a stored event did, typed against the event union:
 * the DETAIL of an audit (`npm run audit`, the rollouts `/audit`
 * subresource, `kubectl ledger audit`). Unknown types say nothing rather than
 * guess.
 */
export const eventSummary = (e: { type: string; data: unknown; streamId?: string }, sources?: SummarySources): string => {
  const ev = e as ClusterEvent;
  switch (ev.type) {
    case 'PodCreated': {
      if (ev.data.daemonPod) {
        // A daemon pod is recorded as what it was built from: its images are the DaemonSet version's.
        const ref = ev.data.daemonPod;
        const ns = e.streamId ? parseStreamId(e.streamId)?.namespace : undefined;
        const ds = ns !== undefined ? sources?.daemonSetAt(ns, ref.daemonSet, ref.version) : undefined;
        const images = ds ? ` image ${ds.spec.template.spec.containers.map((c) => c.image).join(',')}` : '';
        return `on ${ref.node}${images} hash ${ref.hash || '-'}`;
      }
      const pod = ev.data.pod;
      return `on ${podTargetNode(pod) ?? '?'} image ${pod.spec.containers.map((c) => c.image).join(',')} hash ${pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '-'}`;
    }
    case 'PodBound':
      return `to ${ev.data.nodeName}`;
    case 'PodDeletionRequested': {
      const by = ev.data.preemptedBy;
      return `reason ${ev.data.reason}, grace ${ev.data.gracePeriodSeconds}s${by ? `, for pod ${by.namespace}/${by.name} on ${by.nodeName}` : ''}`;
    }
    case 'PodUnschedulable':
      return ev.data.message;
    case 'PodNominated':
      return `nominated ${ev.data.nodeName}`;
    case 'PodDeleted':
      return `reason ${ev.data.reason}`;
    case 'PodStatusReported': {
      const { phase, waiting, ready } = reportedPodState(ev.data);
      const message = ev.data.kubelet ? ev.data.kubelet.message : ev.data.status.containerStatuses?.find((c) => c.state?.waiting)?.state?.waiting?.message;
      return `${phase}${waiting ? ` ${waiting}` : ''}${ready ? ' Ready' : ''}${message ? `: ${message}` : ''}`;
    }
    case 'PodOwnerChanged':
      return ev.data.ownerReference ? `adopted by ${ev.data.ownerReference.kind.toLowerCase()}/${ev.data.ownerReference.name}` : 'released';
    case 'PodLabelsChanged':
    case 'ControllerRevisionLabelsChanged':
    case 'NodeLabelsChanged':
      return Object.entries(ev.data.labels).map(([k, v]) => `${k}=${v}`).join(',');
    case 'RolloutStarted': {
      const d = ev.data;
      return `revision ${d.fromRevision ?? '-'} → ${d.toRevision} (${d.toHash}), ${d.strategy} maxUnavailable ${d.maxUnavailable} maxSurge ${d.maxSurge}, ${d.nodeCount} nodes${d.requestedBy ? `, by ${d.requestedBy}` : ''}${d.changeCause ? `, cause: ${d.changeCause}` : ''}`;
    }
    case 'RolloutProgressed':
      return `updated ${ev.data.updated}/${ev.data.desired}, available ${ev.data.available}${ev.data.created.length ? `, created ${ev.data.created.length}` : ''}${ev.data.deleted.length ? `, deleted ${ev.data.deleted.length}` : ''}`;
    case 'RolloutCompleted':
      return `updated ${ev.data.updated}/${ev.data.desired}, available ${ev.data.available}`;
    case 'RolloutSuperseded':
      return `updated ${ev.data.updated}/${ev.data.desired}, available ${ev.data.available}, superseded by rollout ${ev.data.byRollout}`;
    case 'RolloutStalled':
      return ev.data.message;
    case 'RolloutPaused':
      return `paused at updated ${ev.data.updated}/${ev.data.desired}`;
    case 'RolloutResumed':
      return `resumed at updated ${ev.data.updated}/${ev.data.desired}`;
    case 'RolloutPartitionChanged':
      return `partition ${ev.data.from} → ${ev.data.to} (the ${ev.data.to} highest-named node(s) keep the old revision), updated ${ev.data.updated}/${ev.data.desired}`;
    case 'RolloutWaveStarted':
      return ev.data.selector ? `wave: nodes matching ${ev.data.selector}, updated ${ev.data.updated}/${ev.data.desired}` : `wave: every node, updated ${ev.data.updated}/${ev.data.desired}`;
    case 'RolloutHeld':
      return ev.data.message;
    case 'RolloutDeadlineExceeded':
      return ev.data.message;
    case 'RolloutCanaryHeld':
      return `canary: ${ev.data.pods.join(', ')} watched for ${ev.data.holdSeconds}s`;
    case 'RolloutCanaryPassed':
      return `canary passed, updated ${ev.data.updated}/${ev.data.desired}`;
    case 'RolloutCanaryFailed':
      return `canary failed: ${ev.data.message}`;
    case 'RolloutAutoRolledBack':
      return `rolled back to revision ${ev.data.toRevision} (${ev.data.toHash}): ${ev.data.reason}`;
    case 'DaemonSetCreated':
      return `generation ${ev.data.daemonSet.metadata.generation ?? 1}`;
    case 'DaemonSetSpecChanged':
      return `generation ${ev.data.generation}${ev.data.templateChanged ? `, template generation ${ev.data.templateGeneration}` : ''}${ev.data.changeCause ? `, cause: ${ev.data.changeCause}` : ''}`;
    case 'DaemonSetStatusChanged': {
      if (ev.data.changed) {
        // Recorded as the fields that changed: say those.
        const c = ev.data.changed;
        const parts = [['desired', c.desiredNumberScheduled], ['updated', c.updatedNumberScheduled], ['available', c.numberAvailable], ['unavailable', c.numberUnavailable]] as const;
        return parts.filter(([, v]) => v !== undefined).map(([k, v]) => `${k} ${v}`).join(', ');
      }
      const s = ev.data.status;
      return `desired ${s.desiredNumberScheduled}, updated ${s.updatedNumberScheduled ?? 0}, available ${s.numberAvailable ?? 0}, unavailable ${s.numberUnavailable ?? 0}`;
    }
    case 'DaemonSetDeletionRequested':
    case 'DaemonSetDeleted':
      return `propagation ${ev.data.propagationPolicy}`;
    case 'ControllerRevisionCreated':
      return `revision ${ev.data.revision.revision}`;
    case 'ControllerRevisionRenumbered':
      return `${ev.data.from} → ${ev.data.to}`;
    case 'ControllerRevisionOwnerChanged':
      return ev.data.ownerReference ? `adopted by ${ev.data.ownerReference.kind.toLowerCase()}/${ev.data.ownerReference.name}` : 'released';
    case 'ControllerRevisionDeleted':
      return `reason ${ev.data.reason}`;
    case 'NodeTaintsChanged':
    case 'NodeCordoned':
    case 'NodeUncordoned':
      return ev.data.taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(',') || 'no taints';
    default:
      return '';
  }
};
