import type { RolloutCounts, RolloutStarted } from '@daemonledger/domain/cluster/events';

/**
 * The storage of one rollout's timeline, kept compact because a rollout of a
 * 10,000-node DaemonSet records ~100,000 steps: steps are rows of typed
 * columns (33 bytes a step), strings (pod names, messages, actors) are
 * interned per rollout, and the positions of the rollout's correlated events
 * are kept as runs `[start, count]` of consecutive positions (a plan step or
 * a kubelet burst is one run). Rows are only ever appended, so the timeline
 * as it was after its first `n` steps is still there: that is how a watch
 * event shows the rollout as it was at its position.
 */
export const ROLLOUT_STEPS = [
  'OldPodStopRequested',
  'OldPodDeleted',
  'NewPodCreated',
  'Scheduled',
  'Pulling',
  'Pulled',
  'PullFailed',
  'Started',
  'Ready',
  'Available',
  'WaitingForMaxUnavailable',
  'WaitingForMaxSurge',
  // Beyond the shared shape: a new pod that failed, or was itself deleted (superseded, replaced after failing).
  'Failed',
  'NewPodStopRequested',
  'NewPodDeleted',
] as const;
export type RolloutStepName = (typeof ROLLOUT_STEPS)[number];
export const STEP = Object.fromEntries(ROLLOUT_STEPS.map((s, i) => [s, i])) as Record<RolloutStepName, number>;

/** Paused and Holding: the rollout waits on its controls (README "Rollout controls"), not on pods. */
export type RolloutState = 'Progressing' | 'Complete' | 'Stalled' | 'Paused' | 'Holding' | 'Superseded' | 'RolledBack';

/** What the rollout stream says (plus where and when): replaced whole on every change, never mutated. */
export interface RolloutSummary {
  readonly streamId: string;
  readonly namespace: string;
  readonly daemonSet: string;
  readonly rollout: number;
  readonly correlationId: string;
  readonly started: RolloutStarted['data'];
  readonly minReadySeconds: number;
  readonly state: RolloutState;
  readonly counts: RolloutCounts;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly startPosition: number;
  /** Position of the last event of the rollout stream. */
  readonly factPosition: number;
  readonly message?: string;
  /** The per-node timeline was dropped (only the newest rollouts of a DaemonSet keep one). */
  readonly timelinePruned?: boolean;
}

export interface RolloutStepView {
  step: RolloutStepName;
  time: string;
  position: number;
  actor?: string;
  message?: string;
}

export interface RolloutNodeView {
  node: string;
  oldPod?: string;
  newPod?: string;
  steps: RolloutStepView[];
}

/** Actor `node-agent:<the step's node>`, stored without a string. */
const NODE_AGENT = -2;
const OLD_POD_STEPS = new Set<number>([STEP.OldPodStopRequested, STEP.OldPodDeleted, STEP.WaitingForMaxUnavailable, STEP.WaitingForMaxSurge]);

const b64 = (a: Float64Array | Int32Array | Uint8Array, n: number) => Buffer.from(a.buffer, a.byteOffset, n * a.BYTES_PER_ELEMENT).toString('base64');
const unb64 = <T extends Float64Array | Int32Array | Uint8Array>(make: new (b: ArrayBuffer) => T, s: string): T => {
  const buf = Buffer.from(s, 'base64');
  const copy = new ArrayBuffer(buf.length);
  new Uint8Array(copy).set(buf);
  return new make(copy);
};
const grow = <T extends Float64Array | Int32Array | Uint8Array>(a: T, size: number): T => {
  const next = new (a.constructor as new (n: number) => T)(size);
  next.set(a);
  return next;
};

/** Steps as columns; `length` rows are used. */
export class StepTable {
  length = 0;
  position = new Float64Array(16);
  time = new Float64Array(16);
  node = new Int32Array(16);
  pod = new Int32Array(16);
  actor = new Int32Array(16);
  message = new Int32Array(16);
  code = new Uint8Array(16);

  push(node: number, code: number, pod: number, actor: number, message: number, position: number, time: number): void {
    if (this.length === this.code.length) {
      const size = this.length * 2;
      this.position = grow(this.position, size);
      this.time = grow(this.time, size);
      this.node = grow(this.node, size);
      this.pod = grow(this.pod, size);
      this.actor = grow(this.actor, size);
      this.message = grow(this.message, size);
      this.code = grow(this.code, size);
    }
    const i = this.length++;
    this.node[i] = node;
    this.code[i] = code;
    this.pod[i] = pod;
    this.actor[i] = actor;
    this.message[i] = message;
    this.position[i] = position;
    this.time[i] = time;
  }

