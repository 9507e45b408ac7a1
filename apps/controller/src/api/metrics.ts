import type { ClusterView } from '@daemonledger/projections';
import { type ControllerMetrics, RECONCILE_BUCKETS } from '../metrics/controller-metrics';

/**
 * `/metrics` in the Prometheus text format (version 0.0.4): the DaemonSet
 * gauges under kube-state-metrics' names (so existing dashboards and alerts
 * work unchanged), then DaemonLedger's own: log head, events appended,
 * reconcile count and duration, rollout progress.
 */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labels = (l: Record<string, string | number>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${esc(String(v))}"`)
    .join(',')}}`;

export const renderMetrics = (view: ClusterView, metrics: ControllerMetrics, watches = 0): string => {
  const out: string[] = [];
  const family = (name: string, type: 'gauge' | 'counter' | 'histogram', help: string, samples: [Record<string, string | number>, number][]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [l, v] of samples) out.push(`${name}${Object.keys(l).length ? labels(l) : ''} ${v}`);
  };
  const daemonSets = view.allDaemonSets().sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  const per = (pick: (s: NonNullable<(typeof daemonSets)[number]['status']>, d: (typeof daemonSets)[number]) => number | undefined) =>
    daemonSets.map((d) => [{ namespace: d.metadata.namespace!, daemonset: d.metadata.name! }, pick(d.status ?? ({} as never), d) ?? 0] as [Record<string, string>, number]);

  family('kube_daemonset_created', 'gauge', 'Unix creation timestamp', per((_s, d) => Date.parse(d.metadata.creationTimestamp ?? '') / 1000 || 0));
  family('kube_daemonset_status_current_number_scheduled', 'gauge', 'The number of nodes running at least one daemon pod and are supposed to.', per((s) => s.currentNumberScheduled));
  family('kube_daemonset_status_desired_number_scheduled', 'gauge', 'The number of nodes that should be running the daemon pod.', per((s) => s.desiredNumberScheduled));
  family('kube_daemonset_status_number_available', 'gauge', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available', per((s) => s.numberAvailable));
  family('kube_daemonset_status_number_misscheduled', 'gauge', 'The number of nodes running a daemon pod but are not supposed to.', per((s) => s.numberMisscheduled));
  family('kube_daemonset_status_number_ready', 'gauge', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.', per((s) => s.numberReady));
  family('kube_daemonset_status_number_unavailable', 'gauge', 'The number of nodes that should be running the daemon pod and have none of the daemon pod running and available', per((s) => s.numberUnavailable));
  family('kube_daemonset_status_observed_generation', 'gauge', 'The most recent generation observed by the daemon set controller.', per((s) => s.observedGeneration));
  family('kube_daemonset_status_updated_number_scheduled', 'gauge', 'The total number of nodes that are running updated daemon pod', per((s) => s.updatedNumberScheduled));
  family('kube_daemonset_metadata_generation', 'gauge', 'Sequence number representing a specific generation of the desired state.', per((_s, d) => d.metadata.generation));

  family('daemonledger_log_head_position', 'gauge', 'Global position of the newest event the projections have applied.', [[{}, view.position]]);
  family('daemonledger_events_appended_total', 'counter', 'Events appended to the log by this process.', [[{}, metrics.eventsAppended]]);
  family('daemonledger_append_calls_total', 'counter', 'Append calls (each one transaction) made by this process.', [[{}, metrics.appendCalls]]);
  family('daemonledger_nodes', 'gauge', 'Nodes known to the cluster.', [[{}, view.nodes.size]]);
  family('daemonledger_pods', 'gauge', 'Pods known to the cluster.', [[{}, view.allPods().length]]);
  family('daemonledger_api_watches', 'gauge', 'Watch requests the API is serving now.', [[{}, watches]]);
  const lag = metrics.takeEventLoopLag();
  family('nodejs_eventloop_lag_p50_seconds', 'gauge', 'The 50th percentile of the event loop delay since the last scrape.', [[{}, lag.p50]]);
  family('nodejs_eventloop_lag_p90_seconds', 'gauge', 'The 90th percentile of the event loop delay since the last scrape.', [[{}, lag.p90]]);
  family('nodejs_eventloop_lag_p99_seconds', 'gauge', 'The 99th percentile of the event loop delay since the last scrape.', [[{}, lag.p99]]);
  family('nodejs_eventloop_lag_max_seconds', 'gauge', 'The longest event loop delay since the last scrape.', [[{}, lag.max]]);
  family('daemonledger_reconcile_errors_total', 'counter', 'DaemonSet syncs that failed.', [[{}, metrics.reconcileErrors]]);

  out.push('# HELP daemonledger_reconcile_duration_seconds Time one DaemonSet sync took, plan and execution.', '# TYPE daemonledger_reconcile_duration_seconds histogram');
  RECONCILE_BUCKETS.forEach((le, i) => out.push(`daemonledger_reconcile_duration_seconds_bucket{le="${le}"} ${metrics.reconcileBuckets[i]}`));
  out.push(`daemonledger_reconcile_duration_seconds_bucket{le="+Inf"} ${metrics.reconcileCount}`);
  out.push(`daemonledger_reconcile_duration_seconds_sum ${metrics.reconcileSeconds}`);
  out.push(`daemonledger_reconcile_duration_seconds_count ${metrics.reconcileCount}`);

  const open = [...view.rollouts.values()].filter((r) => r.state !== 'completed' && r.state !== 'superseded' && r.state !== 'rolledback');
  family(
    'daemonledger_rollout_progress_ratio',
    'gauge',
    'Updated and available daemon pods over desired, for each open rollout.',
    open.map((r) => [{ namespace: r.namespace, daemonset: r.daemonSet, rollout: r.rollout, state: r.state }, r.last && r.last.desired > 0 ? Math.min(r.last.updated, r.last.available) / r.last.desired : 0]),
  );
  const byState = new Map<string, number>();
  for (const r of view.rollouts.values()) byState.set(r.state, (byState.get(r.state) ?? 0) + 1);
  family('daemonledger_rollouts', 'gauge', 'Rollouts recorded in the log, by state.', ['running', 'stalled', 'paused', 'holding', 'completed', 'superseded', 'rolledback'].map((s) => [{ state: s }, byState.get(s) ?? 0]));
  family(
    'daemonledger_rollout_progress_deadline_exceeded',
    'gauge',
    'Open rollouts past their progress deadline (annotation rollout.daemonledger.io/progress-deadline-seconds): 1 each.',
    open.filter((r) => r.deadlineExceeded).map((r) => [{ namespace: r.namespace, daemonset: r.daemonSet, rollout: r.rollout }, 1]),
  );
  return out.join('\n') + '\n';
};
