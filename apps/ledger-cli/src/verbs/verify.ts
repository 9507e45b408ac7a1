import { formatReport, type VerifyReport } from '@daemonledger/domain/history/report';
import type { Verb } from '../verb';

export const verifyVerb: Verb = {
  summary: 'Check the whole log: revision numbers, one pod per node, maxUnavailable, positions, hash chain',
  usage: 'kubectl ledger verify',
  help: [
    'Asks the server to check its whole event log once (streaming, bounded memory) and prints OK with',
    'counts, or the first violating position with the events around it and the rule it broke:',
    '  revision-monotonic  ControllerRevision numbers of a DaemonSet only grow (an undo renumbers to max+1)',
    '  one-pod-per-node    at most one live daemon pod per node outside a surge, two during one, within maxSurge',
    '  max-unavailable     a rolling update never takes more nodes down than the scaled maxUnavailable',
    '  position-hole       no event missing between positions',
    '  hash-chain          no event edited, deleted, inserted or reordered since it was written',
    'Exit status 1 when a violation is found. The same check runs offline with `npm run verify`.',
  ].join('\n'),
  examples: ['kubectl ledger verify'],
  flags: {},
  async run(ctx) {
    if (ctx.args.positionals.length) throw new Error(`verify takes no arguments, got "${ctx.args.positionals.join(' ')}"`);
    const report = await ctx.client().get<VerifyReport>('/ledger/v1/verify');
    ctx.io.out(formatReport(report));
    return report.ok ? 0 : 1;
  },
};
