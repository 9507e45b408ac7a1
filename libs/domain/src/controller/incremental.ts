/**
 * Incremental planning (README "Planning at scale"): the very plan `syncDaemonSet` gives, at a cost
 * that follows what changed since the previous sync instead of the cluster's size.
 *
 * The planner keeps, per target node, what each phase of a sync concludes about it (its `Facts`:
 * manage's verdict, its class in the rolling update's walk, its share of the status counters, the
 * revision hashes its pods carry) and the sums and ordered sets of nodes those make. A sync
 * re-reads only the nodes it is told changed (their node object or their pods), the nodes it
 * touched itself last time, and the few whose verdict depends on the clock (a failed pod in
 * backoff, a ready pod waiting for minReadySeconds). Every phase's walk then reduces to sums and
 * "the first k nodes of a class in walk order":
 * - maxSurge = 0: the walk takes an available old pod only while fewer than maxUnavailable nodes
 *   were unavailable so far, then keeps `maxUnavailable - unavailable` of them. That is the first
 *   `maxUnavailable - unavailable(total)` candidates when the total is under the budget, and none
 *   otherwise, which needs no walk.
 * - maxSurge > 0: the same argument with `surging` and maxSurge.
 * The rest is per node. Writes of the sync are applied to the facts of the nodes they touch
 * (upstream's model: each phase sees the previous phase's writes) and those nodes are re-read
 * at the next sync.
 *
 * Whatever the facts depend on besides the node and its pods (the DaemonSet's spec, current hash,
 * template generation) is a key: when it changes, every node is read again. A rollout control that
 * holds nodes back orders them globally, and a dedup of current revisions relabels every pod: those
 * syncs run the full planner (and the next incremental one reads every node again).
 *
 * Equality with `syncDaemonSet` at every step of random histories is a property test
 * (incremental.spec.ts).
 */
import type { DaemonSet, Node, Pod } from '../api/types';
import { failedPodBackoffKey, type FailedPodBackoff } from './backoff';
import { claimPods, withAdoption } from './claims';
import type { LabelSelectorMatcher } from './labels';
import { allowsSurge, manageNode, orphanedNodeDeletions, type NodeManagePlan } from './manage';
import { isPodDeleting, isPodTerminal, podTargetNode, templateGeneration } from './pods';
import { cleanupHistoryKeeping, constructHistory, liveHashes } from './revisions';
import { budgetError, controlsRestrict, noSurgeClass, nodeGoneError, rollingBudgets, surgeClass, type NoSurgeClass, type SurgeClass } from './rolling-update';
import { nodeShouldRunDaemonPod, type NodeEligibility } from './scheduling';
import { SortedNames } from './sorted-names';
import { countersOf, nextStatus, nodeStatusShare, SHARE_KEYS, type NodeStatusShare } from './status';
import {
  applyPodDeletion,
  BURST_REPLICAS,
  burstWrites,
  collisionResult,
  freshPodName,
  historyActions,
  nextAvailableAt,
  plannedPod,
  requeueAfter,
  resultBase,
  syncDaemonSet,
  syncPrelude,
  type PodCreation,
  type SyncInput,
  type SyncResult,
} from './sync';
import type { EpochMs } from './time';
import type { ControllerEvent, PodDeletion } from './view';
import { readRolloutControls } from '../rollout-controls/controls';

export interface IncrementalSyncInput extends Omit<SyncInput, 'nodes' | 'pods'> {
  /** Every node (read when every node is read again). */
  readonly nodes: () => Iterable<Node>;
  readonly node: (name: string) => Node | undefined;
  /** Every pod the sync may claim: the DaemonSet's own and its namespace's orphans (read with `nodes`). */
  readonly pods: () => Iterable<Pod>;
  /** Those of them whose target node (`podTargetNode`) is `target`; '' for the pods without one. */
  readonly podsFor: (target: string) => Iterable<Pod>;
  /** Targets whose node object or pods changed since the previous sync of this planner; 'all' when not known. */
  readonly changed: Iterable<string> | 'all';
  /** Whether a pod of this name exists (a generated name must be free). */
  readonly podNameTaken: (name: string) => boolean;
}

/** The target of pods without a target node. */
const NO_TARGET = '';

