import type { ControllerRevision, DaemonSet, Node, Pod } from '@daemonledger/domain/api/types';
import {
  evolveDaemonSet,
  evolveNode,
  evolvePod,
  evolveRevision,
} from '@daemonledger/domain/cluster/evolve';
import type {
  ControllerRevisionEvent,
  DaemonSetEvent,
  NodeEvent,
  PodEvent,
  RolloutEvent,
} from '@daemonledger/domain/cluster/events';
import { isStoredStreamKind, parseStreamId, STORED_STREAM_KINDS, type StoredStreamKind } from '@daemonledger/domain/cluster/streams';
import { nodeEventAffectsPlacement, type ObjectEvent, type StoredObjectPayload } from '@daemonledger/domain/cluster/events';
import { evolveObject } from '@daemonledger/domain/kinds/object.decider';
import { DaemonSetVersions } from './daemon-set-versions';
import { KubeEvents } from './kube-events';
import { ServiceEndpoints } from './service-endpoints';
import type { Service } from '@daemonledger/domain/kinds/service';
import { rawEntriesOf, type Unparsed } from './encoded-map';
import { ALL_STREAM_KINDS, CORE_STREAM_KINDS, mapPart, namespacedPart, type SnapshotPart, textNamespacedPart } from './snapshot-part';
import { RolloutTimelines } from './rollout-timelines';
import { podTargetNode } from '@daemonledger/domain/controller';
import { type CanaryRecord, NO_CONTROLS, recordControl, type RecordedControls, stuckReason } from '@daemonledger/domain/rollout-controls/rollout-decisions';
import type { RecordedEvent } from '@daemonledger/event-store/event-store.port';

/** One rollout as the audit view sees it (the fold of its rollout stream). */
export interface RolloutView {
  namespace: string;
  daemonSet: string;
  rollout: number;
  streamId: string;
  state: 'running' | 'stalled' | 'paused' | 'holding' | 'completed' | 'superseded' | 'rolledback';
  /** The rollout controls its stream has recorded (README "Rollout controls"). */
  controls: RecordedControls;
  /** When it last made progress (started, moved, resumed, or a control released nodes): the progress deadline runs from here. */
  progressAt: string;
  /** Past its progress deadline (RolloutDeadlineExceeded) and not moved since. */
  deadlineExceeded?: boolean;
  /** Its canary (annotation canary): held, passed or failed. */
  canary?: CanaryRecord;
  startedAt: string;
  endedAt?: string;
  started: Extract<RolloutEvent, { type: 'RolloutStarted' }>['data'];
  last?: { desired: number; updated: number; available: number; unavailable: number };
  stalledReason?: string;
  position: number;
}

export interface TemplateChange {
  position: number;
  eventId: string;
  correlationId: string;
  changeCause?: string;
  actor?: string;
}

type NamespacedMap<T> = Map<string, Map<string, T>>;

const getIn = <T>(m: NamespacedMap<T>, ns: string, name: string) => m.get(ns)?.get(name);
const setIn = <T>(m: NamespacedMap<T>, ns: string, name: string, value: T | undefined) => {
  let inner = m.get(ns);
  if (value === undefined) {
    inner?.delete(name);
    if (inner && inner.size === 0) m.delete(ns);
    return;
  }
  if (!inner) m.set(ns, (inner = new Map()));
  inner.set(name, value);
};

/**
 * The read model of the whole cluster: every DaemonSet, pod, node,
 * ControllerRevision and rollout, folded from the log in global order. It is
 * the projection the API serves and the planner reads. `position` is the
 * global position of the last event applied; each object's resourceVersion is
 * the position of the last event that changed it.
 */
export class ClusterView {
  position = 0;
  /**
   * Whether this view keeps what is derived from several kinds of stream: the
   * core/v1 Events, the rollout timelines and the pod index by controller.
   * The live view does; a past read of pods, nodes, DaemonSets or
   * ControllerRevisions serves none of them, so its fold skips that work.
   */
  readonly derived: boolean;

  constructor(options: { derived?: boolean } = {}) {
    this.derived = options.derived ?? true;
  }

