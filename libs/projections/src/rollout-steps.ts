import type { Pod } from '@daemonledger/domain/api/types';
import type { RolloutEvent } from '@daemonledger/domain/cluster/events';
import { CONTROLLER_REVISION_HASH_LABEL, podTargetNode } from '@daemonledger/domain/controller';
import {
  encodeActor,
  Interner,
  PositionRuns,
  renderNodes,
  STEP,
  StepTable,
  type RolloutNodeView,
  type RolloutSummary,
} from './rollout-record';

/** A pod event reduced to what a timeline needs. */
export type PodFact = {
  node: string;
  pod: string;
  /** The pod's controller-revision-hash: new when it is the rollout's toHash. */
  hash: string;
  position: number;
  time: number;
  actor?: string;
  message?: string;
} & ({ kind: 'created' | 'bound' | 'stop' | 'deleted' } | { kind: 'status'; status: { level: number; pullFailed?: string; failed?: string } });

// Per-node flags.
const PENDING = 1; // runs an old pod the rollout has not touched yet
const WAITING = 2; // … and a wait for the budget has been recorded
const IN_FLIGHT = 4; // surge: a new pod next to the old one, not yet available
const PULL_FAILING = 8;
const FAILING = 16;
const STOPPED = 32; // the old pod was asked to stop

const LEVEL_STEP = [-1, STEP.Pulling, STEP.Pulled, STEP.Started, STEP.Ready];
const AVAILABLE = 5;

/** One rollout as Kubernetes sees it, lazily rendered: `nodes()` builds the per-node timeline only when read. */
export interface RolloutRecordView {
  readonly summary: RolloutSummary;
  /** resourceVersion: the last event that changed the rollout, as of this view. */
  readonly position: number;
  nodes(): RolloutNodeView[];
}

/**
 * One rollout's fold: its summary (from the rollout stream), its per-node
 * steps (from the correlated pod events), the derived budget waits, and the
 * positions of every correlated event.
 *
 * Waits are derived, not recorded: at each RolloutProgressed/Stalled fact, if
 * the budget is spent — maxSurge 0: `unavailable ≥ maxUnavailable` (the
 * planner's own rule, with its "both 0 → 1"); maxSurge > 0: as many nodes
 * surging (new pod not yet available beside the old) as maxSurge allows —
 * every node still running an untouched old pod gets one Waiting step, at
 * that fact's position. That is exactly when the planner left it alone
 * because of the budget; the wait ends with its OldPodStopRequested or
 * NewPodCreated step.
 */
export class RolloutRecord {
  lastPosition: number;
  runs = new PositionRuns();
  private strings = new Interner();
  private steps = new StepTable();
  private nodeNames: string[] = [];
  private slots?: Map<string, number>;
  private oldPod: number[] = [];
  private newPod: number[] = [];
  private level: number[] = [];
  private flags: number[] = [];
  private unwaited = new Set<number>();
  private inFlight = 0;
  /** Ready new pods waiting out minReadySeconds: `[slot, dueMs, …]` from `availHead`. */
  private avail: number[] = [];
  private availHead = 0;

  constructor(public summary: RolloutSummary) {
    this.lastPosition = summary.startPosition;
  }

  view(): RolloutRecordView {
    const { steps, strings, nodeNames } = this;
    const upTo = steps.length;
    let nodes: RolloutNodeView[] | undefined;
    return { summary: this.summary, position: this.lastPosition, nodes: () => (nodes ??= renderNodes(steps, strings, nodeNames, upTo)) };
  }

  get stepCount(): number {
    return this.steps.length;
  }

  private slot(node: string): number {
    if (!this.slots) this.slots = new Map(this.nodeNames.map((n, i) => [n, i]));
    let s = this.slots.get(node);
    if (s === undefined) {
      s = this.nodeNames.length;
      this.nodeNames.push(node);
      this.slots.set(node, s);
      this.oldPod.push(-1);
      this.newPod.push(-1);
      this.level.push(0);
      this.flags.push(0);
    }
    return s;
  }

