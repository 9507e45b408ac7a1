import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Response } from './http/express-types';
import { badRequestError } from '@daemonledger/domain';
import { LEDGER_API_VERSION, type VerifyReport } from '@daemonledger/domain/history';
import type { EventStore } from '@daemonledger/event-store/event-store.port';
import type { AppConfig } from '../config/config';
import { lastEventAtOrBefore } from '../history/position-at';
import { verifyLog } from '../history/verify-log';
import { APP_CONFIG, EVENT_STORE } from '../infrastructure/tokens';
import { type ApiRequest, sendJson } from './http/respond';

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 time as epoch ms, or a 400 naming the parameter. */
export const parseRfc3339 = (value: unknown): number => {
  const text = typeof value === 'string' ? value : undefined;
  const ms = text !== undefined && RFC3339.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw badRequestError(`time: Invalid value: ${JSON.stringify(text ?? '')}: must be an RFC 3339 time, e.g. 2026-12-02T12:00:00Z`);
  }
  return ms;
};

/**
 * The ledger's non-resource endpoints (same TLS and tokens; get, so the
 * viewer may use them too):
 * - `GET /ledger/v1/position?time=<RFC3339>`: the last log position recorded
 *   at or before that time (0 if none), by binary search, never a scan;
 * - `GET /ledger/v1/verify`: the whole log checked once (VerifyReport). One
 *   check runs at a time; callers arriving meanwhile share its answer.
 */
@Controller('ledger/v1')
export class LedgerController {
  private running?: Promise<VerifyReport>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('position')
  async position(@Req() req: ApiRequest, @Res() res: Response) {
    const time = parseRfc3339(req.query.time);
    const e = await lastEventAtOrBefore(this.store, time);
    sendJson(res, 200, {
      kind: 'LogPosition',
      apiVersion: LEDGER_API_VERSION,
      time: new Date(time).toISOString(),
      position: e?.position ?? 0,
      recordedAt: e?.recordedAt ?? null,
    });
  }

  @Get('verify')
  async verify(@Res() res: Response) {
    this.running ??= verifyLog(this.store, { densePositions: this.config.eventStore.kind !== 'eventstoredb' }).finally(() => (this.running = undefined));
    sendJson(res, 200, await this.running);
  }
}
