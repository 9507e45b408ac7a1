/**
 * The incremental planner gives exactly the full planner's plan (README "Planning at scale"):
 * random histories, both planners asked at every sync, the incremental one told only what changed
 * since its previous sync (nodes and pods whose object changed, as the projection tracks them).
 */
import fc from 'fast-check';
import type { Node, Pod } from '../api/types';
import { IncrementalPlanner } from './incremental';
import { newDaemonPod, podTargetNode } from './pods';
import { syncDaemonSet, type SyncInput, type SyncResult } from './sync';
import { aDaemonSet, aNode, seconds } from './testing/builders';
import { apply, applyControl, controlAction, scenario, type Action, type ControlAction } from './testing/histories';
import { Cluster } from './testing/simulator';

/** Asks both planners; fails the property where they differ. */
class TwinPlanner {
  readonly incremental = new IncrementalPlanner();
  syncs = 0;
  private prev?: { nodes: readonly Node[]; pods: readonly Pod[] };

  constructor(private readonly burst: number) {}

  readonly plan = (input: SyncInput): SyncResult => {
    const full = syncDaemonSet({ ...input, burstReplicas: this.burst });
    const nodeByName = new Map(input.nodes.map((n) => [n.metadata.name!, n]));
    const names = new Set(input.pods.map((p) => p.metadata.name));
    const inc = this.incremental.sync({
      ...input,
      burstReplicas: this.burst,
      nodes: () => input.nodes,
      node: (name) => nodeByName.get(name),
      pods: () => input.pods,
      podsFor: (target) => input.pods.filter((p) => (podTargetNode(p) ?? '') === target),
      changed: this.prev ? changedTargets(this.prev, input) : 'all',
      podNameTaken: (name) => names.has(name),
    });
    expect(inc).toEqual(full);
    this.prev = { nodes: input.nodes, pods: input.pods };
    this.syncs++;
    return full;
  };
}

/** What the projection reports: nodes whose object changed, and the targets of pods whose object changed (before and after). */
const changedTargets = (prev: { nodes: readonly Node[]; pods: readonly Pod[] }, next: { nodes: readonly Node[]; pods: readonly Pod[] }): string[] => {
  const out = new Set<string>();
  const nodes = new Map(prev.nodes.map((n) => [n.metadata.name!, n]));
  for (const n of next.nodes) {
    if (nodes.get(n.metadata.name!) !== n) out.add(n.metadata.name!);
    nodes.delete(n.metadata.name!);
  }
  for (const name of nodes.keys()) out.add(name);
  const pods = new Map(prev.pods.map((p) => [p.metadata.name!, p]));
  for (const p of next.pods) {
    const before = pods.get(p.metadata.name!);
    if (before !== p) {
      out.add(podTargetNode(p) ?? '');
      if (before) out.add(podTargetNode(before) ?? '');
    }
    pods.delete(p.metadata.name!);
  }
  for (const p of pods.values()) out.add(podTargetNode(p) ?? '');
  return [...out];
};

/** More than the invariants' histories do: orphans to adopt, pods to release, budgets changed. */
type ClaimAction = { kind: 'orphan'; i: number } | { kind: 'unlabel'; i: number } | { kind: 'budget'; maxUnavailable: number | string; maxSurge: number | string };

const claimAction: fc.Arbitrary<ClaimAction> = fc.oneof(
  fc.record({ kind: fc.constant('orphan' as const), i: fc.nat() }),
  fc.record({ kind: fc.constant('unlabel' as const), i: fc.nat() }),
  fc.record({ kind: fc.constant('budget' as const), maxUnavailable: fc.constantFrom(0, 1, '50%'), maxSurge: fc.constantFrom(0, 1, '50%') }),
);

