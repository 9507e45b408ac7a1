/**
 * The default scheduler's decisions (issue 11 §1–§3), pure. Upstream: kube-scheduler's
 * filter plugins, default preemption and FitError. First cut: the interface only.
 */
import type { Node, Pod } from '../api/types';

/** Requests and capacities in base units: milli-CPU, bytes, pod count. */
export interface Resources { milliCpu: number; memory: number; ephemeralStorage: number; pods: number }

/** Upstream PodRequests: containers summed; init containers as upstream (max of each non-sidecar init plus the sidecars before it; restartable sidecars added to the sum); plus spec.overhead; pods = 1. */
export function podRequests(pod: Pod): Resources {
  void pod;
  return { milliCpu: 0, memory: 0, ephemeralStorage: 0, pods: 1 };
}

/** status.allocatable (else capacity) of the node. */
export function nodeAllocatable(node: Node): Resources {
  void node;
  return { milliCpu: 0, memory: 0, ephemeralStorage: 0, pods: 0 };
}

/** A node and the pods bound to it that still hold resources (not terminal; pods being deleted still count, as upstream until they are gone). */
export interface NodeState { node: Node; pods: readonly Pod[] }

/** Upstream filter reasons for this pod on this node, in plugin order; [] = it fits. E.g. 'Insufficient memory', 'Too many pods', "node(s) didn't have free ports for the requested pod ports", "node(s) didn't match Pod's node affinity/selector", 'node(s) had untolerated taint {k: v}', 'node(s) were unschedulable'. */
export function filterNode(pod: Pod, state: NodeState): string[] {
  void pod;
  void state;
  return [];
}

/** What the cluster looks like to the scheduler: cheap lookups (10,000 nodes: never copy them all). */
export interface SchedulingCluster { nodeCount: number; nodeNames(): Iterable<string>; nodeState(name: string): NodeState | undefined }

export type ScheduleDecision =
  | { kind: 'bind'; nodeName: string }
  | { kind: 'preempt'; nodeName: string; victims: Pod[]; message: string } // message: the FailedScheduling text for this attempt
  | { kind: 'unschedulable'; message: string };

/** One scheduling attempt for an unbound pod (default scheduler). Required node affinity on metadata.name (daemon pods: matchFields) narrows the nodes first, as upstream's NodeAffinity PreFilter. */
export function schedulePod(pod: Pod, cluster: SchedulingCluster): ScheduleDecision {
  for (const name of cluster.nodeNames()) {
    const state = cluster.nodeState(name);
    if (state && filterNode(pod, state).length === 0) return { kind: 'bind', nodeName: name };
  }
  return { kind: 'unschedulable', message: `0/${cluster.nodeCount} nodes are available.` };
}
