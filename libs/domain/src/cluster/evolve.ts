import type { ControllerRevision, DaemonSet, DaemonSetStatus, ManagedFieldsEntry, Node, Pod, PodCondition, PodStatus } from '../api/types';
import { DomainError } from '../errors';
import { rebuildDaemonPod, type DaemonSetAt } from './daemon-pod';
import type { ControllerRevisionEvent, DaemonSetEvent, NodeEvent, PodEvent } from './events';
import { kubeletPodStatus } from './kubelet-status';
import { nodeImagesOf } from './kubelet-images';
import { rebuildSimulatedNode } from './simulated-node';
import { withChanges } from './status-changes';

/**
 * Folds: the state of one object after one more event of its stream. They
 * never mutate their input (views share unchanged objects between positions)
 * and `undefined` means "no such object" (absent or deleted).
 *
 * `resourceVersion` is the global position of the last event that changed the
 * object, so it is passed in with the event.
 */
const withMeta = <T extends { metadata: object }>(obj: T, rv: string, patch: Partial<T['metadata']> = {}): T => ({
  ...obj,
  metadata: { ...obj.metadata, ...patch, resourceVersion: rv },
});

export const evolveDaemonSet = (ds: DaemonSet | undefined, event: DaemonSetEvent, rv: string): DaemonSet | undefined => {
  switch (event.type) {
    case 'DaemonSetCreated':
      return withMeta(event.data.daemonSet, rv);
    case 'DaemonSetSpecChanged': {
      if (!ds) return ds;
      const annotations = { ...(event.data.annotations ?? ds.metadata.annotations ?? {}) };
      annotations['deprecated.daemonset.template.generation'] = String(event.data.templateGeneration);
      return withMeta({ ...ds, spec: event.data.spec }, rv, {
        generation: event.data.generation,
        labels: event.data.labels ?? ds.metadata.labels,
        annotations,
        managedFields: managedAfter(ds, event.data.managedFields),
      });
    }
    case 'DaemonSetMetadataChanged':
      if (!ds) return ds;
      return withMeta(ds, rv, {
        labels: event.data.labels ?? ds.metadata.labels,
        annotations: event.data.annotations ?? ds.metadata.annotations,
        managedFields: managedAfter(ds, event.data.managedFields),
      });
    case 'DaemonSetStatusChanged':
      return ds && withMeta({ ...ds, status: event.data.changed ? withChanges(ds.status ?? ({} as DaemonSetStatus), event.data.changed) : event.data.status }, rv);
    case 'DaemonSetDeletionRequested':
      return (
        ds &&
        withMeta(ds, rv, {
          deletionTimestamp: event.data.deletionTimestamp,
          deletionGracePeriodSeconds: 0,
          finalizers: event.data.finalizers,
        })
      );
    case 'DaemonSetDeleted':
      return undefined;
  }
};

export const evolveRevision = (
  rev: ControllerRevision | undefined,
  event: ControllerRevisionEvent,
  rv: string,
): ControllerRevision | undefined => {
  switch (event.type) {
    case 'ControllerRevisionCreated':
      return withMeta(event.data.revision, rv);
    case 'ControllerRevisionRenumbered':
      return rev && withMeta({ ...rev, revision: event.data.to }, rv);
    case 'ControllerRevisionOwnerChanged':
      return rev && withMeta(rev, rv, { ownerReferences: event.data.ownerReference ? [event.data.ownerReference] : undefined });
    case 'ControllerRevisionLabelsChanged':
      return rev && withMeta(rev, rv, { labels: event.data.labels });
    case 'ControllerRevisionAnnotationsChanged':
      return rev && withMeta(rev, rv, { annotations: Object.keys(event.data.annotations).length ? event.data.annotations : undefined });
    case 'ControllerRevisionDeleted':
      return undefined;
  }
};

/** managedFields after a change that may carry them ([] = none left, absent = unchanged). */
const managedAfter = (ds: DaemonSet, managed: ManagedFieldsEntry[] | undefined): ManagedFieldsEntry[] | undefined =>
  managed === undefined ? ds.metadata.managedFields : managed.length ? managed : undefined;

/** Where a pod stream's fold finds what compact pod events refer to. */
export interface PodFoldContext {
  namespace: string;
  name: string;
  daemonSetAt: DaemonSetAt;
}

