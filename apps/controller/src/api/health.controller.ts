import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from './http/express-types';
import { DomainError } from '@daemonledger/domain';
import type { EventStore } from '@daemonledger/event-store/event-store.port';
import { EVENT_STORE } from '../infrastructure/tokens';
import { ControllerMetrics } from '../metrics/controller-metrics';
import { ClusterState } from '../projections/cluster-state.service';
import { METRICS_CONTENT_TYPE, renderMetrics } from './metrics';
import { sendText } from './http/respond';
import { WatchService } from './watch/watch.service';

type Check = { name: string; run: () => Promise<void> | void };

/**
 * `/healthz`, `/livez`, `/readyz` as kube-apiserver answers them (`ok`, or
 * with `?verbose` one `[+]<check> ok` line per check and `<x> check passed`;
 * a failing check → 500 with `[-]<check> failed: reason withheld`), each check
 * also at `/<endpoint>/<check>`; and `/metrics` (Prometheus text).
 */
@Controller()
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly state: ClusterState,
    private readonly metrics: ControllerMetrics,
    private readonly watches: WatchService,
  ) {}

  private checks(endpoint: string): Check[] {
    const ping: Check = { name: 'ping', run: () => undefined };
    const log: Check = { name: 'log', run: async () => void (await this.store.headPosition()) };
    const projection: Check = {
      name: 'projection-caught-up',
      run: async () => {
        if (this.state.view.position < (await this.store.headPosition()) - 10_000) throw new Error('projection behind the log');
      },
    };
    return endpoint === 'livez' ? [ping, log] : [ping, log, projection];
  }

  @Get(['healthz', 'livez', 'readyz'])
  async all(@Req() req: Request, @Res() res: Response) {
    const endpoint = req.path.replace(/^\/|\/$/g, '');
    const exclude = new Set([req.query.exclude].flat().filter((x): x is string => typeof x === 'string'));
    const results: [string, boolean][] = [];
    for (const c of this.checks(endpoint)) {
      if (exclude.has(c.name)) continue;
      results.push([c.name, await this.passes(c)]);
    }
    const ok = results.every(([, passed]) => passed);
    const verbose = req.query.verbose !== undefined || !ok;
    const lines = results.map(([name, passed]) => (passed ? `[+]${name} ok` : `[-]${name} failed: reason withheld`));
    for (const x of exclude) lines.push(`[+]${x} excluded: ok`);
    const body = verbose ? `${lines.join('\n')}\n${endpoint} check ${ok ? 'passed' : 'failed'}\n` : 'ok';
    sendText(res, ok ? 200 : 500, 'text/plain; charset=utf-8', body, { 'X-Content-Type-Options': 'nosniff' });
  }

  @Get(['healthz/:check', 'livez/:check', 'readyz/:check'])
  async one(@Req() req: Request, @Param('check') check: string, @Res() res: Response) {
    const endpoint = req.path.split('/')[1];
    const c = this.checks(endpoint).find((x) => x.name === check);
    if (!c) throw new DomainError('NotFound', 'the server could not find the requested resource');
    const passed = await this.passes(c);
    sendText(res, passed ? 200 : 500, 'text/plain; charset=utf-8', passed ? 'ok' : `internal server error: ${check} failed`);
  }

  @Get('metrics')
  render(@Res() res: Response) {
    sendText(res, 200, METRICS_CONTENT_TYPE, renderMetrics(this.state.view, this.metrics, this.watches.openWatches));
  }

  private async passes(c: Check): Promise<boolean> {
    try {
      await c.run();
      return true;
    } catch {
      return false;
    }
  }
}