/** What a sync concludes about one target node. */
interface Facts {
  readonly node: Node | undefined;
  /** The pods the DaemonSet claims there (adopted ones with its reference). */
  readonly claimed: readonly Pod[];
  readonly adopt: readonly string[];
  readonly release: readonly string[];
  /** Manage creates its pod. */
  readonly create: boolean;
  /** Manage's verdict when it deletes, records an event or waits for a backoff (a node that exists). */
  readonly manage?: NodeManagePlan;
  /** Unbound pods aimed at a node that is gone. */
  readonly orphaned: readonly PodDeletion[];
  /** Set for a node in the rolling update's walk. */
  readonly noSurge?: NoSurgeClass;
  readonly surge?: SurgeClass;
  /** Set for a node that exists. */
  readonly share?: NodeStatusShare;
  readonly hashes: readonly string[];
  readonly availableAt?: EpochMs;
  /** Its verdict depends on the clock or the backoff: read again at every sync. */
  readonly volatile: boolean;
}

/** What facts are computed with: the parts of a sync's view that per-node rules read. */
interface Context {
  readonly ds: DaemonSet;
  readonly hash: string;
  readonly generation: string | undefined;
  readonly minReadySeconds: number;
  readonly now: EpochMs;
  readonly surge: boolean;
  readonly matches: LabelSelectorMatcher;
  readonly backoff: FailedPodBackoff;
}

/** The empty list every node without such things shares. */
const NONE: readonly never[] = Object.freeze([]);

const claimsOf = (ds: DaemonSet, pods: readonly Pod[], matches: LabelSelectorMatcher): Pick<Facts, 'claimed' | 'adopt' | 'release'> => {
  if (pods.length === 0) return { claimed: NONE, adopt: NONE, release: NONE };
  const claim = claimPods(ds, pods, matches);
  if (claim.adopt.length === 0 && claim.release.length === 0) return { claimed: claim.owned, adopt: NONE, release: NONE };
  const adopted = new Set(claim.adopt);
  return {
    claimed: claim.owned.map((p) => (adopted.has(p) ? withAdoption(p, ds) : p)),
    adopt: claim.adopt.map((p) => p.metadata.name ?? ''),
    release: claim.release.map((p) => p.metadata.name ?? ''),
  };
};

const factsOf = (ctx: Context, target: string, node: Node | undefined, claims: Pick<Facts, 'claimed' | 'adopt' | 'release'>): Facts | undefined => {
  const { claimed } = claims;
  if (node === undefined && claimed.length === 0 && claims.adopt.length === 0 && claims.release.length === 0) return undefined;
  let daemonPods: Pod[] | undefined;
  if (target !== NO_TARGET) for (const pod of claimed) if (!(isPodTerminal(pod) && isPodDeleting(pod))) (daemonPods ??= []).push(pod);
  const eligibility: NodeEligibility | undefined = node && nodeShouldRunDaemonPod(node, ctx.ds);
  const plan = eligibility && manageNode(ctx, ctx.surge, target, eligibility, daemonPods, ctx.backoff);
  // Kept only when it does something beyond a create (most nodes: nothing, or a create).
  const manage = plan && (plan.deletions.length > 0 || plan.events.length > 0 || plan.requeueAfterMs !== undefined) ? plan : undefined;
  const inWalk = target !== NO_TARGET && (daemonPods !== undefined || eligibility?.shouldRun === true);
  const availableAt = nextAvailableAt(claimed, ctx.minReadySeconds, ctx.now);
  const failed = daemonPods?.some((p) => p.status?.phase === 'Failed' && !isPodDeleting(p)) ?? false;
  return {
    node,
    ...claims,
    create: plan?.create === true,
    ...(manage ? { manage } : {}),
    orphaned: !node && daemonPods ? orphanedNodeDeletions(target, daemonPods) : NONE,
    ...(inWalk ? { noSurge: noSurgeClass(ctx, target, daemonPods ?? []), surge: surgeClass(ctx, target, eligibility, daemonPods ?? []) } : {}),
    ...(eligibility ? { share: nodeStatusShare(ctx, eligibility.shouldRun, daemonPods) } : {}),
    hashes: claimed.length ? [...liveHashes(claimed)] : NONE,
    ...(availableAt !== undefined ? { availableAt } : {}),
    volatile: availableAt !== undefined || failed,
  };
};