  readonly daemonSets: NamespacedMap<DaemonSet> = new Map();
  readonly pods: NamespacedMap<Pod> = new Map();
  readonly revisions: NamespacedMap<ControllerRevision> = new Map();
  readonly nodes = new Map<string, Node>();
  /** The generic stored kinds (namespaces, configmaps, secrets, …), per kind; cluster-scoped ones under namespace ''. */
  readonly objects = new Map<StoredStreamKind, NamespacedMap<StoredObjectPayload>>(STORED_STREAM_KINDS.map((k) => [k, new Map()]));
  readonly rollouts = new Map<string, RolloutView>();
  /**
   * Per DaemonSet (`ns/name`): the last template change — who asked and why.
   * A rollout's audit trail is correlated with it.
   */
  readonly templateChanges = new Map<string, TemplateChange>();
  /** core/v1 Events derived from the log (what `kubectl describe` shows). */
  readonly events = new KubeEvents();
  /** Endpoints and EndpointSlices of Services with selectors, derived from pods and Services (service-endpoints.ts). */
  readonly serviceEndpoints = new ServiceEndpoints();
  /** Last revision of every stream seen: the expected revision for the next append. */
  readonly streamRevisions = new Map<string, number>();
  /** The DaemonSet versions compact `PodCreated` events refer to (fold state: snapshot it too). */
  readonly daemonSetVersions = new DaemonSetVersions();
  /** The DaemonSet as it was at `version` (what a compact PodCreated was built from). */
  readonly daemonSetAt = (ns: string, name: string, version: number) => this.daemonSetVersions.at(ns, name, version, getIn(this.daemonSets, ns, name));
  /** The rollouts API's view: per-rollout, per-node timelines and audit index (replaced whole when restored from a snapshot). */
  rolloutTimelines = new RolloutTimelines();

  apply(e: RecordedEvent): void {
    if (e.position <= this.position) return; // already applied (at-least-once delivery)
    // A deleted pod is gone after the fold: the timeline needs it as it was.
    if (!this.derived) return this.applyObject(e);
    const podBefore = e.type === 'PodDeleted' ? this.podOfStream(e.streamId) : undefined;
    this.applyObject(e);
    this.rolloutTimelines.apply(e, this, podBefore);
  }

  private podOfStream(streamId: string) {
    const ref = parseStreamId(streamId);
    return ref?.kind === 'pod' ? getIn(this.pods, ref.namespace ?? '', ref.name) : undefined;
  }

