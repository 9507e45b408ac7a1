import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/** Upper bounds (seconds) of the reconcile-duration histogram buckets, as Prometheus client defaults. */
export const RECONCILE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The controller's own counters, fed by the reconciler and the command
 * runner, read by `/metrics`. Plain numbers: nothing here touches the log.
 */
@Injectable()
export class ControllerMetrics implements OnModuleDestroy {
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

  /**
   * How late the event loop ran timers since the last scrape (prom-client's
   * `nodejs_eventloop_lag_*` gauges, reset on each read as it does): one
   * loop runs the controller, the projections and the API, so a long plan
   * step or fan-out shows here before it shows in request latency.
   */
  private readonly loopDelay: IntervalHistogram = (() => {
    const h = monitorEventLoopDelay({ resolution: 10 });
    h.enable();
    return h;
  })();

  takeEventLoopLag(): { p50: number; p90: number; p99: number; max: number } {
    const h = this.loopDelay;
    const s = (ns: number) => (Number.isFinite(ns) && h.count > 0 ? ns / 1e9 : 0);
    const out = { p50: s(h.percentile(50)), p90: s(h.percentile(90)), p99: s(h.percentile(99)), max: s(h.max) };
    h.reset();
    return out;
  }

  onModuleDestroy(): void {
    this.loopDelay.disable();
  }
}
