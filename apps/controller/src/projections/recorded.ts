import type { RecordedEvent } from '@daemonledger/event-store/event-store.port';

/**
 * A stored event on the Nest event bus. @nestjs/cqrs routes by class, domain
 * events are plain objects, so every one travels in this envelope; sagas use
 * `ofType(Recorded)` and look at `event.type`. `affects` names the DaemonSets
 * (`<ns>/<name>`) whose reconcile this event may change.
 */
export class Recorded {
  constructor(
    readonly event: RecordedEvent,
    readonly affects: string[],
  ) {}
}

/** Published once the projection has caught up with the log at start (or after a restart). */
export class CaughtUp {
  constructor(readonly position: number) {}
}
