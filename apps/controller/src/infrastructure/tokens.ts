/** Injection tokens for the ports the controller is wired with. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const TRANSPORT = Symbol('TRANSPORT');
export const CLOCK = Symbol('CLOCK');
export const ID_SOURCE = Symbol('ID_SOURCE');

/** Time, injected so tests can run rollouts on a clock of their own. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** uuids, injected for the same reason. */
export interface IdSource {
  uuid(): string;
}

/** Where snapshots of the read models go (null: none; every start replays the log). */
export const SNAPSHOT_STORE = Symbol('SNAPSHOT_STORE');
/** When snapshots are taken and how many are kept (snapshot-scheduler.ts). */
export const SNAPSHOT_POLICY = Symbol('SNAPSHOT_POLICY');

/**
 * Whether this process may act on the cluster (reconcile, collect garbage,
 * publish pod commands, mark nodes unreachable). One process in the embedded
 * mode, always; several controllers on one log elect one leader through the
 * Lease kube-system/daemonledger-controller (distributed mode). Serving the
 * API and recording what kubelets report need no leadership.
 */
export const LEADERSHIP = Symbol('LEADERSHIP');

/** An append condition: the stream must be at exactly this revision (fencing a deposed leader's writes). */
export interface Fence {
  streamId: string;
  expectedRevision: number;
}

export interface Leadership {
  /** This process among the controllers on one log (distributed mode); absent for the embedded single process. */
  readonly identity?: string;
  isLeader(): boolean;
  /** Called at once with the current state, then on every change; returns the unsubscribe. */
  onChange(listener: (leader: boolean) => void): () => void;
  /** The condition a leader's own appends carry; undefined when unfenced (the embedded single process). */
  fence(): Fence | undefined;
  /**
   * The store rejected an append fenced with `fence`: another process holds
   * the lease now. The leader steps down at once (listeners told), without
   * waiting for its next renewal to fail.
   */
  fenceRejected?(fence: Fence): void;
}

/** The embedded mode: one process, always the leader, nothing to fence. */
export const soleLeader: Leadership = {
  isLeader: () => true,
  onChange: (listener) => {
    listener(true);
    return () => undefined;
  },
  fence: () => undefined,
};