  private applyObject(e: RecordedEvent): void {
    this.position = e.position;
    this.streamRevisions.set(e.streamId, e.revision);
    const ref = parseStreamId(e.streamId);
    if (!ref) return;
    const rv = String(e.position);
    const ns = ref.namespace ?? '';
    if (isStoredStreamKind(ref.kind)) {
      const map = this.objects.get(ref.kind)!;
      setIn(map, ns, ref.name, evolveObject(getIn(map, ns, ref.name), e as unknown as ObjectEvent, rv));
      if (ref.kind === 'service' && this.derived) {
        const svc = getIn(map, ns, ref.name) as unknown as Service | undefined;
        this.serviceEndpoints.serviceChanged(e.position, e.metadata.wallTime ?? e.recordedAt, ns, ref.name, svc, () => this.podsIn(ns));
      }
      return;
    }
    switch (ref.kind) {
      case 'daemonset':
        if (e.type === 'DaemonSetCreated' || (e.type === 'DaemonSetSpecChanged' && (e.data as { templateChanged?: boolean }).templateChanged)) {
          // The change-cause of this change: the command's own, or a change-cause annotation this
          // very change set (kubectl --record). An annotation merely carried over is not its cause.
          const prevCause = getIn(this.daemonSets, ns, ref.name)?.metadata.annotations?.['kubernetes.io/change-cause'];
          const set =
            e.type === 'DaemonSetCreated'
              ? (e.data as { daemonSet: DaemonSet }).daemonSet.metadata.annotations?.['kubernetes.io/change-cause']
              : (e.data as { changeCause?: string }).changeCause;
          const changeCause = e.metadata.changeCause ?? (set !== undefined && set !== prevCause ? set : undefined);
          this.templateChanges.set(`${ns}/${ref.name}`, {
            position: e.position,
            eventId: e.id,
            correlationId: e.metadata.correlationId ?? e.id,
            ...(changeCause ? { changeCause } : {}),
            actor: e.metadata.actor,
          });
        } else if (e.type === 'DaemonSetDeleted') {
          this.templateChanges.delete(`${ns}/${ref.name}`);
        }
        {
          const ds = evolveDaemonSet(getIn(this.daemonSets, ns, ref.name), e as unknown as DaemonSetEvent, rv);
          setIn(this.daemonSets, ns, ref.name, ds);
          this.daemonSetVersions.record(ns, ref.name, e.position, ds, e.type === 'DaemonSetStatusChanged');
        }
        return;
      case 'pod': {
        const before = getIn(this.pods, ns, ref.name);
        const after = evolvePod(before, e as unknown as PodEvent, rv, { namespace: ns, name: ref.name, daemonSetAt: this.daemonSetAt });
        setIn(this.pods, ns, ref.name, after);
        if (!this.derived) return;
        this.indexPod(ns, ref.name, before, after);
        this.events.record(e, before, after);
        const services = this.objectsOf('service', ns) as unknown as Service[];
        if (services.length) this.serviceEndpoints.podChanged(e.position, e.metadata.wallTime ?? e.recordedAt, ns, before, after, services, () => this.podsIn(ns));
        return;
      }
      case 'controllerrevision':
        setIn(this.revisions, ns, ref.name, evolveRevision(getIn(this.revisions, ns, ref.name), e as unknown as ControllerRevisionEvent, rv));
        return;
      case 'node': {
        const before = this.nodes.get(ref.name);
        const next = evolveNode(before, e as unknown as NodeEvent, rv);
        if (next) this.nodes.set(ref.name, next);
        else this.nodes.delete(ref.name);
        this.sortedNodes = undefined;
        if (nodeEventAffectsPlacement(e.type)) for (const c of this.planChanges.values()) c.targets.add(ref.name);
        if (this.derived) this.events.record(e, before, next);
        return;
      }
      case 'rollout': {
        this.applyRollout(e.streamId, e as unknown as RolloutEvent & { position: number; metadata: { wallTime?: string } }, e.position, e.recordedAt);
        // What the rollout controls did to the DaemonSet, as Events on it (kubectl describe ds).
        const r = this.rollouts.get(e.streamId);
        if (this.derived && r && (e.type === 'RolloutDeadlineExceeded' || e.type === 'RolloutAutoRolledBack')) this.events.record(e, undefined, r);
        return;
      }
    }
  }