export class IncrementalPlanner {
  private key?: string;
  private keySpec?: { spec: DaemonSet['spec']; json: string };
  private readonly facts = new Map<string, Facts>();
  /** Targets the last plan wrote to: read again at the next sync. */
  private readonly touched = new Set<string>();
  private readonly volatile = new Set<string>();
  // Ordered sets of nodes by what a phase does with them.
  private readonly needsPod = new SortedNames();
  private readonly manageActs = new SortedNames();
  private readonly orphanedActs = new SortedNames();
  private readonly claimActs = new SortedNames();
  private readonly replace = new SortedNames();
  private readonly candidate = new SortedNames();
  private readonly surgeDelete = new SortedNames();
  private readonly shouldNotRun = new SortedNames();
  private readonly allowed = new SortedNames();
  private readonly surgeCandidate = new SortedNames();
  private readonly gone = new SortedNames();
  // Sums.
  private readonly shares: Record<(typeof SHARE_KEYS)[number], number> = { desired: 0, current: 0, misscheduled: 0, ready: 0, available: 0, updated: 0 };
  private unavailable = 0;
  private surging = 0;
  private surgeAvailable = 0;
  private readonly hashCounts = new Map<string, number>();
  /** How many syncs read every node (tests and metrics). */
  fullReads = 0;
  /** Nodes read by the last sync. */
  lastRead = 0;