  /** At RolloutStarted: the nodes still running an old pod (and no new one) are waiting to be updated. */
  markPending(pods: readonly Pod[]): void {
    const toHash = this.summary.started.toHash;
    const byNode = new Map<string, { old?: string; fresh: boolean }>();
    for (const p of pods) {
      const node = podTargetNode(p);
      if (!node || p.metadata.deletionTimestamp) continue;
      const entry = byNode.get(node) ?? { fresh: false };
      if (p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === toHash) entry.fresh = true;
      else entry.old = p.metadata.name;
      byNode.set(node, entry);
    }
    for (const [node, e] of byNode) {
      if (!e.old) continue;
      const s = this.slot(node);
      this.oldPod[s] = this.strings.id(e.old);
      if (e.fresh) continue;
      this.flags[s] |= PENDING;
      this.unwaited.add(s);
    }
  }

  /** A correlated event: maybe a pod fact. Returns whether the timeline changed. */
  ingest(fact: PodFact | undefined, position: number, time: number): boolean {
    if (this.summary.timelinePruned) return false;
    let changed = this.flushAvailable(position, time, false);
    if (!fact) return changed;
    const isNew = fact.hash === this.summary.started.toHash;
    if (!isNew && fact.kind !== 'stop' && fact.kind !== 'deleted') return changed;
    const s = this.slot(fact.node);
    const pod = this.strings.id(fact.pod);
    const actor = encodeActor(this.strings, fact.actor, fact.node);
    const add = (code: number, message?: string, at = fact.time) => {
      this.steps.push(s, code, pod, actor, this.strings.id(message), position, at);
      changed = true;
    };
    switch (fact.kind) {
      case 'created':
        this.newPod[s] = pod;
        this.level[s] = 0;
        this.flags[s] &= ~(PULL_FAILING | FAILING);
        this.unpend(s);
        if (this.oldPod[s] >= 0 && !(this.flags[s] & (STOPPED | IN_FLIGHT))) {
          this.flags[s] |= IN_FLIGHT;
          this.inFlight++;
        }
        add(STEP.NewPodCreated, fact.message);
        break;
      case 'bound':
        add(STEP.Scheduled);
        break;
      case 'status':
        this.progress(s, fact.status, add, fact.time);
        break;
      case 'stop':
        if (!isNew) {
          this.oldPod[s] = pod;
          this.flags[s] |= STOPPED;
          this.unpend(s);
        }
        this.settle(s);
        add(isNew ? STEP.NewPodStopRequested : STEP.OldPodStopRequested, fact.message);
        break;
      case 'deleted':
        add(isNew ? STEP.NewPodDeleted : STEP.OldPodDeleted, fact.message);
        break;
    }
    return changed;
  }

  private progress(s: number, st: { level: number; pullFailed?: string; failed?: string }, add: (code: number, message?: string, at?: number) => void, time: number) {
    const cur = this.level[s];
    if (st.level > cur && cur < AVAILABLE) {
      for (let l = cur + 1; l <= st.level; l++) add(LEVEL_STEP[l]);
      this.level[s] = st.level;
      if (st.level === 4) {
        if (this.summary.minReadySeconds <= 0) {
          add(STEP.Available);
          this.level[s] = AVAILABLE;
          this.settle(s);
        } else this.avail.push(s, time + this.summary.minReadySeconds * 1000);
      }
    } else if (st.level < Math.min(cur, 4)) {
      this.level[s] = st.level;
    }
    const f = this.flags[s];
    if (st.pullFailed && !(f & PULL_FAILING)) add(STEP.PullFailed, st.pullFailed);
    if (st.failed && !(f & FAILING)) add(STEP.Failed, st.failed);
    this.flags[s] = (f & ~(PULL_FAILING | FAILING)) | (st.pullFailed ? PULL_FAILING : 0) | (st.failed ? FAILING : 0);
  }

