/**
 * The default scheduler's Filter plugins, in upstream's order (default profile):
 * NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit.
 * Upstream's RunFilterPlugins stops at the first plugin that rejects a node, so the reasons for a
 * node are those of that one plugin (NodeResourcesFit may give several).
 * Volume, topology-spread, inter-pod-affinity and DRA filters are not modelled.
 */
import type { ContainerPort, Pod, Taint } from '../api/types';
import { nodeAffinityMatches, toleratesTaint, TAINT_NODE_UNSCHEDULABLE } from '../controller/scheduling';
import { nodeAllocatable, podRequests, requestedOn } from './resources';
import type { NodeState, Resources } from './types';

export const REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
export const REASON_NODE_NAME = "node(s) didn't match the requested node name";
export const REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
export const REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";
export const REASON_TOO_MANY_PODS = 'Too many pods';
export const untoleratedTaintReason = (t: Taint): string => `node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`;

/**
 * A filter's verdict, with upstream's status code: `unresolvable` (UnschedulableAndUnresolvable)
 * means removing pods from the node cannot help, so preemption skips it.
 */
export type FilterStatus =
  | { code: 'success' }
  | { code: 'unschedulable' | 'unresolvable'; reasons: string[] };

const SUCCESS: FilterStatus = { code: 'success' };
const reject = (code: 'unschedulable' | 'unresolvable', ...reasons: string[]): FilterStatus => ({ code, reasons });

const nodeUnschedulable = (pod: Pod, { node }: NodeState): FilterStatus => {
  if (node.spec?.unschedulable !== true) return SUCCESS;
  // Tolerating the unschedulable taint tolerates spec.unschedulable too (upstream NodeUnschedulable).
  const asTaint: Taint = { key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' };
  return (pod.spec.tolerations ?? []).some((t) => toleratesTaint(t, asTaint)) ? SUCCESS : reject('unresolvable', REASON_UNSCHEDULABLE);
};

const nodeName = (pod: Pod, { node }: NodeState): FilterStatus =>
  (pod.spec.nodeName ?? '') === '' || pod.spec.nodeName === node.metadata.name ? SUCCESS : reject('unresolvable', REASON_NODE_NAME);

const taintToleration = (pod: Pod, { node }: NodeState): FilterStatus => {
  const tolerations = pod.spec.tolerations ?? [];
  const untolerated = (node.spec?.taints ?? []).find(
    (t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerations.some((tol) => toleratesTaint(tol, t)),
  );
  return untolerated ? reject('unresolvable', untoleratedTaintReason(untolerated)) : SUCCESS;
};

const nodeAffinity = (pod: Pod, { node }: NodeState): FilterStatus =>
  nodeAffinityMatches(pod.spec, node) ? SUCCESS : reject('unresolvable', REASON_NODE_AFFINITY);

interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

/** The host ports a pod asks for (app containers, as upstream's NodePorts), with upstream's defaults: IP 0.0.0.0, protocol TCP. */
export const podHostPorts = (pod: Pod): HostPort[] => {
  const out: HostPort[] = [];
  for (const c of pod.spec.containers ?? []) {
    for (const p of c.ports ?? ([] as ContainerPort[])) {
      if ((p.hostPort ?? 0) <= 0) continue;
      out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort! });
    }
  }
  return out;
};

/** Upstream HostPortInfo.CheckConflict: same protocol and port, and either side on 0.0.0.0 or both on the same IP. */
export const hostPortsConflict = (a: HostPort, b: HostPort): boolean =>
  a.port === b.port && a.protocol === b.protocol && (a.ip === '0.0.0.0' || b.ip === '0.0.0.0' || a.ip === b.ip);

const nodePorts = (pod: Pod, { pods }: NodeState): FilterStatus => {
  const wanted = podHostPorts(pod);
  if (wanted.length === 0) return SUCCESS;
  const used = pods.flatMap(podHostPorts);
  return wanted.some((w) => used.some((u) => hostPortsConflict(w, u))) ? reject('unschedulable', REASON_NODE_PORTS) : SUCCESS;
};

/**
 * Upstream NodeResourcesFit (fitsRequest): pod count first, then cpu, memory, ephemeral-storage.
 * A resource the pod asks for more of than the node has at all is unresolvable: no preemption frees it.
 */
export const fitsResources = (request: Resources, allocatable: Resources, requested: Resources): FilterStatus => {
  const reasons: string[] = [];
  let unresolvable = false;
  if (requested.pods + 1 > allocatable.pods) reasons.push(REASON_TOO_MANY_PODS);
  const check = (want: number, have: number, used: number, name: string) => {
    if (want > 0 && want > have - used) {
      reasons.push(`Insufficient ${name}`);
      if (want > have) unresolvable = true;
    }
  };
  check(request.milliCpu, allocatable.milliCpu, requested.milliCpu, 'cpu');
  check(request.memory, allocatable.memory, requested.memory, 'memory');
  check(request.ephemeralStorage, allocatable.ephemeralStorage, requested.ephemeralStorage, 'ephemeral-storage');
  if (reasons.length === 0) return SUCCESS;
  return reject(unresolvable ? 'unresolvable' : 'unschedulable', ...reasons);
};

const nodeResourcesFit = (pod: Pod, { node, pods }: NodeState): FilterStatus =>
  fitsResources(podRequests(pod), nodeAllocatable(node), requestedOn(pods));

const FILTERS = [nodeUnschedulable, nodeName, taintToleration, nodeAffinity, nodePorts, nodeResourcesFit] as const;

/** Every filter in order; the first rejection is the node's status (upstream RunFilterPlugins). */
export const runFilters = (pod: Pod, state: NodeState): FilterStatus => {
  for (const filter of FILTERS) {
    const status = filter(pod, state);
    if (status.code !== 'success') return status;
  }
  return SUCCESS;
};

/**
 * Upstream filter reasons for this pod on this node: those of the first plugin (in upstream's
 * order) that rejects it, as RunFilterPlugins stops there; [] = it fits. E.g. 'Insufficient memory', 'Too many pods', "node(s) didn't have free ports for the requested pod ports", "node(s) didn't match Pod's node affinity/selector", 'node(s) had untolerated taint {k: v}', 'node(s) were unschedulable'.
 */
export function filterNode(pod: Pod, state: NodeState): string[] {
  const status = runFilters(pod, state);
  return status.code === 'success' ? [] : status.reasons;
}