  private applyRollout(streamId: string, e: RolloutEvent, position: number, at: string) {
    if (e.type === 'RolloutStarted') {
      this.rollouts.set(streamId, {
        namespace: e.data.namespace,
        daemonSet: e.data.daemonSet,
        rollout: e.data.rollout,
        streamId,
        state: 'running',
        controls: NO_CONTROLS,
        progressAt: at,
        startedAt: at,
        started: e.data,
        position,
      });
      return;
    }
    const r = this.rollouts.get(streamId);
    if (!r) return;
    const { desired, updated, available, unavailable } = e.data;
    const next: RolloutView = { ...r, last: { desired, updated, available, unavailable }, position };
    if (e.type === 'RolloutStalled') Object.assign(next, { state: 'stalled', stalledReason: e.data.reason });
    if (e.type === 'RolloutProgressed' && (r.state === 'stalled' || r.state === 'holding')) next.state = 'running';
    next.controls = recordControl(r.controls ?? NO_CONTROLS, e);
    if (e.type === 'RolloutPaused') next.state = 'paused';
    if (e.type === 'RolloutResumed' || ((e.type === 'RolloutPartitionChanged' || e.type === 'RolloutWaveStarted') && r.state === 'holding')) next.state = 'running';
    if (e.type === 'RolloutHeld') next.state = 'holding';
    // Progress, for the deadline, is more pods updated or available (as a Deployment's), or a control that lets the rollout go on.
    const advanced = e.type === 'RolloutProgressed' && (updated > (r.last?.updated ?? 0) || available > (r.last?.available ?? 0));
    if (advanced || e.type === 'RolloutResumed' || e.type === 'RolloutPartitionChanged' || e.type === 'RolloutWaveStarted') {
      Object.assign(next, { progressAt: at, deadlineExceeded: undefined });
    }
    if (e.type === 'RolloutDeadlineExceeded') Object.assign(next, { state: 'stalled', stalledReason: 'ProgressDeadlineExceeded', deadlineExceeded: true });
    if (e.type === 'RolloutAutoRolledBack') Object.assign(next, { state: 'rolledback', endedAt: at });
    if (e.type === 'RolloutCanaryHeld') Object.assign(next, { state: 'holding', canary: { heldAtMs: Date.parse(at), pods: e.data.pods, restarts: e.data.restarts } });
    if (e.type === 'RolloutCanaryPassed') Object.assign(next, { state: 'running', canary: { ...r.canary, passed: true }, progressAt: at, deadlineExceeded: undefined });
    if (e.type === 'RolloutCanaryFailed') Object.assign(next, { state: 'stalled', stalledReason: 'CanaryFailed', canary: { ...r.canary, failed: true } });
    if (e.type === 'RolloutCompleted') Object.assign(next, { state: 'completed', endedAt: at });
    if (e.type === 'RolloutSuperseded' && r.state !== 'rolledback') Object.assign(next, { state: 'superseded', endedAt: at });
    this.rollouts.set(streamId, next);
  }

  private sortedNodes?: Node[];
  /** Pods by the uid of their controller (`''`: no controller, per namespace): what one DaemonSet's sync reads. */
  private readonly podsByController = new Map<string, Map<string, Pod>>();

  /**
   * Bound pods by `spec.nodeName`, and unbound ones by the node they are
   * pinned to (`podTargetNode`; '' when none): what the scheduler reads (a
   * node's pods; the pending pods that room on a node may help). Derived from
   * the pods, never stored: rebuilt when pods are restored from a snapshot.
   */
  private readonly podsByNode = new Map<string, Map<string, Pod>>();
  private readonly unboundByTarget = new Map<string, Map<string, Pod>>();
  /** The last pod event folded, with the pod before and after it (a deleted pod's node is known only from before). */
  lastPodChange?: { position: number; before?: Pod; after?: Pod };

  private indexPod(ns: string, name: string, before: Pod | undefined, after: Pod | undefined) {
    const slot = (pod: Pod) => {
      const controller = pod.metadata.ownerReferences?.find((o) => o.controller);
      return controller ? `uid:${controller.uid}` : `orphans:${ns}`;
    };
    const key = `${ns}/${name}`;
    if (before) this.podsByController.get(slot(before))?.delete(key);
    if (after) {
      const s = slot(after);
      let m = this.podsByController.get(s);
      if (!m) this.podsByController.set(s, (m = new Map()));
      m.set(key, after);
    }
    if (before) this.unindexNode(key, before);
    if (after) this.indexNode(key, after);
    if (before) this.stuck.get(slot(before))?.delete(key);
    if (after) this.indexStuck(slot(after), key, after);
    this.lastPodChange = { position: this.position, before, after };
    if (this.planChanges.size) {
      if (before) this.podChangedForPlans(ns, before);
      if (after) this.podChangedForPlans(ns, after);
    }
  }

  /**
   * What changed for each DaemonSet's incremental planner since it last asked
   * (`takePlanChanges`): the target nodes of its pods and of its namespace's
   * orphans that changed, and every node that changed. Keyed by the
   * DaemonSet's uid; `all` until it first asks, and after a restore.
   */
  private readonly planChanges = new Map<string, { namespace: string; targets: Set<string>; all: boolean }>();

  private podChangedForPlans(ns: string, pod: Pod) {
    const target = podTargetNode(pod) ?? '';
    const controller = pod.metadata.ownerReferences?.find((o) => o.controller);
    if (controller) this.planChanges.get(controller.uid)?.targets.add(target);
    else for (const c of this.planChanges.values()) if (c.namespace === ns) c.targets.add(target);
  }

