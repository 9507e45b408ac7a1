import type { Pod, PodCondition } from '../api/types';
import { isPodAvailable } from '../controller/pods';
import { budgets, type DaemonSetFacts, type DaemonSetRegistry, type Finding, surgeAllowed } from './daemon-sets';
import { parseStreamId } from '../cluster/streams';
import { createdPodFacts, eventTime, type LoggedEvent, ownerAfter, reportedPodFacts } from './log-event';

interface PodFacts {
  name: string;
  owner?: string;
  node?: string;
  ready?: PodCondition;
  terminal: boolean;
  deleting: boolean;
}

/** One DaemonSet's live pods by node, and how many nodes have a Ready one. */
interface DaemonPods {
  nodes: Map<string, PodFacts[]>;
  readyNodes: number;
  /** Nodes with two live pods or more (a surge): few, so scanned when needed. */
  shared: Set<string>;
  /** Ready pods that may still be inside minReadySeconds. */
  recentlyReady: Set<PodFacts>;
}

/** A pod counts for invariants 1 and 2 while it has an owner and a node, is not terminal and was not asked to stop. */
const live = (p: PodFacts) => p.owner !== undefined && p.node !== undefined && !p.terminal && !p.deleting;
const ready = (p: PodFacts) => p.ready?.status === 'True';

/** The rolling update's own deletions (planner reasons): the ones invariant 2 holds the controller to. */
const ROLLING_REASONS = new Set(['rolling-update', 'surge-replaced']);

export interface PodStats {
  podsCreated: number;
  rollingDeletions: number;
  /** Most live pods of one DaemonSet seen on one node. */
  maxPodsPerNode: number;
  /** Most should-run nodes without a Ready pod seen while a template change rolled out (desired − ready nodes). */
  maxUnavailableSeen: number;
  /** A PodCreated for a pod that was still there. */
  duplicates: number;
  live: number;
}

/**
 * Invariants 1 and 2 over the pod streams, with state per pod that is alive
 * and per (DaemonSet, node), never per event:
 * - one-pod-per-node: a pod joining a node (created, adopted) may not make it
 *   two live pods of the DaemonSet outside a surge, or three during one; a
 *   surge pod created next to an available old one may not bring the nodes
 *   surging (old available, new not yet) above the scaled maxSurge.
 * - max-unavailable: a deletion by the rolling update of an available pod may
 *   not leave more should-run nodes without an available pod than the scaled
 *   maxUnavailable. Unavailability the controller did not cause (a crash, a
 *   node joining) is not its violation; `maxUnavailableSeen` still shows it.
 */
export class DaemonPodRules {
  private readonly pods = new Map<string, PodFacts>();
  private readonly byDaemonSet = new Map<string, DaemonPods>();
  readonly stats: PodStats = { podsCreated: 0, rollingDeletions: 0, maxPodsPerNode: 0, maxUnavailableSeen: 0, duplicates: 0, live: 0 };

  constructor(private readonly daemonSets: DaemonSetRegistry) {}

  apply(e: LoggedEvent): Finding | undefined {
    const finding = this.step(e);
    const pod = this.pods.get(e.streamId);
    const ds = this.daemonSets.find(pod?.owner);
    if (ds?.rolling && ds.desired > 0) {
      const unavailable = ds.desired - (this.byDaemonSet.get(ds.uid)?.readyNodes ?? 0);
      this.stats.maxUnavailableSeen = Math.max(this.stats.maxUnavailableSeen, unavailable);
    }
    return finding;
  }

  private step(e: LoggedEvent): Finding | undefined {
    const pod = this.pods.get(e.streamId);
    switch (e.type) {
      case 'PodCreated': {
        if (pod && !pod.deleting) this.stats.duplicates++;
        if (pod) this.change(pod, () => (pod.deleting = true));
        const ref = parseStreamId(e.streamId);
        const facts = createdPodFacts(e.data, ref?.namespace ?? '', (ns, name) => this.daemonSets.uidOf(ns, name));
        const created: PodFacts = { name: ref ? `${ref.namespace}/${ref.name}` : e.streamId, owner: facts.owner, node: facts.node, terminal: false, deleting: false };
        this.pods.set(e.streamId, created);
        this.stats.podsCreated++;
        this.attach(created);
        return this.checkJoin(created, e, true);
      }
      case 'PodBound':
        if (!pod || pod.node === e.data.nodeName) return undefined;
        this.change(pod, () => (pod.node = e.data.nodeName));
        return this.checkJoin(pod, e, false);
      case 'PodOwnerChanged': {
        if (!pod) return undefined;
        const owner = ownerAfter(e.data);
        if (owner === pod.owner) return undefined;
        this.change(pod, () => (pod.owner = owner));
        return owner === undefined ? undefined : this.checkJoin(pod, e, false);
      }
      case 'PodStatusReported':
        if (pod) {
          const facts = reportedPodFacts(e.data);
          this.change(pod, () => {
            pod.ready = facts.ready;
            pod.terminal = facts.terminal;
          });
        }
        return undefined;
      case 'PodDeletionRequested': {
        if (!pod || pod.deleting) return undefined;
        const ds = this.daemonSets.find(pod.owner);
        const now = eventTime(e);
        const wasAvailable = live(pod) && ds !== undefined && this.available(pod, ds, now);
        this.change(pod, () => (pod.deleting = true));
        if (!ds || !ROLLING_REASONS.has(e.data.reason)) return undefined;
        this.stats.rollingDeletions++;
        return wasAvailable ? this.checkUnavailable(pod, ds, now) : undefined;
      }
      case 'PodDeleted':
        if (pod) this.change(pod, () => (pod.deleting = true));
        this.pods.delete(e.streamId);
        return undefined;
      default:
        return undefined;
    }
  }