  /** New pods whose minReadySeconds have passed by `time` (all of them when the rollout completed) become Available. */
  private flushAvailable(position: number, time: number, all: boolean): boolean {
    let changed = false;
    while (this.availHead < this.avail.length && (all || this.avail[this.availHead + 1] <= time)) {
      const s = this.avail[this.availHead];
      const due = this.avail[this.availHead + 1];
      this.availHead += 2;
      if (this.level[s] !== 4) continue; // no longer ready
      this.steps.push(s, STEP.Available, this.newPod[s], encodeActor(this.strings, `node-agent:${this.nodeNames[s]}`, this.nodeNames[s]), this.strings.id(`ready for minReadySeconds ${this.summary.minReadySeconds}`), position, Math.min(due, time));
      this.level[s] = AVAILABLE;
      this.settle(s);
      changed = true;
    }
    if (this.availHead > 1024 && this.availHead * 2 > this.avail.length) {
      this.avail = this.avail.slice(this.availHead);
      this.availHead = 0;
    }
    return changed;
  }

  private unpend(s: number) {
    this.flags[s] &= ~(PENDING | WAITING);
    this.unwaited.delete(s);
  }

  private settle(s: number) {
    if (!(this.flags[s] & IN_FLIGHT)) return;
    this.flags[s] &= ~IN_FLIGHT;
    this.inFlight--;
  }

  /** A fact of the rollout stream itself. */
  fact(ev: RolloutEvent, position: number, time: number, actor?: string): void {
    if (ev.type === 'RolloutStarted') return;
    const { desired, updated, available, unavailable } = ev.data;
    const prev = this.summary;
    const base = { ...prev, counts: { desired, updated, available, unavailable }, factPosition: position };
    const endedAt = new Date(time).toISOString();
    switch (ev.type) {
      case 'RolloutProgressed':
        this.summary = prev.state === 'Stalled' || prev.state === 'Holding' ? { ...base, state: 'Progressing', message: undefined } : base;
        this.waits(position, time, actor);
        break;
      case 'RolloutStalled':
        this.summary = { ...base, state: 'Stalled', message: ev.data.message };
        this.waits(position, time, actor);
        break;
      case 'RolloutCompleted':
        this.summary = { ...base, state: 'Complete', endedAt, message: undefined };
        if (!prev.timelinePruned) this.flushAvailable(position, time, true);
        break;
      case 'RolloutSuperseded':
        // A rollback's undo supersedes the rollout it undid: that one stays RolledBack.
        this.summary = prev.state === 'RolledBack' ? base : { ...base, state: 'Superseded', endedAt, message: `superseded by rollout ${ev.data.byRollout} (generation ${ev.data.byGeneration})` };
        break;
      case 'RolloutCanaryHeld':
        this.summary = { ...base, state: 'Holding', message: `canary: ${ev.data.pods.length} pod(s) watched for ${ev.data.holdSeconds}s (${ev.data.pods.join(', ')})` };
        break;
      case 'RolloutCanaryPassed':
        this.summary = { ...base, state: 'Progressing', message: undefined };
        break;
      case 'RolloutCanaryFailed':
        this.summary = { ...base, state: 'Stalled', message: ev.data.message };
        break;
      case 'RolloutDeadlineExceeded':
        this.summary = { ...base, state: 'Stalled', message: ev.data.message };
        break;
      case 'RolloutAutoRolledBack':
        this.summary = { ...base, state: 'RolledBack', endedAt, message: `rolled back to revision ${ev.data.toRevision}: ${ev.data.reason}` };
        break;
      case 'RolloutPaused':
        this.summary = { ...base, state: 'Paused', message: 'paused (rollout.daemonledger.io/paused)' };
        break;
      case 'RolloutResumed':
        this.summary = { ...base, state: 'Progressing', message: undefined };
        break;
      case 'RolloutPartitionChanged':
      case 'RolloutWaveStarted':
        this.summary = prev.state === 'Holding' ? { ...base, state: 'Progressing', message: undefined } : base;
        break;
      case 'RolloutHeld':
        this.summary = { ...base, state: 'Holding', message: ev.data.message };
        break;
    }
  }

