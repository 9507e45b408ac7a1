import type { ClusterEvent } from '@daemonledger/domain/cluster/events';
import { reportedPodState } from '@daemonledger/domain/cluster/kubelet-status';
import { podCreatedNode } from '@daemonledger/domain/cluster/daemon-pod';
import type { RecordedEvent } from '@daemonledger/event-store/event-store.port';

/**
 * Replays a whole log checking, at every position: no hole in positions
 * (nothing acknowledged was lost), no pod name created twice while alive,
 * invariant 1 (≤ 1 live daemon pod per node when no surge is configured) and,
 * from the first template change on, invariant 2 (nodes without an available
 * pod never more than maxUnavailable).
 */
export const checkLog = (events: RecordedEvent[], nodes: number) => {
  const live = new Map<string, { node: string; ready: boolean }>();
  const perNode = new Map<string, number>();
  let maxPerNode = 0;
  let maxUnavailableSeen = 0;
  let rolling = false;
  let holes = 0;
  let duplicates = 0;
  const readyNodes = () => new Set([...live.values()].filter((p) => p.ready).map((p) => p.node)).size;
  events.forEach((recorded, i) => {
    if (recorded.position !== i + 1) holes++;
    const e = { type: recorded.type, data: recorded.data, streamId: recorded.streamId } as ClusterEvent & { streamId: string };
    if (e.type === 'DaemonSetSpecChanged') rolling = true;
    if (!e.streamId.startsWith('pod-')) return;
    if (e.type === 'PodCreated') {
      // A daemon pod is recorded as the node it was built for, any other pod whole.
      const node = podCreatedNode(e.data)!;
      if (live.has(e.streamId)) duplicates++;
      live.set(e.streamId, { node, ready: false });
      perNode.set(node, (perNode.get(node) ?? 0) + 1);
      maxPerNode = Math.max(maxPerNode, perNode.get(node)!);
    }
    if (e.type === 'PodStatusReported' && live.has(e.streamId)) {
      live.get(e.streamId)!.ready = reportedPodState(e.data).ready;
    }
    if (e.type === 'PodDeletionRequested' || e.type === 'PodDeleted') {
      const pod = live.get(e.streamId);
      if (pod) {
        live.delete(e.streamId);
        perNode.set(pod.node, perNode.get(pod.node)! - 1);
      }
    }
    if (rolling) maxUnavailableSeen = Math.max(maxUnavailableSeen, nodes - readyNodes());
  });
  return { holes, duplicates, maxPerNode, maxUnavailableSeen, live: live.size };
};