export const evolvePod = (pod: Pod | undefined, event: PodEvent, rv: string, context?: PodFoldContext): Pod | undefined => {
  switch (event.type) {
    case 'PodCreated': {
      if (event.data.pod) return withMeta(event.data.pod, rv);
      const ref = event.data.daemonPod;
      const ds = context?.daemonSetAt(context.namespace, ref.daemonSet, ref.version);
      if (!context || !ds) {
        // The log refers to a DaemonSet version the fold never saw: it cannot be read as it was written.
        throw new DomainError('StorageError', `PodCreated at ${rv} refers to daemonsets "${ref.daemonSet}" at ${ref.version}, which the fold does not hold`);
      }
      return withMeta(rebuildDaemonPod(ref, ds, context.name), rv);
    }
    case 'PodBound': {
      if (!pod) return pod;
      const bound = { ...pod, spec: { ...pod.spec, nodeName: event.data.nodeName } };
      // A pod the scheduler had found unschedulable: the binding sets PodScheduled True, as upstream's binding subresource does.
      if (event.data.at === undefined) return withMeta(bound, rv);
      return withMeta({ ...bound, status: withCondition(pod.status, { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: event.data.at }) }, rv);
    }
    case 'PodStatusReported':
      return pod && withMeta({ ...pod, status: event.data.kubelet ? keptFromScheduler(pod.status, kubeletPodStatus(pod, event.data.kubelet)) : event.data.status }, rv);
    case 'PodUnschedulable': {
      if (!pod) return pod;
      const prev = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
      // As upstream's UpdatePodCondition: the transition time moves only when the status does.
      const since = prev?.status === 'False' && prev.lastTransitionTime ? prev.lastTransitionTime : event.data.at;
      const condition: PodCondition = { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: since, reason: 'Unschedulable', message: event.data.message };
      return withMeta({ ...pod, status: withCondition({ phase: 'Pending', ...pod.status }, condition) }, rv);
    }
    case 'PodNominated':
      return pod && withMeta({ ...pod, status: { ...pod.status, nominatedNodeName: event.data.nodeName } }, rv);
    case 'PodLabelsChanged':
      return pod && withMeta(pod, rv, { labels: event.data.labels });
    case 'PodAnnotationsChanged':
      return pod && withMeta(pod, rv, { annotations: Object.keys(event.data.annotations).length ? event.data.annotations : undefined });
    case 'PodOwnerChanged':
      return pod && withMeta(pod, rv, { ownerReferences: event.data.ownerReference ? [event.data.ownerReference] : undefined });
    case 'PodDeletionRequested': {
      if (!pod) return pod;
      const meta = { deletionTimestamp: event.data.deletionTimestamp, deletionGracePeriodSeconds: event.data.gracePeriodSeconds };
      if (!event.data.preemptedBy) return withMeta(pod, rv, meta);
      // Upstream's preemption marks each victim before deleting it (pkg/scheduler/framework/preemption, prepareCandidate).
      const target: PodCondition = {
        type: 'DisruptionTarget',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: event.data.deletionTimestamp,
        reason: 'PreemptionByScheduler',
        message: `${DEFAULT_SCHEDULER}: preempting to accommodate a higher priority pod`,
      };
      return withMeta({ ...pod, status: withCondition(pod.status, target) }, rv, meta);
    }
    case 'PodDeleted':
      return undefined;
  }
};

/** The default scheduler's name (upstream's `v1.DefaultSchedulerName`). */
export const DEFAULT_SCHEDULER = 'default-scheduler';

/** `status` with `condition` in place of the one of its type (appended when there was none). */
const withCondition = (status: PodStatus | undefined, condition: PodCondition): PodStatus => {
  const conditions = status?.conditions ?? [];
  const at = conditions.findIndex((c) => c.type === condition.type);
  return { ...status, conditions: at < 0 ? [...conditions, condition] : conditions.map((c, i) => (i === at ? condition : c)) };
};

/**
 * What a kubelet's report leaves of the status others wrote: the scheduler's
 * nominatedNodeName and DisruptionTarget condition (upstream's kubelet
 * merges its own conditions into the status and keeps the ones it does not
 * own). Pods without them (every pod before the scheduler) fold as before.
 */
export const keptFromScheduler = (before: PodStatus | undefined, reported: PodStatus): PodStatus => {
  const disruption = before?.conditions?.find((c) => c.type === 'DisruptionTarget');
  const nominated = before?.nominatedNodeName;
  if (!disruption && !nominated) return reported;
  return {
    ...reported,
    ...(disruption ? { conditions: [...(reported.conditions ?? []), disruption] } : {}),
    ...(nominated ? { nominatedNodeName: nominated } : {}),
  };
};

export const evolveNode = (node: Node | undefined, event: NodeEvent, rv: string): Node | undefined => {
  switch (event.type) {
    case 'NodeJoined':
      return withMeta(event.data.node ?? rebuildSimulatedNode(event.data.simulated), rv);
    case 'NodeLabelsChanged':
      return node && withMeta(node, rv, { labels: event.data.labels });
    case 'NodeAnnotationsChanged':
      return node && withMeta(node, rv, { annotations: Object.keys(event.data.annotations).length ? event.data.annotations : undefined });
    case 'NodeStatusReported':
      return node && withMeta({ ...node, spec: { ...node.spec, taints: event.data.taints }, status: event.data.status }, rv);
    case 'NodeTaintsChanged':
      return node && withMeta({ ...node, spec: { ...node.spec, taints: event.data.taints } }, rv);
    case 'NodeImagesChanged': {
      if (!node) return node;
      const { images: _old, ...status } = node.status ?? {};
      const images = nodeImagesOf(event.data.images);
      return withMeta({ ...node, status: images.length ? { ...status, images } : status }, rv);
    }
    case 'NodeConditionChanged':
      return (
        node &&
        withMeta(
          {
            ...node,
            spec: { ...node.spec, taints: event.data.taints },
            status: { ...node.status, conditions: event.data.conditions },
          },
          rv,
        )
      );
    case 'NodeCordoned':
      return node && withMeta({ ...node, spec: { ...node.spec, unschedulable: true, taints: event.data.taints } }, rv);
    case 'NodeUncordoned': {
      if (!node) return node;
      const { unschedulable: _dropped, ...spec } = node.spec;
      return withMeta({ ...node, spec: { ...spec, taints: event.data.taints } }, rv);
    }
    case 'NodeLeft':
      return undefined;
    case 'NodeReregistered':
      return node; // the same object: no new resourceVersion, no watch event
  }
};