const applyClaim = (c: Cluster, a: ClaimAction, seq: { n: number }): void => {
  if (a.kind === 'budget') {
    const maxUnavailable = a.maxUnavailable === 0 && a.maxSurge === 0 ? 1 : a.maxUnavailable;
    c.updateSpec((s) => {
      if (s.updateStrategy?.type === 'RollingUpdate') s.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable, maxSurge: a.maxSurge } };
    });
    return;
  }
  if (a.kind === 'orphan') {
    const node = c.nodes.length ? c.nodes[a.i % c.nodes.length].metadata.name! : 'gone-node';
    const pod = newDaemonPod(c.ds, node, { name: `orphan-${seq.n++}`, uid: `orphan-uid-${seq.n}`, hash: 'old', now: c.now });
    c.pods = [...c.pods, { ...pod, metadata: { ...pod.metadata, ownerReferences: [] } }];
    return;
  }
  const live = c.pods.filter((p) => !p.metadata.deletionTimestamp);
  if (!live.length) return;
  const victim = live[a.i % live.length];
  c.pods = c.pods.map((p) => (p === victim ? { ...p, metadata: { ...p.metadata, labels: { other: 'label' } } } : p));
};

const twinScenario = fc.record({
  base: scenario,
  extra: fc.array(fc.oneof(claimAction, controlAction), { maxLength: 8 }),
  burst: fc.constantFrom(1, 2, 3, 250),
});

type AnyAction = Action | ClaimAction | ControlAction;

const run = (c: Cluster, actions: readonly AnyAction[], seq: { n: number }) => {
  for (const a of actions) {
    if (a.kind === 'orphan' || a.kind === 'unlabel' || a.kind === 'budget') applyClaim(c, a, seq);
    else if (a.kind === 'pause' || a.kind === 'partition' || a.kind === 'selector') applyControl(c, a);
    else apply(c, a, seq);
    c.sync({ confirmDeletes: false });
  }
};

describe('incremental planning', () => {
  it('plans exactly what the full planner plans at every sync of random histories (claims, budgets, controls, small bursts)', () => {
    fc.assert(
      fc.property(twinScenario, ({ base, extra, burst }) => {
        const ds = aDaemonSet({ ...base.strategy, image: 'v1', minReadySeconds: base.minReadySeconds, ...(base.zoneSelector ? { nodeSelector: { zone: 'a' } } : {}) });
        const c = new Cluster(ds, Array.from({ length: base.initialNodes }, (_, i) => aNode(`node-${i}`, { labels: { zone: i % 2 ? 'b' : 'a' } })));
        const twin = new TwinPlanner(burst);
        c.planner = twin.plan;
        const seq = { n: base.initialNodes };
        for (let i = 0; i < 3; i++) {
          c.sync({ confirmDeletes: false });
          c.confirmDeletes();
          c.markReady();
          c.advance(seconds(10));
        }
        // The extra actions interleaved with the history's own.
        const actions: AnyAction[] = [...base.actions];
        extra.forEach((a, i) => actions.splice(Math.min(actions.length, i * 3), 0, a));
        run(c, actions, seq);
        for (let i = 0; i < 12; i++) {
          c.confirmDeletes();
          c.markReady();
          c.advance(seconds(30));
          c.sync({ confirmDeletes: false });
        }
        expect(twin.syncs).toBeGreaterThanOrEqual(15);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 150) },
    );
  });

  it('a sync that continues a rolling update reads only the nodes that changed or that it wrote to, not every node', () => {
    const nodes = Array.from({ length: 1000 }, (_, i) => aNode(`node-${String(i).padStart(4, '0')}`));
    const c = new Cluster(aDaemonSet({ maxUnavailable: '10%' }), nodes);
    const twin = new TwinPlanner(250);
    c.planner = twin.plan;
    while (c.sync().creates > 0) c.markReady();
    c.markReady();
    c.sync();
    const reads = twin.incremental.fullReads;
    c.setImage('v2'); // a new template: every node is read once
    c.sync();
    expect(twin.incremental.fullReads).toBe(reads + 1);
    for (let step = 0; step < 6; step++) {
      c.markReady();
      c.sync();
      // 100 nodes per step (10%): their old pods deleted and new ones created, each read twice at most.
      expect(twin.incremental.lastRead).toBeLessThanOrEqual(2 * 100 + 1);
    }
    expect(twin.incremental.fullReads).toBe(reads + 1);
  });
});
