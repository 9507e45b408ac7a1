/**
 * The pod row of `kubectl get pods`: printPod in kubernetes
 * pkg/printers/internalversion/printers.go (v1.32), sidecars included.
 */
import type { ContainerState, ContainerStatus, Pod } from '@daemonledger/domain';
import { parseTimestamp, translateTimestampSince } from './duration';
import type { PrintedRow, TableRowCondition } from './printers';

const terminatedSignal = (t: NonNullable<ContainerState['terminated']>): number => (t as { signal?: number }).signal ?? 0;

const POD_COMPLETED: Record<string, TableRowCondition[]> = {
  Succeeded: [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }],
  Failed: [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }],
};

/** READY, STATUS and RESTARTS of `printPod`, including sidecar (restartable init) containers. */
export const podSummary = (pod: Pod, now: Date): { ready: string; status: string; restarts: string } => {
  const phase = pod.status?.phase ?? '';
  let reason: string = pod.status?.reason || phase;
  if ((pod.status?.conditions ?? []).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  const initSpecs = new Map((pod.spec?.initContainers ?? []).map((c) => [c.name, c]));
  const isSidecar = (name: string) => initSpecs.get(name)?.restartPolicy === 'Always';
  const total = (pod.spec?.containers ?? []).length + [...initSpecs.values()].filter((c) => c.restartPolicy === 'Always').length;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;
  const finished = (cs: ContainerStatus) => parseTimestamp(cs.lastState?.terminated?.finishedAt) ?? 0;

  let initializing = false;
  const inits = pod.status?.initContainerStatuses ?? [];
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i];
    restarts += c.restartCount ?? 0;
    lastRestart = Math.max(lastRestart, finished(c));
    if (isSidecar(c.name)) {
      sidecarRestarts += c.restartCount ?? 0;
      lastSidecarRestart = Math.max(lastSidecarRestart, finished(c));
    }
    const t = c.state?.terminated;
    const w = c.state?.waiting;
    if (t && t.exitCode === 0) continue;
    if (isSidecar(c.name) && c.started) {
      if (c.ready) ready++;
      continue;
    }
    if (t) {
      const sig = terminatedSignal(t);
      reason = t.reason ? `Init:${t.reason}` : sig ? `Init:Signal:${sig}` : `Init:ExitCode:${t.exitCode}`;
    } else if (w?.reason && w.reason !== 'PodInitializing') {
      reason = `Init:${w.reason}`;
    } else {
      reason = `Init:${i}/${initSpecs.size}`;
    }
    initializing = true;
    break;
  }

  const initialized = (pod.status?.conditions ?? []).some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = pod.status?.containerStatuses ?? [];
    // Walked last to first, so the first container with a waiting/terminated reason wins.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += c.restartCount ?? 0;
      lastRestart = Math.max(lastRestart, finished(c));
      const t = c.state?.terminated;
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (t?.reason) reason = t.reason;
      else if (t) reason = terminatedSignal(t) ? `Signal:${terminatedSignal(t)}` : `ExitCode:${t.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
  }

  if (pod.metadata.deletionTimestamp && pod.status?.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  const restartsText =
    restarts !== 0 && lastRestart > 0 ? `${restarts} (${translateTimestampSince(new Date(lastRestart).toISOString(), now)} ago)` : `${restarts}`;
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsText };
};

export const printPod = (pod: Pod, now: Date): PrintedRow => {
  const { ready, status, restarts } = podSummary(pod, now);
  const st = pod.status as (Pod['status'] & { nominatedNodeName?: string }) | undefined;
  const ip = st?.podIPs?.[0]?.ip || st?.podIP || '<none>';
  const gates = pod.spec?.readinessGates ?? [];
  let readinessGates = '<none>';
  if (gates.length) {
    const trueCount = gates.filter((g) => st?.conditions?.find((c) => c.type === g.conditionType)?.status === 'True').length;
    readinessGates = `${trueCount}/${gates.length}`;
  }
  const row: PrintedRow = {
    cells: [
      pod.metadata.name ?? '',
      ready,
      status,
      restarts,
      translateTimestampSince(pod.metadata.creationTimestamp, now),
      ip,
      pod.spec?.nodeName || '<none>',
      st?.nominatedNodeName || '<none>',
      readinessGates,
    ],
  };
  const completed = POD_COMPLETED[st?.phase ?? ''];
  if (completed) row.conditions = completed;
  return row;
};

