import { All, Controller, Inject, Req, Res } from '@nestjs/common';
import { DomainError, methodNotAllowedError, NODES, notFoundError } from '@daemonledger/domain';
import type { Pod } from '@daemonledger/domain/api/types';
import type { Response } from '../http/express-types';
import { type ApiRequest, sendJson } from '../http/respond';
import { ClusterAccess } from './cluster-access.service';

/** `<node>` or `<node>:<port>` (the e2e framework asks `nodes/<node>:10250/proxy/pods`), as the API server's node proxy accepts. */
export const proxiedNodeName = (name: string): string => name.replace(/:\d+$/, '');

/**
 * What a kubelet's `/pods` answers: a v1 PodList of the pods bound to its
 * node, in the API server's order (namespace, name).
 */
export const kubeletPodList = (pods: readonly Pod[], node: string) => ({
  kind: 'PodList',
  apiVersion: 'v1',
  metadata: {},
  items: pods.filter((p) => p.spec.nodeName === node).map((p) => ({ ...p, kind: 'Pod', apiVersion: 'v1' })),
});

/**
 * `/api/v1/nodes/<name>/proxy/...`: the API server's way to a node's kubelet.
 * The simulated kubelets serve `/pods` (what the e2e framework reads when it
 * dumps diagnostics); any other kubelet path is a 404 Status that says so.
 */
@Controller('api/v1/nodes/:name/proxy')
export class NodeProxyController {
  constructor(@Inject(ClusterAccess) private readonly cluster: ClusterAccess) {}

  @All(['', '*path'])
  proxy(@Req() req: ApiRequest, @Res() res: Response): void {
    const node = proxiedNodeName((req.params as Record<string, string>).name);
    if (!this.cluster.view.nodes.get(node)) throw notFoundError(NODES, node);
    const path = req.path.replace(/^\/api\/v1\/nodes\/[^/]+\/proxy/, '').replace(/\/+$/, '') || '/';
    if (path === '/pods') {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowedError(req.method?.toLowerCase() ?? '', NODES);
      return sendJson(res, 200, kubeletPodList(this.cluster.view.allPods(), node));
    }
    throw new DomainError(
      'NotFound',
      `the simulated kubelet of node "${node}" serves /pods only, not ${path} (DaemonLedger runs no kubelet processes: no /metrics, /stats, /logs, /exec or /healthz)`,
      { name: node, kind: 'nodes' },
    );
  }
}