  /** The targets (node names; '' for pods without one) whose node or pods changed for the DaemonSet `uid` since the last call; 'all' on the first. */
  takePlanChanges(ns: string, uid: string): Iterable<string> | 'all' {
    const c = this.planChanges.get(uid);
    if (!c || c.namespace !== ns) {
      this.planChanges.set(uid, { namespace: ns, targets: new Set(), all: false });
      return 'all';
    }
    const out = c.all ? 'all' : c.targets;
    this.planChanges.set(uid, { namespace: ns, targets: new Set(), all: false });
    return out;
  }

  /** Stops tracking changes for a DaemonSet that is gone. */
  forgetPlanChanges(uid: string) {
    this.planChanges.delete(uid);
  }

  /** The pods a DaemonSet's sync may claim whose target node is `target` ('' for none): its own and the namespace's orphans. */
  *podsForPlan(ns: string, uid: string, target: string): Iterable<Pod> {
    const slots = target === '' ? [this.unboundByTarget.get('')] : [this.podsByNode.get(target), this.unboundByTarget.get(target)];
    for (const slot of slots) {
      for (const pod of slot?.values() ?? []) {
        if (pod.metadata.namespace !== ns) continue;
        const controller = pod.metadata.ownerReferences?.find((o) => o.controller);
        if (!controller || controller.uid === uid) yield pod;
      }
    }
  }

  private nodeSlot(pod: Pod): [Map<string, Map<string, Pod>>, string] {
    return pod.spec.nodeName ? [this.podsByNode, pod.spec.nodeName] : [this.unboundByTarget, podTargetNode(pod) ?? ''];
  }

  private indexNode(key: string, pod: Pod) {
    const [index, node] = this.nodeSlot(pod);
    let m = index.get(node);
    if (!m) index.set(node, (m = new Map()));
    m.set(key, pod);
  }

  private unindexNode(key: string, pod: Pod) {
    const [index, node] = this.nodeSlot(pod);
    const m = index.get(node);
    m?.delete(key);
    if (m?.size === 0) index.delete(node);
  }

  /** Pods that cannot start by themselves (`stuckReason`), by controller slot as `podsByController`: what the rollout tracker looks for after each sync. */
  private readonly stuck = new Map<string, Map<string, Pod>>();

  private indexStuck(slot: string, key: string, pod: Pod) {
    if (!stuckReason(pod)) return;
    let m = this.stuck.get(slot);
    if (!m) this.stuck.set(slot, (m = new Map()));
    m.set(key, pod);
  }

  /** The pods controlled by `uid` that cannot start by themselves (an image that cannot be pulled, a crash loop, …). */
  stuckPodsOf(uid: string): Pod[] {
    return [...(this.stuck.get(`uid:${uid}`)?.values() ?? [])];
  }

  /** Rebuilds the node indexes from the pods (after a snapshot restore). */
  private reindexNodes() {
    for (const c of this.planChanges.values()) c.all = true;
    this.podsByNode.clear();
    this.unboundByTarget.clear();
    this.stuck.clear();
    for (const [ns, inner] of this.pods) {
      for (const [name, pod] of inner) {
        this.indexNode(`${ns}/${name}`, pod);
        const controller = pod.metadata.ownerReferences?.find((o) => o.controller);
        if (controller) this.indexStuck(`uid:${controller.uid}`, `${ns}/${name}`, pod);
      }
    }
  }

  /** The pods bound to `nodeName` (any phase: the caller decides which still hold room). */
  podsOnNode(nodeName: string): Iterable<Pod> {
    return this.podsByNode.get(nodeName)?.values() ?? [];
  }

  /** Unbound pods nominated to `nodeName` (where the scheduler preempted for them): pinned to it, or pinned to none. */
  *nominatedTo(nodeName: string): Iterable<Pod> {
    for (const slot of [nodeName, '']) {
      for (const pod of this.unboundByTarget.get(slot)?.values() ?? []) if (pod.status?.nominatedNodeName === nodeName) yield pod;
    }
  }

