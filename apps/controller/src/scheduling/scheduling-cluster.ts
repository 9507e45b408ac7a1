import type { Pod } from '@daemonledger/domain/api/types';
import type { NodeState, SchedulingCluster } from '@daemonledger/domain/scheduling';
import type { ClusterView } from '@daemonledger/projections';

export const terminal = (pod: Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

/**
 * The cluster as `schedulePod` reads it, over the live view: a node and its
 * bound pods that still hold room (not terminal; being deleted still counts,
 * as upstream until they are gone), looked up one node at a time.
 */
export const schedulingCluster = (view: ClusterView): SchedulingCluster => ({
  nodeCount: view.nodes.size,
  nodeNames: () => view.nodes.keys(),
  nodeState: (name): NodeState | undefined => {
    const node = view.nodes.get(name);
    return node && { node, pods: [...view.podsOnNode(name)].filter((p) => !terminal(p)) };
  },
});