  private waits(position: number, time: number, actor: string | undefined) {
    const { started, counts, timelinePruned } = this.summary;
    if (timelinePruned || started.strategy !== 'RollingUpdate' || this.unwaited.size === 0) return;
    const maxUnavailable = started.maxUnavailable === 0 && started.maxSurge === 0 ? 1 : started.maxUnavailable;
    let code: number;
    let message: string;
    if (started.maxSurge === 0) {
      if (counts.unavailable < maxUnavailable) return;
      code = STEP.WaitingForMaxUnavailable;
      message = `${counts.unavailable} unavailable, maxUnavailable ${maxUnavailable}`;
    } else {
      if (this.inFlight < started.maxSurge) return;
      code = STEP.WaitingForMaxSurge;
      message = `${this.inFlight} surge pods not yet available, maxSurge ${started.maxSurge}`;
    }
    const m = this.strings.id(message);
    for (const s of this.unwaited) {
      this.steps.push(s, code, this.oldPod[s], encodeActor(this.strings, actor, this.nodeNames[s]), m, position, time);
      this.flags[s] |= WAITING;
    }
    this.unwaited.clear();
  }

  /** Drops the per-node timeline (an old rollout); the summary and the audit index stay. */
  prune(): void {
    this.summary = { ...this.summary, timelinePruned: true };
    this.strings = new Interner();
    this.steps = new StepTable();
    this.nodeNames = [];
    this.slots = undefined;
    this.oldPod = [];
    this.newPod = [];
    this.level = [];
    this.flags = [];
    this.unwaited.clear();
    this.avail = [];
    this.availHead = 0;
    this.inFlight = 0;
  }

  private memo?: { summary: RolloutSummary; last: number; text: string };

  /**
   * `toSnapshot()` as JSON text, kept while the record does not change: a
   * finished rollout is serialised for the first snapshot after it ended and
   * reused by every later one, so a capture costs the rollouts still moving,
   * not the whole history kept. Every change of a record comes with a new
   * position in its runs (the event that changed it) or a new summary
   * object, which is what the memo is keyed on.
   */
  snapshotText(): string {
    const last = this.runs.last;
    if (this.memo?.summary !== this.summary || this.memo.last !== last) this.memo = { summary: this.summary, last, text: JSON.stringify(this.toSnapshot()) };
    return this.memo.text;
  }

  toSnapshot() {
    return {
      summary: this.summary,
      lastPosition: this.lastPosition,
      runs: this.runs.toSnapshot(),
      strings: this.strings.list,
      steps: this.steps.toSnapshot(),
      nodeNames: this.nodeNames,
      oldPod: this.oldPod,
      newPod: this.newPod,
      level: this.level,
      flags: this.flags,
      unwaited: [...this.unwaited],
      inFlight: this.inFlight,
      avail: this.avail.slice(this.availHead),
    };
  }

  static fromSnapshot(s: RolloutRecordSnapshot): RolloutRecord {
    const r = new RolloutRecord(s.summary);
    r.lastPosition = s.lastPosition;
    r.runs = PositionRuns.fromSnapshot(s.runs);
    r.strings = new Interner([...s.strings]);
    r.steps = StepTable.fromSnapshot(s.steps);
    r.nodeNames = [...s.nodeNames];
    r.oldPod = [...s.oldPod];
    r.newPod = [...s.newPod];
    r.level = [...s.level];
    r.flags = [...s.flags];
    r.unwaited = new Set(s.unwaited);
    r.inFlight = s.inFlight;
    r.avail = [...s.avail];
    return r;
  }
}

export type RolloutRecordSnapshot = ReturnType<RolloutRecord['toSnapshot']>;
