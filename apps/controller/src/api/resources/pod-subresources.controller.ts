import { All, Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Response } from '../http/express-types';
import { badRequestError, notFoundError, PODS } from '@daemonledger/domain';
import type { Pod } from '@daemonledger/domain/api/types';
import type { ApiRequest } from '../http/respond';
import { WatchHub } from '../watch/watch-hub.service';
import { ClusterAccess } from './cluster-access.service';
import { type Query, queryString } from './list-options';

interface LogLine {
  at: string;
  text: string;
}

/**
 * What a simulated container "printed": its life as the log recorded it —
 * started (image, node), restarted, asked to stop, terminated. The simulated
 * kubelets run no processes, so this is all the output there is; each line
 * says it comes from DaemonLedger's simulation.
 */
export const containerLog = (pod: Pod, container: string): LogLine[] => {
  const status = pod.status?.containerStatuses?.find((c) => c.name === container);
  const lines: LogLine[] = [];
  const startedAt = status?.state?.running?.startedAt ?? status?.state?.terminated?.startedAt;
  if (startedAt) {
    lines.push({ at: startedAt, text: `[daemonledger] simulated container ${container} started: image ${status?.image ?? pod.spec.containers.find((c) => c.name === container)?.image}, node ${pod.spec.nodeName}, pod IP ${pod.status?.podIP ?? '-'}` });
  }
  if (status?.restartCount) lines.push({ at: startedAt ?? '', text: `[daemonledger] restarted ${status.restartCount} time(s)` });
  if (pod.metadata.deletionTimestamp) {
    lines.push({ at: pod.metadata.deletionTimestamp, text: `[daemonledger] received SIGTERM: stopping within ${pod.metadata.deletionGracePeriodSeconds ?? 30}s` });
  }
  const term = status?.state?.terminated;
  if (term) lines.push({ at: term.finishedAt ?? '', text: `[daemonledger] exited with code ${term.exitCode} (${term.reason ?? 'Terminated'})` });
  return lines;
};

/**
 * A log line's timestamp as the kubelet writes it with `timestamps=true`:
 * RFC 3339 with nine fixed fraction digits (pkg/kubelet/kuberuntime/logs,
 * timeFormatOut = RFC3339NanoFixed), e.g. `2026-12-03T08:49:37.123456789Z`.
 */
export const logTimestamp = (iso: string): string => {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  if (!m) return iso;
  const zone = m[3] === '+00:00' || m[3] === '-00:00' ? 'Z' : m[3];
  return `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}${zone}`;
};

/**
 * `GET …/pods/<name>/log` (`kubectl logs`, also `kubectl logs ds/<name>`):
 * `container`, `timestamps`, `tailLines`, `follow` (until the pod stops or
 * goes) as the kubelet serves them, with upstream's 400s for an ambiguous or
 * unknown container and for one still waiting to start.
 */
@Controller('api/v1/namespaces/:namespace/pods/:name')
export class PodSubresourcesController {
  constructor(
    @Inject(ClusterAccess) private readonly cluster: ClusterAccess,
    @Inject(WatchHub) private readonly hub: WatchHub,
  ) {}

  /**
   * exec, attach and port-forward need a process to talk to; the simulated
   * kubelets run none. A clear 400 (after the pod's own 404) instead of the
   * bare "could not find the requested resource".
   */
  @All(['exec', 'attach', 'portforward'])
  streams(@Req() req: ApiRequest): never {
    const { namespace, name } = req.params as Record<string, string>;
    if (!this.cluster.view.pod(namespace, name)) throw notFoundError(PODS, name);
    const what = req.path.split('/').pop();
    throw badRequestError(`pods/${what} is not available for pod ${name}: DaemonLedger's simulated kubelets run no container processes (exec, attach and port-forward need a real kubelet)`);
  }

  @Get('log')
  log(@Req() req: ApiRequest, @Res() res: Response): void {
    const { namespace, name } = req.params as Record<string, string>;
    const q = req.query as Query;
    const pod = this.cluster.view.pod(namespace, name);
    if (!pod) throw notFoundError(PODS, name);
    const names = pod.spec.containers.map((c) => c.name);
    let container = queryString(q, 'container');
    if (!container) {
      if (names.length !== 1) throw badRequestError(`a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`);
      container = names[0];
    }
    if (!names.includes(container)) throw badRequestError(`container ${container} is not valid for pod ${name}`);
    if (queryString(q, 'previous') === 'true') throw badRequestError(`previous terminated container "${container}" in pod "${name}" not found`);
    const state = pod.status?.containerStatuses?.find((c) => c.name === container)?.state;
    if (!state?.running && !state?.terminated) {
      const reason = state?.waiting?.reason === 'ErrImagePull' || state?.waiting?.reason === 'ImagePullBackOff' ? 'trying and failing to pull image' : (state?.waiting?.reason ?? 'ContainerCreating');
      throw badRequestError(`container "${container}" in pod "${name}" is waiting to start: ${reason}`);
    }
    const timestamps = queryString(q, 'timestamps') === 'true';
    const tail = queryString(q, 'tailLines');
    const format = (l: LogLine) => `${timestamps ? `${logTimestamp(l.at)} ` : ''}${l.text}\n`;
    const all = containerLog(pod, container);
    const lines = tail !== undefined && /^\d+$/.test(tail) ? (Number(tail) === 0 ? [] : all.slice(-Number(tail))) : all;
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/plain');
    if (queryString(q, 'follow') !== 'true' || state.terminated) {
      res.end(lines.map(format).join(''));
      return;
    }
    // Follow: what was said, then what the pod does until it stops or goes.
    res.setHeader('Transfer-Encoding', 'chunked');
    res.flushHeaders();
    let sent = all.length;
    res.write(lines.map(format).join(''));
    const unsubscribe = this.hub.subscribe((c) => {
      if (c.kind !== 'pod' || c.object.metadata.namespace !== namespace || c.object.metadata.name !== name) return;
      const now = c.object as Pod;
      const all = containerLog(now, container);
      if (all.length > sent) res.write(all.slice(sent).map(format).join(''));
      sent = all.length;
      if (c.type === 'DELETED' || now.status?.containerStatuses?.find((s) => s.name === container)?.state?.terminated) finish();
    }, 'pod');
    const finish = () => {
      unsubscribe();
      if (!res.writableEnded) res.end();
    };
    req.on('close', finish);
  }
}
