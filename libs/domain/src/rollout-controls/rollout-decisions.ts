import type { RolloutControlEvent, RolloutCounts } from '../cluster/events';

/**
 * What a rollout's stream has recorded of the controls it obeys (folded from
 * its RolloutPaused / RolloutResumed / RolloutPartitionChanged /
 * RolloutWaveStarted events): a rollout starts with none.
 */
export interface RecordedControls {
  readonly paused: boolean;
  readonly partition: number;
  /** The label selector of the nodes that may update ('' = every node). */
  readonly selector: string;
}

export const NO_CONTROLS: RecordedControls = { paused: false, partition: 0, selector: '' };

/** The controls as the DaemonSet's annotations set them now (controls.ts reads them). */
export interface CurrentControls {
  readonly paused: boolean;
  readonly partition: number;
  readonly selector?: string;
}

/**
 * The events that bring a rollout's record of its controls up to what the
 * DaemonSet says now, in a fixed order (partition and wave before a pause,
 * a resume last), each with the counts at this moment. None when nothing changed.
 */
export const controlEvents = (recorded: RecordedControls, now: CurrentControls, counts: RolloutCounts): RolloutControlEvent[] => {
  const events: RolloutControlEvent[] = [];
  if (now.partition !== recorded.partition) events.push({ type: 'RolloutPartitionChanged', data: { ...counts, from: recorded.partition, to: now.partition } });
  const selector = now.selector ?? '';
  if (selector !== recorded.selector) events.push({ type: 'RolloutWaveStarted', data: { ...counts, selector } });
  if (now.paused && !recorded.paused) events.push({ type: 'RolloutPaused', data: counts });
  if (!now.paused && recorded.paused) events.push({ type: 'RolloutResumed', data: counts });
  return events;
};

/** The fold of one control event into the record (other events leave it as it is). */
export const recordControl = (recorded: RecordedControls, e: { type: string; data: unknown }): RecordedControls => {
  switch (e.type) {
    case 'RolloutPaused':
      return { ...recorded, paused: true };
    case 'RolloutResumed':
      return { ...recorded, paused: false };
    case 'RolloutPartitionChanged':
      return { ...recorded, partition: (e.data as { to: number }).to };
    case 'RolloutWaveStarted':
      return { ...recorded, selector: (e.data as { selector: string }).selector };
    default:
      return recorded;
  }
};

/**
 * Whether an unpaused rollout now waits on its controls alone: some nodes are
 * held back on the old revision (`held`), and every other node the DaemonSet
 * runs on is updated and available. Then the rollout holds (`RolloutHeld`)
 * until a control changes; it is not complete (`kubectl rollout status` keeps
 * waiting, as updatedNumberScheduled < desiredNumberScheduled).
 */
export const holding = (counts: RolloutCounts, held: number): boolean =>
  held > 0 && counts.updated + held >= counts.desired && counts.available >= counts.desired && counts.unavailable === 0;

/** The RolloutHeld message: which control holds how many nodes. */
export const heldMessage = (controls: CurrentControls, held: number): string => {
  const by = [controls.partition > 0 ? `partition ${controls.partition}` : '', controls.selector ? `selector ${controls.selector}` : ''].filter(Boolean).join(' and ');
  return `${held} node(s) kept on the old revision by ${by || 'the rollout controls'}`;
};
