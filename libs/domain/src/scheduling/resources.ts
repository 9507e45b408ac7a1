/**
 * Pod requests and node allocatable in base units, as kube-scheduler's NodeResourcesFit sees
 * them (upstream `k8s.io/component-helpers/resource.PodRequests`, `framework.Resource`).
 * Only cpu, memory, ephemeral-storage and pods are modelled; extended resources (GPUs, hugepages)
 * and pod-level `spec.resources` are ignored.
 */
import type { Container, Node, Pod } from '../api/types';
import { parseQuantity } from '../api/quantity';
import type { Resources } from './types';

export const ZERO: Resources = Object.freeze({ milliCpu: 0, memory: 0, ephemeralStorage: 0, pods: 0 });

/** Upstream's defaults for a container without a cpu / memory request, used only to score nodes (`schedutil.DefaultMilliCPURequest`, `DefaultMemoryRequest`). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/**
 * Quantity.MilliValue / Value round up to the next integer; the float product is first cut to
 * 12 significant digits so that 0.1 × 1000 is 100, not 101.
 */
const ceilUnits = (value: number, scale: number): number => Math.ceil(Number((value * scale).toPrecision(12)));

const quantity = (list: Record<string, string> | undefined, name: string, scale: number): number => {
  const text = list?.[name];
  if (text === undefined) return 0;
  const v = parseQuantity(String(text));
  return v === undefined ? 0 : ceilUnits(v, scale);
};

const fromList = (list: Record<string, string> | undefined, pods = 0): Resources => ({
  milliCpu: quantity(list, 'cpu', 1000),
  memory: quantity(list, 'memory', 1),
  ephemeralStorage: quantity(list, 'ephemeral-storage', 1),
  pods,
});

export const addResources = (a: Resources, b: Resources): Resources => ({
  milliCpu: a.milliCpu + b.milliCpu,
  memory: a.memory + b.memory,
  ephemeralStorage: a.ephemeralStorage + b.ephemeralStorage,
  pods: a.pods + b.pods,
});

const maxResources = (a: Resources, b: Resources): Resources => ({
  milliCpu: Math.max(a.milliCpu, b.milliCpu),
  memory: Math.max(a.memory, b.memory),
  ephemeralStorage: Math.max(a.ephemeralStorage, b.ephemeralStorage),
  pods: Math.max(a.pods, b.pods),
});

/** A restartable init container (`restartPolicy: Always`) is a sidecar: it keeps running beside the app containers. */
const isSidecar = (c: Container): boolean => c.restartPolicy === 'Always';

/**
 * Containers summed; then each init container in order: a sidecar is added to the sum and to the
 * running sidecar total, a plain init container needs its own requests plus the sidecars started
 * before it; the pod needs the larger of the sum and the largest such init step (per resource).
 */
const aggregateRequests = (pod: Pod, requestsOf: (c: Container) => Resources): Resources => {
  let sum = (pod.spec.containers ?? []).reduce((acc, c) => addResources(acc, requestsOf(c)), ZERO);
  let sidecars = ZERO;
  let initMax = ZERO;
  for (const c of pod.spec.initContainers ?? []) {
    const own = requestsOf(c);
    let step: Resources;
    if (isSidecar(c)) {
      sum = addResources(sum, own);
      sidecars = addResources(sidecars, own);
      step = sidecars;
    } else {
      step = addResources(own, sidecars);
    }
    initMax = maxResources(initMax, step);
  }
  return maxResources(sum, initMax);
};

const containerRequests = (c: Container): Resources => fromList(c.resources?.requests);

const requestsCache = new WeakMap<Pod, Resources>();
const nonZeroCache = new WeakMap<Pod, Resources>();

/** Upstream PodRequests: containers summed; init containers as upstream (max of each non-sidecar init plus the sidecars before it; restartable sidecars added to the sum); plus spec.overhead; pods = 1. */
export function podRequests(pod: Pod): Resources {
  // Pods are never mutated (a change makes a new object), so the sum is cached per object.
  let r = requestsCache.get(pod);
  if (!r) {
    r = { ...addResources(aggregateRequests(pod, containerRequests), fromList(pod.spec.overhead)), pods: 1 };
    requestsCache.set(pod, r);
  }
  return r;
}

/**
 * The requests the scorer uses: as podRequests, but a container without a cpu or memory request
 * counts as 100m / 200Mi, so that pods without requests still spread (upstream NonZeroRequested).
 */
export function nonZeroPodRequests(pod: Pod): Resources {
  let r = nonZeroCache.get(pod);
  if (!r) {
    const withDefaults = (c: Container): Resources => {
      const own = containerRequests(c);
      const req = c.resources?.requests ?? {};
      return {
        ...own,
        milliCpu: 'cpu' in req ? own.milliCpu : DEFAULT_MILLI_CPU_REQUEST,
        memory: 'memory' in req ? own.memory : DEFAULT_MEMORY_REQUEST,
      };
    };
    r = { ...addResources(aggregateRequests(pod, withDefaults), fromList(pod.spec.overhead)), pods: 1 };
    nonZeroCache.set(pod, r);
  }
  return r;
}

/** status.allocatable (else capacity) of the node, resource by resource. */
export function nodeAllocatable(node: Node): Resources {
  const alloc = node.status?.allocatable ?? {};
  const cap = node.status?.capacity ?? {};
  const pick = (name: string) => (name in alloc ? alloc : cap);
  return {
    milliCpu: quantity(pick('cpu'), 'cpu', 1000),
    memory: quantity(pick('memory'), 'memory', 1),
    ephemeralStorage: quantity(pick('ephemeral-storage'), 'ephemeral-storage', 1),
    pods: quantity(pick('pods'), 'pods', 1),
  };
}

/** What the pods already on a node request (upstream NodeInfo.Requested), pods = their count. */
export const requestedOn = (pods: readonly Pod[], requestsOf: (p: Pod) => Resources = podRequests): Resources =>
  pods.reduce((acc, p) => addResources(acc, requestsOf(p)), ZERO);
