import { verifyEvents, type VerifyOutcome } from '@daemonledger/domain/history';
import type { RecordedEvent } from '@daemonledger/event-store/event-store.port';
import { asLogged } from '../src/history/verify-log';

/**
 * Replays a whole log through the verifier (`npm run verify`'s fold): no hole
 * in positions, invariant 1 (≤ 1 live daemon pod per node and DaemonSet
 * outside a surge), invariant 2 (the rolling update never stops an available
 * pod beyond maxUnavailable) and invariant 3 (revision numbers only grow).
 * Returns the first violation, if any, and the figures the restart tests
 * assert: most live pods on one node, most nodes without a Ready pod while a
 * template change rolled out, pods created twice while alive, live pods.
 */
export const checkLog = (events: RecordedEvent[], _nodes?: number /* no longer needed: desired comes from each DaemonSet's status */) => {
  const r: VerifyOutcome = verifyEvents(events.map(asLogged), { densePositions: true });
  return {
    violation: r.violation && { position: r.violation.position, rule: r.violation.rule, message: r.violation.message },
    holes: r.violation?.rule === 'position-hole' ? 1 : 0,
    duplicates: r.counts.duplicates,
    maxPerNode: r.counts.maxPodsPerNode,
    maxUnavailableSeen: r.counts.maxUnavailableSeen,
    live: r.counts.live,
  };
};
