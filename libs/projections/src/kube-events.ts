import type { Node, ObjectMeta, Pod, PodStatus } from '@daemonledger/domain/api/types';
import type { ClusterEvent } from '@daemonledger/domain/cluster/events';
import { alreadyPresentMessage, pulledMessage } from '@daemonledger/domain/cluster/kubelet-images';
import type { KubeletObservation } from '@daemonledger/domain/cluster/kubelet-status';
import type { RecordedEvent } from '@daemonledger/event-store/event-store.port';

/** core/v1 Event, as `kubectl describe` and `kubectl get events` read it. */
export interface KubeEvent {
  apiVersion: 'v1';
  kind: 'Event';
  metadata: ObjectMeta;
  involvedObject: { kind: string; namespace?: string; name: string; uid?: string; apiVersion: string; fieldPath?: string; resourceVersion?: string };
  reason: string;
  message: string;
  source: { component: string; host?: string };
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
  type: 'Normal' | 'Warning';
  eventTime: null;
  reportingComponent: string;
  reportingInstance: string;
}

/** How many events are kept (oldest dropped first), like the API server's one-hour TTL but by count. */
export const MAX_KUBE_EVENTS = 20_000;

type Involved = KubeEvent['involvedObject'];

const seconds = (iso: string) => iso.replace(/\.\d+Z$/, 'Z');

const daemonSetRef = (pod: Pod): Involved | undefined => {
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller && o.kind === 'DaemonSet');
  return owner && { kind: 'DaemonSet', namespace: pod.metadata.namespace, name: owner.name, uid: owner.uid, apiVersion: 'apps/v1' };
};
const podRef = (pod: Pod, fieldPath?: string): Involved => ({
  kind: 'Pod',
  namespace: pod.metadata.namespace,
  name: pod.metadata.name!,
  uid: pod.metadata.uid,
  apiVersion: 'v1',
  ...(fieldPath ? { fieldPath } : {}),
});
const nodeRef = (node: Node): Involved => ({ kind: 'Node', name: node.metadata.name!, uid: node.metadata.name, apiVersion: 'v1' });
const nodeOf = (pod: Pod) =>
  pod.spec.nodeName ?? pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0] ?? '';

const waitingOf = (s: PodStatus | undefined) => s?.containerStatuses?.find((c) => c.state?.waiting)?.state?.waiting;
const runningContainer = (s: PodStatus | undefined, name: string) => Boolean(s?.containerStatuses?.find((c) => c.name === name)?.state?.running);
const runningOf = (s: PodStatus | undefined) => Boolean(s?.containerStatuses?.length && s.containerStatuses.every((c) => c.state?.running));

/**
 * The Kubernetes Events a real cluster would show for what the log records:
 * the DaemonSet controller's SuccessfulCreate / SuccessfulDelete /
 * FailedDaemonPod, the scheduler's Scheduled / FailedScheduling / Preempted, the kubelet's Pulling / Pulled /
 * Created / Started / Failed / BackOff / Killing, and node registration and
 * (un)cordoning. Repeats of the same (object, reason, message) are counted,
 * as the API server's event aggregation does. Derived, never stored: the log
 * stays the only truth, and time travel shows the events of the past too.
 */
export class KubeEvents {
  private readonly byKey = new Map<string, KubeEvent>();
  /** Keys in first-seen order, for eviction (a Map's own first key gets slow to find after many deletes). */
  private order: string[] = [];
  private head = 0;

  /** Events created or counted again by the last `record` call, with whether each is new (for watches). */
  lastChanged: { event: KubeEvent; added: boolean }[] = [];
  private lastPosition = 0;

  /** What the log event at `position` changed, once it has been applied (empty for any other position). */
  changedAt(position: number): { event: KubeEvent; added: boolean }[] {
    return position === this.lastPosition ? this.lastChanged : [];
  }

