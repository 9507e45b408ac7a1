/**
 * Random cluster histories for the planner's property tests: node joins and leaves, label and
 * taint changes, template updates, pod failures, readiness, kubelet confirmations and time, and
 * the rollout controls set and cleared.
 */
import fc from 'fast-check';
import { isPodDeleting, isPodTerminal } from '../pods';
import { PARTITION_ANNOTATION, PAUSED_ANNOTATION, SELECTOR_ANNOTATION } from '../../rollout-controls/controls';
import { aNode, seconds, taint } from './builders';
import type { Cluster } from './simulator';

export type Action =
  | { kind: 'join'; zone: 'a' | 'b' }
  | { kind: 'leave'; i: number }
  | { kind: 'relabel'; i: number }
  | { kind: 'taint'; i: number; effect: 'NoSchedule' | 'NoExecute' | 'none' }
  | { kind: 'image'; image: string }
  | { kind: 'fail'; i: number }
  | { kind: 'ready'; fraction: number }
  | { kind: 'confirm' }
  | { kind: 'tick'; ms: number };

export const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('join' as const), zone: fc.constantFrom('a' as const, 'b' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('leave' as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('relabel' as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('taint' as const), i: fc.nat(), effect: fc.constantFrom('NoSchedule' as const, 'NoExecute' as const, 'none' as const) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('image' as const), image: fc.constantFrom('v1', 'v2', 'v3') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fail' as const), i: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('ready' as const), fraction: fc.constantFrom(0.3, 0.6, 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('confirm' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 100, max: seconds(20) }) }) },
);

export type Strategy = { maxUnavailable?: number | string; maxSurge?: number | string; onDelete?: boolean };
export const strategy: fc.Arbitrary<Strategy> = fc.oneof(
  fc.record({ maxUnavailable: fc.constantFrom(1, 2, 3, '50%', '30%') }),
  fc.record({ maxUnavailable: fc.constant(0), maxSurge: fc.constantFrom(1, 2, '50%') }),
  fc.constant({ onDelete: true }),
);

export const scenario = fc.record({
  strategy,
  minReadySeconds: fc.constantFrom(0, 5),
  zoneSelector: fc.boolean(),
  initialNodes: fc.integer({ min: 1, max: 6 }),
  actions: fc.array(action, { maxLength: 30 }),
});

/** Rollout controls (issue 12), set and cleared at random between the other steps. */
export type ControlAction =
  | { kind: 'pause'; on: boolean }
  | { kind: 'partition'; n: number }
  | { kind: 'selector'; text: string | undefined };

export const controlAction: fc.Arbitrary<ControlAction> = fc.oneof(
  fc.record({ kind: fc.constant('pause' as const), on: fc.boolean() }),
  fc.record({ kind: fc.constant('partition' as const), n: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ kind: fc.constant('selector' as const), text: fc.constantFrom(undefined, 'zone=a', 'zone=b', 'zone notin (a)') }),
);

export const controlledScenario = fc.record({
  strategy,
  minReadySeconds: fc.constantFrom(0, 5),
  zoneSelector: fc.boolean(),
  initialNodes: fc.integer({ min: 1, max: 6 }),
  actions: fc.array(fc.oneof({ weight: 4, arbitrary: action }, { weight: 1, arbitrary: controlAction }), { maxLength: 30 }),
  /** Clear every control before the cluster settles (else whatever the actions left stays set). */
  clearAtEnd: fc.boolean(),
});

export const CONTROL_KEYS = { pause: PAUSED_ANNOTATION, partition: PARTITION_ANNOTATION, selector: SELECTOR_ANNOTATION } as const;

/** An annotation change as the registry stores it: metadata only, no generation bump. */
export const annotate = (c: Cluster, key: string, value: string | undefined): void => {
  const annotations = { ...(c.ds.metadata.annotations ?? {}) };
  if (value === undefined) delete annotations[key];
  else annotations[key] = value;
  c.ds = { ...c.ds, metadata: { ...c.ds.metadata, annotations } };
};

export const applyControl = (c: Cluster, a: ControlAction): void => {
  const value = a.kind === 'pause' ? (a.on ? 'true' : undefined) : a.kind === 'partition' ? (a.n > 0 ? String(a.n) : undefined) : a.text;
  annotate(c, CONTROL_KEYS[a.kind], value);
};

export const controlsLeft = (c: Cluster): boolean => Object.values(CONTROL_KEYS).some((k) => c.ds.metadata.annotations?.[k] !== undefined);

export const apply = (c: Cluster, a: Action, seq: { n: number }): void => {
  const pick = <T>(xs: readonly T[], i: number): T | undefined => (xs.length ? xs[i % xs.length] : undefined);
  switch (a.kind) {
    case 'join':
      c.nodes = [...c.nodes, aNode(`node-${seq.n++}`, { labels: { zone: a.zone } })];
      break;
    case 'leave': {
      const gone = pick(c.nodes, a.i);
      c.nodes = c.nodes.filter((n) => n !== gone);
      c.confirmDeletes(); // pod GC removes pods bound to the vanished node
      break;
    }
    case 'relabel':
      c.nodes = c.nodes.map((n, k) => (k === a.i % c.nodes.length ? { ...n, metadata: { ...n.metadata, labels: { ...n.metadata.labels, zone: n.metadata.labels?.zone === 'a' ? 'b' : 'a' } } } : n));
      break;
    case 'taint':
      c.nodes = c.nodes.map((n, k) => (k === a.i % c.nodes.length ? { ...n, spec: { ...n.spec, taints: a.effect === 'none' ? [] : [taint('dedicated', a.effect)] } } : n));
      break;
    case 'image':
      c.setImage(a.image);
      break;
    case 'fail': {
      const victim = pick(c.pods.filter((p) => !isPodDeleting(p) && !isPodTerminal(p)), a.i);
      if (victim) c.setPhase(victim.metadata.name!, 'Failed');
      break;
    }
    case 'ready': {
      const live = c.pods.filter((p) => !isPodTerminal(p));
      const chosen = new Set(live.slice(0, Math.ceil(live.length * a.fraction)).map((p) => p.metadata.name));
      c.markReady((p) => chosen.has(p.metadata.name));
      break;
    }
    case 'confirm':
      c.confirmDeletes();
      break;
    case 'tick':
      c.advance(a.ms);
      break;
  }
};

