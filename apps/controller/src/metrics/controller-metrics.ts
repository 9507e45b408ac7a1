import { Injectable } from '@nestjs/common';

/** Upper bounds (seconds) of the reconcile-duration histogram buckets, as Prometheus client defaults. */
export const RECONCILE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The controller's own counters, fed by the reconciler and the command
 * runner, read by `/metrics`. Plain numbers: nothing here touches the log.
 */
@Injectable()
export class ControllerMetrics {
  readonly reconcileBuckets = new Array<number>(RECONCILE_BUCKETS.length).fill(0);
  reconcileCount = 0;
  reconcileSeconds = 0;
  reconcileErrors = 0;
  eventsAppended = 0;
  appendCalls = 0;

  observeReconcile(seconds: number, failed: boolean): void {
    this.reconcileCount++;
    this.reconcileSeconds += seconds;
    if (failed) this.reconcileErrors++;
    for (let i = 0; i < RECONCILE_BUCKETS.length; i++) if (seconds <= RECONCILE_BUCKETS[i]) this.reconcileBuckets[i]++;
  }

  observeAppend(events: number): void {
    this.appendCalls++;
    this.eventsAppended += events;
  }
}