  record(e: RecordedEvent, before: unknown, after: unknown): void {
    this.lastChanged = [];
    this.lastPosition = e.position;
    const at = seconds(e.metadata.wallTime ?? e.recordedAt);
    const emit = (involved: Involved, type: KubeEvent['type'], reason: string, message: string, source: KubeEvent['source'], when = at) =>
      this.add(e.position, when, involved, type, reason, message, source);
    const controller = { component: 'daemonset-controller' };
    const scheduler = { component: 'default-scheduler' };
    const kubelet = (pod: Pod) => ({ component: 'kubelet', host: nodeOf(pod) });
    // Pod and node events are told from the objects the fold made of them (a compact event holds no pod).
    const event = { type: e.type, data: e.data } as ClusterEvent;
    switch (event.type) {
      case 'PodCreated': {
        const pod = after as Pod;
        const ds = daemonSetRef(pod);
        if (ds && e.metadata.actor === 'daemonset-controller') emit(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, controller);
        return;
      }
      case 'PodBound': {
        const pod = after as Pod;
        emit(podRef(pod), 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${pod.spec.nodeName}`, scheduler);
        return;
      }
      case 'PodUnschedulable':
        emit(podRef(after as Pod), 'Warning', 'FailedScheduling', event.data.message, scheduler);
        return;
      case 'PodStatusReported':
        return this.kubeletEvents(before as Pod | undefined, after as Pod, event.data.kubelet, emit, kubelet(after as Pod), at);
      case 'PodDeletionRequested': {
        const pod = after as Pod;
        const ds = daemonSetRef(pod);
        const reason = event.data.reason;
        if (ds && e.metadata.actor === 'daemonset-controller') {
          if (reason === 'failed') {
            emit(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${nodeOf(pod)}, will try to kill it`, controller);
          }
          emit(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, controller);
        }
        const by = event.data.preemptedBy;
        // Upstream's preemption: the victim's event names the preemptor by uid (pkg/scheduler/framework/preemption).
        if (by) emit(podRef(pod), 'Normal', 'Preempted', `Preempted by pod ${by.uid} on node ${by.nodeName}`, scheduler);
        // Upstream kills running containers only (kuberuntime killContainersWithSyncResult): a container
        // still waiting (its pull, its sandbox, a crash-loop back-off) gets no Killing.
        for (const c of pod.spec.containers) {
          if (pod.spec.nodeName && runningContainer(pod.status, c.name)) emit(podRef(pod, `spec.containers{${c.name}}`), 'Normal', 'Killing', `Stopping container ${c.name}`, kubelet(pod));
        }
        return;
      }
      case 'NodeJoined': {
        const node = after as Node;
        emit(nodeRef(node), 'Normal', 'Starting', 'Starting kubelet.', { component: 'kubelet', host: node.metadata.name });
        emit(nodeRef(node), 'Normal', 'RegisteredNode', `Node ${node.metadata.name} event: Registered Node ${node.metadata.name} in Controller`, { component: 'node-controller' });
        return;
      }
      case 'NodeCordoned':
      case 'NodeUncordoned': {
        const node = after as Node;
        const status = event.type === 'NodeCordoned' ? 'NodeNotSchedulable' : 'NodeSchedulable';
        emit(nodeRef(node), 'Normal', status, `Node ${node.metadata.name} status is now: ${status}`, { component: 'kubelet', host: node.metadata.name });
        return;
      }
      case 'RolloutDeadlineExceeded':
      case 'RolloutAutoRolledBack': {
        const r = after as { namespace: string; daemonSet: string; started: { uid: string } };
        const ds: Involved = { kind: 'DaemonSet', namespace: r.namespace, name: r.daemonSet, uid: r.started.uid, apiVersion: 'apps/v1' };
        if (event.type === 'RolloutDeadlineExceeded') emit(ds, 'Warning', 'ProgressDeadlineExceeded', event.data.message, controller);
        else emit(ds, 'Warning', 'RolledBack', `Rolled back to revision ${event.data.toRevision}: ${event.data.reason}`, controller);
        return;
      }
      case 'NodeConditionChanged': {
        const node = after as Node;
        const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
        const status = ready === 'True' ? 'NodeReady' : 'NodeNotReady';
        emit(nodeRef(node), 'Normal', status, `Node ${node.metadata.name} status is now: ${status}`, { component: 'node-controller' });
        return;
      }
    }
  }

  /**
   * The kubelet's events for a report, told from the status it changed and,
   * for a v3 kubelet's observation, what the observation says of the pulls.
   * A v3 kubelet pulls once the sandbox is up: Pulling (dated when the pull
   * began) and Pulled with upstream's duration and size, or Pulled "already
   * present" (pkg/kubelet/images/image_manager.go, EnsureImageExists); older
   * reports keep the events they always made (Pulling at ContainerCreating).
   */
  private kubeletEvents(
    before: Pod | undefined,
    pod: Pod,
    o: KubeletObservation | undefined,
    emit: (i: Involved, t: KubeEvent['type'], r: string, m: string, s: KubeEvent['source'], at?: string) => void,
    source: KubeEvent['source'],
    at: string,
  ) {
    const legacy = !o || o.legacy === true;
    const prev = before?.status;
    const next = pod.status;
    const c = pod.spec.containers[0];
    const ref = podRef(pod, `spec.containers{${c?.name}}`);
    const w0 = waitingOf(prev)?.reason;
    const w1 = waitingOf(next);
    const pulledAtCreating = legacy && w0 === 'ContainerCreating';
    if (w1 && w1.reason !== w0) {
      if (w1.reason === 'ContainerCreating' && legacy) emit(ref, 'Normal', 'Pulling', `Pulling image "${c?.image}"`, source);
      if (w1.reason === 'ErrImagePull') {
        if (!pulledAtCreating) emit(ref, 'Normal', 'Pulling', `Pulling image "${c?.image}"`, source);
        emit(ref, 'Warning', 'Failed', `Failed to pull image "${c?.image}": ${w1.message ?? ''}`, source);
        emit(ref, 'Warning', 'Failed', 'Error: ErrImagePull', source);
      }
      if (w1.reason === 'ImagePullBackOff') {
        emit(ref, 'Normal', 'BackOff', `Back-off pulling image "${c?.image}"`, source);
        emit(ref, 'Warning', 'Failed', 'Error: ImagePullBackOff', source);
      }
      if (w1.reason === 'CrashLoopBackOff') emit(ref, 'Warning', 'BackOff', `Back-off restarting failed container ${c?.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`, source);
    }
    if (runningOf(next) && !runningOf(prev)) {
      pod.spec.containers.forEach((k, i) => {
        const r = podRef(pod, `spec.containers{${k.name}}`);
        const image = k.image ?? '';
        if (legacy) {
          if (!pulledAtCreating) emit(r, 'Normal', 'Pulling', `Pulling image "${image}"`, source);
          emit(r, 'Normal', 'Pulled', `Successfully pulled image "${image}"`, source);
        } else {
          const ms = o.pulls?.[i];
          if (ms === null) emit(r, 'Normal', 'Pulled', alreadyPresentMessage(image), source);
          else {
            emit(r, 'Normal', 'Pulling', `Pulling image "${image}"`, source, seconds(new Date(Date.parse(at) - (ms ?? 0)).toISOString()));
            emit(r, 'Normal', 'Pulled', pulledMessage(image, ms ?? 0), source);
          }
        }
        emit(r, 'Normal', 'Created', `Created container: ${k.name}`, source);
        emit(r, 'Normal', 'Started', `Started container ${k.name}`, source);
      });
    }
  }

  private add(position: number, at: string, involved: Involved, type: KubeEvent['type'], reason: string, message: string, source: KubeEvent['source']) {
    const key = `${involved.kind}/${involved.namespace ?? ''}/${involved.name}/${involved.uid ?? ''}/${involved.fieldPath ?? ''}/${reason}/${message}`;
    const existing = this.byKey.get(key);
    if (existing) {
      // Aggregated repeat: the same object keeps its name, count and first time.
      const repeated: KubeEvent = { ...existing, count: existing.count + 1, lastTimestamp: at, metadata: { ...existing.metadata, resourceVersion: String(position) } };
      this.byKey.set(key, repeated);
      this.lastChanged.push({ event: repeated, added: false });
      return;
    }
    const ns = involved.namespace ?? 'default';
    this.byKey.set(key, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        // Unique per event: one log event can make several (Pulling, Pulled, Created, Started).
        name: `${involved.name}.${(position * 16 + (this.lastChanged.length % 16)).toString(16).padStart(16, '0')}`,
        namespace: ns,
        uid: `event-${position.toString(16)}-${this.byKey.size.toString(16)}`,
        resourceVersion: String(position),
        creationTimestamp: at,
      },
      involvedObject: involved,
      reason,
      message,
      source,
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    });
    this.lastChanged.push({ event: this.byKey.get(key)!, added: true });
    this.order.push(key);
    if (this.byKey.size > MAX_KUBE_EVENTS) {
      this.byKey.delete(this.order[this.head++]);
      if (this.head > MAX_KUBE_EVENTS) {
        this.order = this.order.slice(this.head);
        this.head = 0;
      }
    }
  }

  /** For snapshots: `[key, event]` in first-seen order (the eviction order). */
  toSnapshot(): [string, KubeEvent][] {
    return [...this.byKey.entries()];
  }

  /** Restores what `toSnapshot` captured into this (empty) instance. */
  fromSnapshot(entries: unknown[]): void {
    for (const [key, event] of entries as [string, KubeEvent][]) this.byKey.set(key, event);
    this.order = [...this.byKey.keys()];
    this.head = 0;
  }

  /** Events of one namespace (or all), oldest first. */
  list(namespace?: string): KubeEvent[] {
    const all = [...this.byKey.values()];
    return (namespace === undefined ? all : all.filter((e) => e.metadata.namespace === namespace)).sort(
      (a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion),
    );
  }
}
