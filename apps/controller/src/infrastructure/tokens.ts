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