  toSnapshot() {
    const n = this.length;
    return { n, position: b64(this.position, n), time: b64(this.time, n), node: b64(this.node, n), pod: b64(this.pod, n), actor: b64(this.actor, n), message: b64(this.message, n), code: b64(this.code, n) };
  }

  static fromSnapshot(s: ReturnType<StepTable['toSnapshot']>): StepTable {
    const t = new StepTable();
    t.length = s.n;
    t.position = unb64(Float64Array, s.position);
    t.time = unb64(Float64Array, s.time);
    t.node = unb64(Int32Array, s.node);
    t.pod = unb64(Int32Array, s.pod);
    t.actor = unb64(Int32Array, s.actor);
    t.message = unb64(Int32Array, s.message);
    t.code = unb64(Uint8Array, s.code);
    if (t.code.length === 0) return new StepTable();
    return t;
  }
}

/** Log positions as runs of consecutive positions: `[start0, count0, start1, count1, …]`. */
export class PositionRuns {
  length = 0;
  private runs = new Float64Array(8);

  add(position: number): void {
    const n = this.length;
    if (n && this.runs[n - 2] + this.runs[n - 1] - 1 >= position) return; // already in (positions only grow)
    if (n && this.runs[n - 2] + this.runs[n - 1] === position) {
      this.runs[n - 1]++;
      return;
    }
    if (n + 2 > this.runs.length) this.runs = grow(this.runs, this.runs.length * 2);
    this.runs[n] = position;
    this.runs[n + 1] = 1;
    this.length += 2;
  }

  /** The runs, oldest first, as `[start, count]` pairs. */
  *pairs(): IterableIterator<[number, number]> {
    for (let i = 0; i < this.length; i += 2) yield [this.runs[i], this.runs[i + 1]];
  }

  /** The newest position added (0: none): it changes whenever the rollout's fold does (rollout-steps.ts `snapshotText`). */
  get last(): number {
    const n = this.length;
    return n ? this.runs[n - 2] + this.runs[n - 1] - 1 : 0;
  }

  get count(): number {
    let c = 0;
    for (let i = 1; i < this.length; i += 2) c += this.runs[i];
    return c;
  }

  toSnapshot() {
    return b64(this.runs, this.length);
  }

  static fromSnapshot(s: string): PositionRuns {
    const r = new PositionRuns();
    const runs = unb64(Float64Array, s);
    r.length = runs.length;
    r.runs = runs.length ? runs : new Float64Array(8);
    return r;
  }
}

/** Strings of one rollout, by index; the index map is rebuilt on demand after a restore. */
export class Interner {
  private index?: Map<string, number>;
  constructor(readonly list: string[] = []) {}

  id(s: string | undefined): number {
    if (s === undefined) return -1;
    if (!this.index) this.index = new Map(this.list.map((v, i) => [v, i]));
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.index.set(s, i);
    }
    return i;
  }

  get(i: number): string | undefined {
    return i >= 0 ? this.list[i] : undefined;
  }
}

/** The per-node timelines of `steps` (the first `upTo` rows), nodes sorted by name, steps in log order. */
export const renderNodes = (steps: StepTable, strings: Interner, nodeNames: readonly string[], upTo: number): RolloutNodeView[] => {
  const byNode = new Map<number, RolloutNodeView>();
  for (let i = 0; i < Math.min(upTo, steps.length); i++) {
    const slot = steps.node[i];
    const node = nodeNames[slot];
    let view = byNode.get(slot);
    if (!view) byNode.set(slot, (view = { node, steps: [] }));
    const code = steps.code[i];
    const pod = strings.get(steps.pod[i]);
    if (pod !== undefined) {
      if (OLD_POD_STEPS.has(code)) view.oldPod = pod;
      else view.newPod = pod;
    }
    const actor = steps.actor[i] === NODE_AGENT ? `node-agent:${node}` : strings.get(steps.actor[i]);
    const message = strings.get(steps.message[i]);
    view.steps.push({
      step: ROLLOUT_STEPS[code],
      time: new Date(steps.time[i]).toISOString(),
      position: steps.position[i],
      ...(actor !== undefined ? { actor } : {}),
      ...(message !== undefined ? { message } : {}),
    });
  }
  // Field order as the shape gives it: node, oldPod, newPod, steps.
  return [...byNode.values()]
    .sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0))
    .map((v) => ({ node: v.node, ...(v.oldPod ? { oldPod: v.oldPod } : {}), ...(v.newPod ? { newPod: v.newPod } : {}), steps: v.steps }));
};

export const encodeActor = (strings: Interner, actor: string | undefined, node: string): number =>
  actor === `node-agent:${node}` ? NODE_AGENT : strings.id(actor);
