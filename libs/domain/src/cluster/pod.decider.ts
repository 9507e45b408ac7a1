import type { OwnerReference, Pod, PodStatus } from '../api/types';
import { checkPreconditions } from '../api/preconditions';
import { PODS } from '../api/status';
import { DomainError } from '../errors';
import { jsonEqual } from './equality';
import type { PodEvent, PreemptorRef } from './events';
import { keptFromScheduler } from './evolve';
import type { CommandContext } from './daemon-set.decider';
import { daemonPodRef, type DaemonPodSource } from './daemon-pod';
import { observedByKubelet } from './kubelet-status';

/**
 * Pod lifecycle commands, sent by the controller (create, delete, adopt,
 * release), by node agents (bind, status, deleted) and by users (delete,
 * relabel). A pod's name is chosen by its creator; creating an existing name
 * is AlreadyExists, which makes a replayed create harmless.
 */
export type PodCommand =
  /**
   * `bindTo`: the scheduler's binding, recorded in the same append (daemon pods are pre-placed).
   * `builtFrom`: the controller built `pod` with `newDaemonPod` from this; the log then records
   * the reference (a `DaemonPodRef`) instead of the pod, whenever it rebuilds the pod exactly.
   */
  | { type: 'CreatePod'; pod: Pod; bindTo?: string; builtFrom?: DaemonPodSource }
  | { type: 'BindPod'; nodeName: string }
  /**
   * A status report (a kubelet) or a write to pods/<name>/status (a user),
   * which may also end with other labels and annotations (upstream's status
   * strategy keeps them from the request; absent: unchanged). One command,
   * so all of it lands in one append.
   */
  | {
      type: 'ReportPodStatus';
      status: PodStatus;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
      expectedUid?: string;
      expectedResourceVersion?: string;
      /** A kubelet's: per container, its image pull's ms or null (already present), recorded with its observation (`KubeletObservation.pulls`). */
      pulls?: (number | null)[];
    }
  | { type: 'SetPodLabels'; labels: Record<string, string>; expectedResourceVersion?: string }
  | { type: 'SetPodOwner'; ownerReference: OwnerReference | null; expectedUid?: string }
  /**
   * A user's PUT/PATCH of a pod (kubectl label / annotate / edit): the labels
   * and annotations it ends with and, when it changed them, its controller
   * reference; decided together so one request appends atomically.
   */
  | {
      type: 'UpdatePodMetadata';
      labels: Record<string, string>;
      annotations: Record<string, string>;
      ownerReference?: OwnerReference | null;
      expectedResourceVersion?: string;
    }
  /** `preemptedBy`: the default scheduler evicts this pod for that one (reason 'preempted'). */
  | { type: 'RequestPodDeletion'; gracePeriodSeconds?: number; reason: string; expectedUid?: string; preemptedBy?: PreemptorRef }
  /**
   * The default scheduler's attempt failed with this message (upstream's
   * FitError text); `nominatedNodeName`: it preempted pods on that node for
   * the pod. One command, so the nomination and the message land in one append.
   */
  | { type: 'MarkPodUnschedulable'; message: string; nominatedNodeName?: string; expectedUid?: string }
  | { type: 'ConfirmPodDeleted'; reason: string; expectedUid?: string };

const checkVersion = (pod: Pod, expected?: string) => checkPreconditions(PODS, pod, { resourceVersion: expected });

const notFound = (name?: string) => new DomainError('NotFound', `pods "${name ?? ''}" not found`, { name, kind: 'pods' });

