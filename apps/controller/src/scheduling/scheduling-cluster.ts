import type { Pod } from '@daemonledger/domain/api/types';
import { awaitsDefaultScheduler } from '@daemonledger/domain/cluster/scheduling-attempt';
import type { NodeState, SchedulingCluster } from '@daemonledger/domain/scheduling';
import type { ClusterView } from '@daemonledger/projections';

export const terminal = (pod: Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

/**
 * The cluster as `schedulePod` reads it for `pod`, over the live view: a
 * node and the pods that hold room there — the bound ones that are not
 * terminal (being deleted still counts, as upstream until they are gone),
 * and the pending pods nominated to the node with a priority at least the
 * pod's, whose room upstream keeps for them (addGENominatedPods) so that a
 * pod preempted for is not overtaken while its victims terminate. Looked up
 * one node at a time.
 */
export const schedulingCluster = (view: ClusterView, pod: Pod): SchedulingCluster => {
  const priority = pod.spec.priority ?? 0;
  const reserves = (p: Pod) => p.metadata.uid !== pod.metadata.uid && (p.spec.priority ?? 0) >= priority && awaitsDefaultScheduler(p);
  return {
    nodeCount: view.nodes.size,
    nodeNames: () => view.nodes.keys(),
    nodeState: (name): NodeState | undefined => {
      const node = view.nodes.get(name);
      if (!node) return undefined;
      const pods = [...view.podsOnNode(name)].filter((p) => !terminal(p));
      for (const p of view.nominatedTo(name)) if (reserves(p)) pods.push(p);
      return { node, pods };
    },
  };
};
