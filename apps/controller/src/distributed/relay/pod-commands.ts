import type { Pod } from '@daemonledger/domain/api/types';
import { parseStreamId } from '@daemonledger/domain/cluster/streams';
import type { NodeCommandMessage } from '@daemonledger/messaging';
import type { ClusterView } from '@daemonledger/projections';

/**
 * Pod commands derived from the log, one rule for the embedded NodeLink and
 * the Kafka-mode relay: a pod bound to a node → RunPod; a bound pod asked to
 * terminate → StopPod; a re-registered kubelet → RunPod/StopPod for every
 * pod on its node (as a real kubelet lists its pods at start). Pure: the
 * caller passes what the view and the log say.
 */
type Extra = { id?: string; correlationId?: string };

export const runPodMessage = (pod: Pod, extra: Extra = {}): NodeCommandMessage => ({
  kind: 'RunPod',
  ...(extra.id ? { id: extra.id } : {}),
  namespace: pod.metadata.namespace!,
  name: pod.metadata.name!,
  uid: pod.metadata.uid!,
  nodeName: pod.spec.nodeName!,
  pod: pod as unknown as Record<string, unknown>,
  ...(extra.correlationId ? { correlationId: extra.correlationId } : {}),
});

export const stopPodMessage = (pod: Pod, extra: Extra & { gracePeriodSeconds?: number } = {}): NodeCommandMessage => ({
  kind: 'StopPod',
  ...(extra.id ? { id: extra.id } : {}),
  namespace: pod.metadata.namespace!,
  name: pod.metadata.name!,
  uid: pod.metadata.uid!,
  nodeName: pod.spec.nodeName!,
  gracePeriodSeconds: extra.gracePeriodSeconds ?? pod.metadata.deletionGracePeriodSeconds ?? 30,
  ...(extra.correlationId ? { correlationId: extra.correlationId } : {}),
});

/** What a kubelet that registers again is told: each pod on its node, to run or to stop. */
export const resyncMessages = (pods: readonly Pod[], idOf: (pod: Pod) => string | undefined = () => undefined): NodeCommandMessage[] =>
  pods.map((pod) => (pod.metadata.deletionTimestamp ? stopPodMessage(pod, { id: idOf(pod) }) : runPodMessage(pod, { id: idOf(pod) })));

/** The event fields the rule reads (a RecordedEvent has them all). */
export interface PodCommandEvent {
  id: string;
  type: string;
  streamId: string;
  revision: number;
  data: unknown;
  metadata: { correlationId?: string };
}

/**
 * What the relay knows when it maps an event: the view at or past the
 * event's position, and the types of the event's stream after it (up to the
 * log's head when read), which tell whether the pod the event is about was
 * since deleted or replaced under the same name.
 */
export interface PodCommandContext {
  pod(namespace: string, name: string): Pod | undefined;
  nodeKnown(nodeName: string): boolean;
  podsOn(nodeName: string): readonly Pod[];
  /** Types of the events of `event.streamId` after `event`, in order. */
  later(event: PodCommandEvent): readonly string[];
}

/** One log event → the commands to send for it (usually none). Message ids derive from the event's id. */
export const podCommandsFor = (event: PodCommandEvent, ctx: PodCommandContext): NodeCommandMessage[] => {
  if (event.type !== 'PodBound' && event.type !== 'PodDeletionRequested' && event.type !== 'NodeReregistered') return [];
  const ref = parseStreamId(event.streamId);
  if (!ref) return [];
  if (event.type === 'NodeReregistered') {
    if (ref.kind !== 'node' || !ctx.nodeKnown(ref.name)) return [];
    // One message per pod: its id is the event's and the pod's uid together, unique and the same on a resend.
    return resyncMessages(ctx.podsOn(ref.name), (pod) => `${event.id}:${pod.metadata.uid}`);
  }
  if (ref.kind !== 'pod' || ref.namespace === undefined) return [];
  const later = ctx.later(event);
  // Deleted or replaced since (a new PodCreated under the same name): the view's pod is not the one this event is about.
  if (later.includes('PodDeleted') || later.includes('PodCreated')) return [];
  const pod = ctx.pod(ref.namespace, ref.name);
  if (!pod?.spec.nodeName || !ctx.nodeKnown(pod.spec.nodeName)) return [];
  const extra = { id: event.id, correlationId: event.metadata.correlationId };
  if (event.type === 'PodBound') {
    // Being deleted already (now or later in the log): its StopPod follows, a RunPod would only start what must stop.
    if (pod.metadata.deletionTimestamp || later.includes('PodDeletionRequested')) return [];
    return [runPodMessage(pod, extra)];
  }
  const grace = (event.data as { gracePeriodSeconds?: unknown }).gracePeriodSeconds;
  return [stopPodMessage(pod, { ...extra, ...(typeof grace === 'number' ? { gracePeriodSeconds: grace } : {}) })];
};

/**
 * A view's pods by node, built once per view position: after a restart every
 * kubelet registers again at once, and a scan of every pod per kubelet
 * (10,000 × 10,000) kept the server busy for tens of seconds.
 */
export const podsByNode = (): ((view: ClusterView, nodeName: string) => Pod[]) => {
  let byNode: { position: number; pods: Map<string, Pod[]> } | undefined;
  return (view, nodeName) => {
    if (byNode?.position !== view.position) {
      const pods = new Map<string, Pod[]>();
      for (const pod of view.allPods()) {
        const node = pod.spec.nodeName;
        if (!node) continue;
        const list = pods.get(node);
        if (list) list.push(pod);
        else pods.set(node, [pod]);
      }
      byNode = { position: view.position, pods };
    }
    return byNode.pods.get(nodeName) ?? [];
  };
};