  /** Unbound pods: all of them, or only those room on `nodeName` may help (pinned to it, or pinned to none). */
  unboundPods(nodeName?: string): Pod[] {
    if (nodeName === undefined) return [...this.unboundByTarget.values()].flatMap((m) => [...m.values()]);
    return [...(this.unboundByTarget.get(nodeName)?.values() ?? []), ...(nodeName !== '' ? (this.unboundByTarget.get('')?.values() ?? []) : [])];
  }

  /**
   * The pods a DaemonSet's sync must look at: those it controls, plus the
   * namespace's orphans it may adopt (pods controlled by anything else are
   * never its business) — what upstream's controller lists too.
   */
  podsForController(ns: string, uid: string): Pod[] {
    const own = [...(this.podsByController.get(`uid:${uid}`)?.values() ?? [])].filter((p) => p.metadata.namespace === ns);
    return [...own, ...(this.podsByController.get(`orphans:${ns}`)?.values() ?? [])];
  }

  /** Every node, sorted by name; the same array until a node changes (the planner walks nodes in this order). */
  nodeList(): Node[] {
    return (this.sortedNodes ??= [...this.nodes.values()].sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0)));
  }

  daemonSet(ns: string, name: string) {
    return getIn(this.daemonSets, ns, name);
  }
  pod(ns: string, name: string) {
    return getIn(this.pods, ns, name);
  }
  revision(ns: string, name: string) {
    return getIn(this.revisions, ns, name);
  }
  podsIn(ns: string): Pod[] {
    return [...(this.pods.get(ns)?.values() ?? [])];
  }
  revisionsIn(ns: string): ControllerRevision[] {
    return [...(this.revisions.get(ns)?.values() ?? [])];
  }
  allDaemonSets(): DaemonSet[] {
    return [...this.daemonSets.values()].flatMap((m) => [...m.values()]);
  }
  /**
   * The pods of `ns` (all namespaces when undefined) in `byName` order
   * (`namespace/name`), each as an object or, when restored from a snapshot
   * and read by no one since, still as its JSON text: list encoders send
   * that text as it is (see encoded-map.ts).
   */
  podsAsStored(ns?: string): { namespace: string; name: string; pod: Pod | Unparsed<Pod> }[] {
    const out: { namespace: string; name: string; pod: Pod | Unparsed<Pod>; key: string }[] = [];
    for (const [namespace, inner] of this.pods) {
      if (ns !== undefined && namespace !== ns) continue;
      for (const [name, pod] of rawEntriesOf(inner)) out.push({ namespace, name, pod, key: `${namespace}/${name}` });
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
  allPods(): Pod[] {
    return [...this.pods.values()].flatMap((m) => [...m.values()]);
  }
  allRevisions(): ControllerRevision[] {
    return [...this.revisions.values()].flatMap((m) => [...m.values()]);
  }
  rolloutsOf(ns: string, name: string): RolloutView[] {
    return [...this.rollouts.values()].filter((r) => r.namespace === ns && r.daemonSet === name).sort((a, b) => a.rollout - b.rollout);
  }
  /** One stored object (namespace '' for cluster-scoped kinds). */
  object(kind: StoredStreamKind, ns: string, name: string): StoredObjectPayload | undefined {
    return getIn(this.objects.get(kind)!, ns, name);
  }
  /** Stored objects of a kind in one namespace, or in all when undefined. */
  objectsOf(kind: StoredStreamKind, ns?: string): StoredObjectPayload[] {
    const map = this.objects.get(kind)!;
    if (ns !== undefined) return [...(map.get(ns)?.values() ?? [])];
    return [...map.values()].flatMap((m) => [...m.values()]);
  }
  expectedRevision(streamId: string): number | 'no_stream' {
    return this.streamRevisions.get(streamId) ?? 'no_stream';
  }

  /**
   * What a snapshot of this view holds, one line per part, restored in this
   * order (snapshot-codec.ts serialises them). Each names the stream kinds it
   * is folded from, so a past read of one resource restores only the parts
   * its fold needs. A new part of the view is one more line here (the
   * projection code version then changes by itself: old snapshots are rebuilt).
   */
  snapshotParts(): Record<string, SnapshotPart> {
    return {
      daemonSets: namespacedPart(this.daemonSets, ['daemonset']),
      templateChanges: mapPart(this.templateChanges, ['daemonset']),
      // Lists grow in place as versions are recorded: captured as copies of the lists (the DaemonSets in them are shared).
      daemonSetVersions: {
        kinds: ['daemonset'],
        toSnapshot: () => [...this.daemonSetVersions.byName].map(([key, list]) => [key, [...list]]),
        fromSnapshot: (entries) => {
          for (const [key, list] of entries as [string, { position: number; daemonSet: DaemonSet }[]][]) this.daemonSetVersions.byName.set(key, [...list]);
        },
      },
      revisions: namespacedPart(this.revisions, ['controllerrevision']),
      pods: this.podsPart(),
      podIndex: {
        kinds: ['pod'],
        // Slot → pod keys, in the index's own order, so a restored view walks pods as the original did.
        toSnapshot: () => [...this.podsByController].map(([slot, pods]) => [slot, [...pods.keys()]]),
        fromSnapshot: (entries) => {
          for (const [slot, keys] of entries as [string, string[]][]) {
            const at = (key: string) => this.pod(key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1));
            this.podsByController.set(slot, new Map(keys.map((k) => [k, at(k)!])));
          }
        },
      },
      nodes: mapPart(this.nodes, ['node'], () => {
        this.sortedNodes = undefined;
        for (const c of this.planChanges.values()) c.all = true;
      }),
      ...Object.fromEntries(STORED_STREAM_KINDS.map((k) => [`objects.${k}`, namespacedPart(this.objects.get(k)!, [k])])),
      rollouts: mapPart(this.rollouts, ['rollout']),
      serviceEndpoints: { kinds: ['pod', 'service'], toSnapshot: () => this.serviceEndpoints.toSnapshot(), fromSnapshot: (e) => this.serviceEndpoints.fromSnapshot(e) },
      events: { kinds: ['pod', 'node'], toSnapshot: () => this.events.toSnapshot(), fromSnapshot: (e) => this.events.fromSnapshot(e) },
      streamRevisions: mapPart(this.streamRevisions, ALL_STREAM_KINDS),
      rolloutTimelines: {
        kinds: CORE_STREAM_KINDS,
        // One line per rollout, as text made at capture (records change in place): finished rollouts reuse theirs.
        textValues: true,
        toSnapshot: () => this.rolloutTimelines.snapshotEntries(),
        fromSnapshot: (entries) => void (entries.length && (this.rolloutTimelines = RolloutTimelines.fromSnapshotEntries(entries))),
      },
    };
  }

  /** Pods restored unparsed only in a lean view (a past read), which reads few of them; the live view rebuilds its node indexes. */
  private podsPart(): SnapshotPart {
    const part = textNamespacedPart(this.pods, ['pod'], () => !this.derived);
    return {
      ...part,
      fromSnapshot: (entries) => {
        part.fromSnapshot(entries);
        if (this.derived) this.reindexNodes();
      },
    };
  }

  /** A comparable, order-independent rendering of every object, for replay-equality tests. */
  snapshot() {
    const sortByKey = <T extends { metadata: { namespace?: string; name?: string } }>(xs: T[]) =>
      [...xs].sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
    return {
      position: this.position,
      daemonSets: sortByKey(this.allDaemonSets()),
      pods: sortByKey(this.allPods()),
      revisions: sortByKey(this.allRevisions()),
      nodes: sortByKey([...this.nodes.values()]),
      rollouts: [...this.rollouts.values()].sort((a, b) => a.streamId.localeCompare(b.streamId)),
      // Only kinds that hold objects: a log without stored kinds (every log before them) renders as it did.
      ...this.storedSnapshot(sortByKey),
    };
  }

  private storedSnapshot(sort: <T extends { metadata: { namespace?: string; name?: string } }>(xs: T[]) => T[]) {
    const entries = STORED_STREAM_KINDS.map((k) => [k, sort(this.objectsOf(k))] as const).filter(([, xs]) => xs.length > 0);
    return entries.length ? { objects: Object.fromEntries(entries) } : {};
  }
}