  /** Applies `mutate` to a pod, keeping the per-DaemonSet index and counts right. */
  private change(pod: PodFacts, mutate: () => void): void {
    this.detach(pod);
    mutate();
    this.attach(pod);
  }

  private detach(pod: PodFacts): void {
    if (!live(pod)) return;
    this.stats.live--;
    const d = this.byDaemonSet.get(pod.owner!)!;
    const on = d.nodes.get(pod.node!)!;
    const hadReady = on.some(ready);
    on.splice(on.indexOf(pod), 1);
    if (hadReady && !on.some(ready)) d.readyNodes--;
    if (on.length < 2) d.shared.delete(pod.node!);
    if (on.length === 0) d.nodes.delete(pod.node!);
    d.recentlyReady.delete(pod);
    if (d.nodes.size === 0) this.byDaemonSet.delete(pod.owner!);
  }

  private attach(pod: PodFacts): void {
    if (!live(pod)) return;
    this.stats.live++;
    let d = this.byDaemonSet.get(pod.owner!);
    if (!d) this.byDaemonSet.set(pod.owner!, (d = { nodes: new Map(), readyNodes: 0, shared: new Set(), recentlyReady: new Set() }));
    let on = d.nodes.get(pod.node!);
    if (!on) d.nodes.set(pod.node!, (on = []));
    const hadReady = on.some(ready);
    on.push(pod);
    if (!hadReady && ready(pod)) d.readyNodes++;
    if (on.length >= 2) d.shared.add(pod.node!);
    if (ready(pod) && (this.daemonSets.find(pod.owner)?.minReadySeconds ?? 0) > 0) d.recentlyReady.add(pod);
    this.stats.maxPodsPerNode = Math.max(this.stats.maxPodsPerNode, on.length);
  }

  private available(pod: PodFacts, ds: DaemonSetFacts, now: number): boolean {
    const asPod = { metadata: {}, spec: { containers: [] }, status: { conditions: pod.ready ? [pod.ready] : [] } } as unknown as Pod;
    return isPodAvailable(asPod, ds.minReadySeconds, now);
  }

  /** Should-run nodes with an available pod: the Ready ones, less those whose Ready pods are all still inside minReadySeconds. */
  private availableNodes(ds: DaemonSetFacts, d: DaemonPods, now: number): number {
    const waiting = new Set<string>();
    for (const p of d.recentlyReady) {
      if (this.available(p, ds, now)) d.recentlyReady.delete(p);
      else waiting.add(p.node!);
    }
    let n = d.readyNodes;
    for (const node of waiting) if (!d.nodes.get(node)!.some((p) => ready(p) && this.available(p, ds, now))) n--;
    return n;
  }

  private checkUnavailable(pod: PodFacts, ds: DaemonSetFacts, now: number): Finding | undefined {
    const b = budgets(ds);
    if (!b || ds.desired === 0) return undefined;
    const d = this.byDaemonSet.get(ds.uid);
    const unavailable = ds.desired - (d ? this.availableNodes(ds, d, now) : 0);
    if (unavailable <= b.maxUnavailable) return undefined;
    return {
      rule: 'max-unavailable',
      message: `the rolling update of daemonset ${ds.key} stopped available pod ${pod.name} on ${pod.node}: ${unavailable} of ${ds.desired} nodes without an available pod, maxUnavailable allows ${b.maxUnavailable} (invariant 2)`,
    };
  }

  private checkJoin(pod: PodFacts, e: LoggedEvent, created: boolean): Finding | undefined {
    if (!live(pod)) return undefined;
    const ds = this.daemonSets.find(pod.owner);
    const d = this.byDaemonSet.get(pod.owner!)!;
    const on = d.nodes.get(pod.node!)!;
    const key = ds?.key ?? `uid ${pod.owner}`;
    const surge = ds !== undefined && surgeAllowed(ds);
    if (on.length > (surge ? 2 : 1)) {
      const names = on.map((p) => p.name).join(', ');
      return {
        rule: 'one-pod-per-node',
        message: `${on.length} live pods of daemonset ${key} on node ${pod.node} (${names}); at most ${surge ? '2 during a surge' : '1 outside a surge'} (invariant 1)`,
      };
    }
    if (!surge || !created || on.length !== 2) return undefined;
    const now = eventTime(e);
    if (!this.available(on[0], ds!, now)) return undefined; // replacing an unavailable pod: not limited by maxSurge
    const b = budgets(ds!);
    if (!b) return undefined;
    const surging = [...d.shared].filter((node) => {
      const pods = d.nodes.get(node)!;
      return this.available(pods[0], ds!, now) && !this.available(pods[pods.length - 1], ds!, now);
    }).length;
    if (surging <= b.maxSurge) return undefined;
    return {
      rule: 'one-pod-per-node',
      message: `surge pod ${pod.name} on node ${pod.node} makes ${surging} nodes of daemonset ${key} run an old and a new pod at once; maxSurge allows ${b.maxSurge} (invariant 1)`,
    };
  }
}