export const decidePod = (cmd: PodCommand, current: Pod | undefined, ctx: CommandContext): PodEvent[] => {
  if (cmd.type === 'CreatePod') {
    if (current) {
      throw new DomainError('AlreadyExists', `pods "${cmd.pod.metadata.name}" already exists`, {
        name: cmd.pod.metadata.name,
        kind: 'pods',
      });
    }
    const { resourceVersion: _rv, ...meta } = cmd.pod.metadata;
    const pod: Pod = { ...cmd.pod, metadata: { ...meta, uid: meta.uid || ctx.newUid, creationTimestamp: meta.creationTimestamp || ctx.now } };
    const ref = cmd.builtFrom && daemonPodRef(pod, cmd.builtFrom);
    const created: PodEvent = { type: 'PodCreated', data: ref ? { daemonPod: ref } : { pod } };
    return cmd.bindTo ? [created, { type: 'PodBound', data: { nodeName: cmd.bindTo } }] : [created];
  }
  if (!current) throw notFound();
  if ('expectedUid' in cmd && cmd.expectedUid && cmd.expectedUid !== current.metadata.uid) {
    // The name now belongs to another incarnation: the command was about a pod that is gone.
    throw notFound(current.metadata.name);
  }
  switch (cmd.type) {
    case 'BindPod': {
      if (current.spec.nodeName === cmd.nodeName) return [];
      if (current.spec.nodeName) {
        throw new DomainError('Conflict', `pod ${current.metadata.name} is already assigned to node "${current.spec.nodeName}"`);
      }
      // A pod with a PodScheduled condition (found unschedulable before) records when it turns True.
      const scheduled = current.status?.conditions?.some((c) => c.type === 'PodScheduled');
      return [{ type: 'PodBound', data: { nodeName: cmd.nodeName, ...(scheduled ? { at: ctx.now } : {}) } }];
    }
    case 'MarkPodUnschedulable': {
      // Bound or going away: no longer the scheduler's. What the pod already says: nothing new to record.
      if (current.spec.nodeName || current.metadata.deletionTimestamp) return [];
      const events: PodEvent[] = [];
      if (cmd.nominatedNodeName && current.status?.nominatedNodeName !== cmd.nominatedNodeName) events.push({ type: 'PodNominated', data: { nodeName: cmd.nominatedNodeName } });
      const scheduled = current.status?.conditions?.find((c) => c.type === 'PodScheduled');
      if (!(scheduled?.status === 'False' && scheduled.reason === 'Unschedulable' && scheduled.message === cmd.message)) {
        events.push({ type: 'PodUnschedulable', data: { message: cmd.message, at: ctx.now } });
      }
      return events;
    }
    case 'ReportPodStatus': {
      checkVersion(current, cmd.expectedResourceVersion);
      // Status first: a label event wakes the controller, which must then see the status this write stored.
      const metadata = metadataEvents(cmd, current);
      if (jsonEqual(cmd.status, current.status)) return metadata;
      // A kubelet's report is recorded as what it observed when the status rebuilds from that exactly.
      const kubelet = observedByKubelet(current, cmd.status, cmd.pulls);
      // The same report again, on a pod whose status also holds the scheduler's fields the fold keeps.
      if (kubelet && jsonEqual(keptFromScheduler(current.status, cmd.status), current.status)) return metadata;
      return [{ type: 'PodStatusReported', data: kubelet ? { kubelet } : { status: cmd.status } }, ...metadata];
    }
    case 'SetPodLabels':
      checkVersion(current, cmd.expectedResourceVersion);
      return jsonEqual(cmd.labels, current.metadata.labels ?? {}) ? [] : [{ type: 'PodLabelsChanged', data: { labels: cmd.labels } }];
    case 'UpdatePodMetadata': {
      checkVersion(current, cmd.expectedResourceVersion);
      const events = metadataEvents(cmd, current);
      const owner = current.metadata.ownerReferences?.find((r) => r.controller) ?? null;
      if (cmd.ownerReference !== undefined && !jsonEqual(owner, cmd.ownerReference)) events.push({ type: 'PodOwnerChanged', data: { ownerReference: cmd.ownerReference } });
      return events;
    }
    case 'SetPodOwner': {
      const owner = current.metadata.ownerReferences?.find((r) => r.controller) ?? null;
      return jsonEqual(owner, cmd.ownerReference) ? [] : [{ type: 'PodOwnerChanged', data: { ownerReference: cmd.ownerReference } }];
    }
    case 'RequestPodDeletion':
      if (current.metadata.deletionTimestamp) return [];
      return [
        {
          type: 'PodDeletionRequested',
          data: {
            deletionTimestamp: ctx.now,
            gracePeriodSeconds: cmd.gracePeriodSeconds ?? current.spec.terminationGracePeriodSeconds ?? 30,
            reason: cmd.reason,
            ...(cmd.preemptedBy ? { preemptedBy: cmd.preemptedBy } : {}),
          },
        },
      ];
    case 'ConfirmPodDeleted':
      return [{ type: 'PodDeleted', data: { reason: cmd.reason } }];
  }
};

/** The label and annotation events of a write that ends with these maps (absent: unchanged). */
const metadataEvents = (cmd: { labels?: Record<string, string>; annotations?: Record<string, string> }, current: Pod): PodEvent[] => {
  const events: PodEvent[] = [];
  if (cmd.labels && !jsonEqual(cmd.labels, current.metadata.labels ?? {})) events.push({ type: 'PodLabelsChanged', data: { labels: cmd.labels } });
  if (cmd.annotations && !jsonEqual(cmd.annotations, current.metadata.annotations ?? {})) events.push({ type: 'PodAnnotationsChanged', data: { annotations: cmd.annotations } });
  return events;
};