  sync(input: IncrementalSyncInput): SyncResult {
    const { ds, now } = input;
    const prelude = syncPrelude(input);
    if (prelude.done) return prelude.done;
    const { backoffIn, matches, revisionActions, claimedRevisions } = prelude;
    // Claimed pods are read by the history step only to relabel them on a dedup of current revisions.
    const history = constructHistory(ds, claimedRevisions, [], input.revisions);
    const controls = readRolloutControls(ds.metadata.annotations);
    const canaryPassed = history.kind === 'current' && input.canaryPassedFor === history.hash;
    if (history.kind === 'collision' || history.dedupDeletes.length > 0 || controlsRestrict({ controls, canaryPassed })) {
      this.key = undefined;
      return syncDaemonSet({ ...input, nodes: [...input.nodes()], pods: [...input.pods()] });
    }
    const ctx: Context = {
      ds,
      hash: history.hash,
      generation: templateGeneration(ds),
      minReadySeconds: ds.spec.minReadySeconds ?? 0,
      now,
      surge: allowsSurge({ ds }),
      matches,
      backoff: backoffIn,
    };
    this.refresh(input, ctx);

    revisionActions.push(...historyActions(history));
    const adopt: string[] = [];
    const release: string[] = [];
    for (const target of this.claimActs) {
      const f = this.facts.get(target)!;
      adopt.push(...f.adopt);
      release.push(...f.release);
    }
    const base = resultBase(backoffIn, revisionActions, adopt, release);
    if (history.kind !== 'current') return collisionResult(ds, base, history); // unreachable: collisions run the full planner
    const burst = input.burstReplicas ?? BURST_REPLICAS;
    const taken = new Set<string>();
    const freshName = (nodeName: string) => {
      const name = freshPodName(input, nodeName, ctx.hash, (n) => taken.has(n) || input.podNameTaken(n));
      taken.add(name);
      return name;
    };
    const created: PodCreation[] = [];
    const deleted: PodDeletion[] = [];
    const events: ControllerEvent[] = [];
    const write = (createOn: readonly string[], deletions: readonly PodDeletion[]) => {
      const writes = burstWrites(ctx, createOn, deletions, burst, freshName);
      created.push(...writes.created);
      deleted.push(...writes.deleted);
      events.push(...writes.events);
      this.applyWrites(ctx, writes.created, writes.deleted);
    };

    // manage
    const manageDeletions: PodDeletion[] = [];
    let nextBackoff = backoffIn;
    let backoffRequeue: number | undefined;
    for (const target of this.manageActs) {
      const plan = this.facts.get(target)!.manage!;
      manageDeletions.push(...plan.deletions);
      events.push(...plan.events);
      if (plan.backoff !== backoffIn) {
        const key = failedPodBackoffKey(ds, target);
        nextBackoff = { ...nextBackoff, [key]: plan.backoff[key] };
      }
    }
    for (const target of this.volatile) {
      const ms = this.facts.get(target)?.manage?.requeueAfterMs;
      if (ms !== undefined) backoffRequeue = backoffRequeue === undefined ? ms : Math.min(backoffRequeue, ms);
    }
    for (const target of this.orphanedActs) manageDeletions.push(...this.facts.get(target)!.orphaned);
    write(this.needsPod.first(burst), manageDeletions);

    // rolling update
    let error: string | undefined;
    if (ds.spec.updateStrategy?.type === 'RollingUpdate') {
      const plan = this.rollingUpdate(ctx, burst);
      if (plan.ok) write(plan.createOn, plan.deletions);
      else error = plan.error;
    }
    if (error === undefined && history.old.length > (ds.spec.revisionHistoryLimit ?? 10)) {
      for (const name of cleanupHistoryKeeping(ds, history.old, (h) => (this.hashCounts.get(h) ?? 0) > 0)) revisionActions.push({ type: 'delete', name, reason: 'history-limit' });
    }

    const counters = countersOf(this.shares);
    const { status, changed } = nextStatus(ds, counters, true);
    let availableAt: EpochMs | undefined;
    for (const target of this.volatile) {
      const at = this.facts.get(target)?.availableAt;
      if (at !== undefined && (availableAt === undefined || at < availableAt)) availableAt = at;
    }
    const requeueAfterMs = requeueAfter(ctx, counters.numberReady, counters.numberAvailable, availableAt, backoffRequeue);
    return {
      ...base,
      outcome: error === undefined ? 'synced' : 'failed',
      relabelPods: [],
      createPods: created,
      deletePods: deleted,
      events,
      status,
      statusChanged: changed,
      currentRevision: { name: history.current.metadata.name ?? '', hash: history.hash, revision: history.current.revision },
      ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}),
      nextBackoff,
      ...(error !== undefined ? { error } : {}),
    };
  }

  /** `rollingUpdate` from the sums and ordered sets (no control holds a node: see the header). */
  private rollingUpdate(ctx: Context, burst: number): { ok: true; createOn: string[]; deletions: PodDeletion[] } | { ok: false; error: string } {
    let budgets;
    try {
      budgets = rollingBudgets(ctx.ds, this.shares.desired);
    } catch (e) {
      return { ok: false, error: budgetError(e) };
    }
    const { maxUnavailable, maxSurge, desired } = budgets;
    const deletionOf = (target: string): PodDeletion => {
      const f = this.facts.get(target)!;
      const c = (maxSurge === 0 ? f.noSurge : f.surge) as { deletion: PodDeletion };
      return c.deletion;
    };
    if (maxSurge === 0) {
      const replacements = this.replace.first(burst);
      const room = Math.min(Math.max(maxUnavailable - this.unavailable, 0), burst - replacements.length);
      return { ok: true, createOn: [], deletions: [...replacements, ...this.candidate.first(room)].map(deletionOf) };
    }
    if (this.gone.size > 0) return { ok: false, error: nodeGoneError(this.gone.first(1)[0]) };
    const deletions = this.surgeDelete.first(burst);
    deletions.push(...this.shouldNotRun.first(Math.min(Math.max(this.surgeAvailable - desired, 0), burst - deletions.length)));
    const createOn = this.allowed.first(burst);
    createOn.push(...this.surgeCandidate.first(Math.min(Math.max(maxSurge - this.surging, 0), burst - createOn.length)));
    return { ok: true, createOn, deletions: deletions.map(deletionOf) };
  }

  /** Brings the facts up to date with the input: every node on a new key, else what changed, was touched or is volatile. */
  private refresh(input: IncrementalSyncInput, ctx: Context): void {
    const { ds } = ctx;
    if (ds.spec !== this.keySpec?.spec) this.keySpec = { spec: ds.spec, json: JSON.stringify(ds.spec) };
    const key = `${ds.metadata.uid ?? ''}\n${ctx.hash}\n${ctx.generation ?? ''}\n${this.keySpec.json}`;
    if (key !== this.key || input.changed === 'all') return this.readAll(input, ctx, key);
    const targets = new Set<string>(input.changed);
    for (const t of this.touched) targets.add(t);
    for (const t of this.volatile) targets.add(t);
    this.touched.clear();
    this.lastRead = targets.size;
    for (const target of targets) {
      const node = target === NO_TARGET ? undefined : input.node(target);
      this.put(target, factsOf(ctx, target, node, claimsOf(ds, [...input.podsFor(target)], ctx.matches)));
    }
  }

  private readAll(input: IncrementalSyncInput, ctx: Context, key: string): void {
    this.key = key;
    this.fullReads++;
    for (const target of [...this.facts.keys()]) this.put(target, undefined);
    this.touched.clear();
    const byTarget = new Map<string, Pod[]>();
    for (const pod of input.pods()) {
      const target = podTargetNode(pod) ?? NO_TARGET;
      const list = byTarget.get(target);
      if (list) list.push(pod);
      else byTarget.set(target, [pod]);
    }
    for (const node of input.nodes()) {
      const name = node.metadata.name ?? '';
      this.put(name, factsOf(ctx, name, node, claimsOf(ctx.ds, byTarget.get(name) ?? [], ctx.matches)));
      byTarget.delete(name);
    }
    for (const [target, pods] of byTarget) this.put(target, factsOf(ctx, target, undefined, claimsOf(ctx.ds, pods, ctx.matches)));
    this.lastRead = this.facts.size;
  }

  /** The sync's writes as the store would apply them, on the facts of the nodes they touch. */
  private applyWrites(ctx: Context, created: readonly PodCreation[], deleted: readonly PodDeletion[]): void {
    const pods = new Map<string, Pod[]>();
    const podsOf = (target: string) => {
      let list = pods.get(target);
      if (!list) pods.set(target, (list = [...(this.facts.get(target)?.claimed ?? [])]));
      return list;
    };
    for (const c of created) podsOf(c.nodeName).push(plannedPod(ctx, c));
    for (const d of deleted) {
      const target = d.nodeName ?? NO_TARGET;
      const list = podsOf(target);
      const i = list.findIndex((p) => p.metadata.name === d.name);
      if (i < 0) continue;
      const after = applyPodDeletion(list[i], ctx.now);
      if (after) list[i] = after;
      else list.splice(i, 1);
    }
    for (const [target, claimed] of pods) {
      const before = this.facts.get(target);
      this.put(target, factsOf(ctx, target, before?.node, { claimed, adopt: before?.adopt ?? NONE, release: before?.release ?? NONE }));
      this.touched.add(target);
    }
  }

  private put(target: string, f: Facts | undefined): void {
    const old = this.facts.get(target);
    if (old) this.count(old, -1);
    if (f) {
      this.facts.set(target, f);
      this.count(f, 1);
    } else this.facts.delete(target);
    this.needsPod.set(target, f?.create === true);
    this.manageActs.set(target, f?.manage !== undefined && (f.manage.deletions.length > 0 || f.manage.events.length > 0));
    this.orphanedActs.set(target, (f?.orphaned.length ?? 0) > 0);
    this.claimActs.set(target, f !== undefined && (f.adopt.length > 0 || f.release.length > 0));
    this.replace.set(target, f?.noSurge?.kind === 'replace');
    this.candidate.set(target, f?.noSurge?.kind === 'candidate');
    this.surgeDelete.set(target, f?.surge?.kind === 'delete');
    this.shouldNotRun.set(target, f?.surge?.kind === 'should-not-run');
    this.allowed.set(target, f?.surge?.kind === 'allowed');
    this.surgeCandidate.set(target, f?.surge?.kind === 'candidate');
    this.gone.set(target, f?.surge?.kind === 'error');
    if (f?.volatile) this.volatile.add(target);
    else this.volatile.delete(target);
  }

  private count(f: Facts, sign: 1 | -1): void {
    if (f.share) for (const k of SHARE_KEYS) this.shares[k] += sign * f.share[k];
    if (f.noSurge && (f.noSurge.kind === 'unavailable' || f.noSurge.kind === 'replace')) this.unavailable += sign;
    if (f.surge?.surging) this.surging += sign;
    if (f.surge?.available) this.surgeAvailable += sign;
    for (const h of f.hashes) {
      const n = (this.hashCounts.get(h) ?? 0) + sign;
      if (n === 0) this.hashCounts.delete(h);
      else this.hashCounts.set(h, n);
    }
  }
}
