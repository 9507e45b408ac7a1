import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { notFoundError } from '@daemonledger/domain';
import type { EventStore } from '@daemonledger/event-store/event-store.port';
import { auditEntry, readAtPositions, type AuditEntry } from '@daemonledger/projections';
import { EVENT_STORE } from '../../infrastructure/tokens';
import type { Response } from '../http/express-types';
import type { ApiRequest } from '../http/respond';
import { sendJson } from '../http/respond';
import { ClusterAccess } from './cluster-access.service';
import { LEDGER_GROUP, ROLLOUTS_REF } from './rollouts.resource';

/**
 * `GET …/namespaces/{ns}/rollouts/{name}/audit`: every event the rollout
 * caused (its rollout stream and everything carrying its correlation id), in
 * log order, each with a one-line detail. Read by position from the
 * projection's index of the rollout, never by scanning the log.
 */
@Controller(`apis/${LEDGER_GROUP}/v1`)
export class RolloutAuditController {
  constructor(
    @Inject(ClusterAccess) private readonly cluster: ClusterAccess,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('namespaces/:namespace/rollouts/:name/audit')
  async audit(@Req() req: ApiRequest, @Res() res: Response) {
    const { namespace, name } = req.params as Record<string, string>;
    const view = this.cluster.view;
    const rollout = view.rolloutTimelines.get(namespace, name);
    if (!rollout) throw notFoundError(ROLLOUTS_REF, name);
    const entries: AuditEntry[] = [];
    for await (const e of readAtPositions(this.store, rollout.runs)) {
      if (e.position > view.position) break; // what the rollout's index held when asked
      entries.push(auditEntry(e, view));
    }
    sendJson(res, 200, {
      apiVersion: `${LEDGER_GROUP}/v1`,
      kind: 'RolloutAudit',
      metadata: { name, namespace, resourceVersion: String(rollout.lastPosition) },
      correlationId: rollout.summary.correlationId,
      entries,
    });
  }
}
