import { eventRef, type LoggedEvent, LEDGER_API_VERSION, LogVerifier, type VerifyReport } from '@daemonledger/domain/history';
import type { EventStore, RecordedEvent } from '@daemonledger/event-store/event-store.port';

/** A stored event read as a member of the event union (types the verifier does not know are skipped by it). */
export const asLogged = (e: RecordedEvent): LoggedEvent => e as unknown as LoggedEvent;

const PAGE = 2_000;

/** Up to `max` events from `from` on (or, backwards, before it), in log order; non-dense positions work too. */
const eventsBetween = async (store: EventStore, from: number, max: number, backwards = false): Promise<RecordedEvent[]> =>
  backwards ? (await store.readAll({ fromPosition: from, direction: 'backwards', maxCount: max })).reverse() : store.readAll({ fromPosition: from - 1, maxCount: max });

/**
 * Checks the whole log once, up to the head as it is when the check begins:
 * the verifier's fold over every event (read in pages, yielding to I/O
 * between them, so a server keeps serving), then the store's hash chain.
 * The first violation by position wins.
 */
export const verifyLog = async (store: EventStore, o: { densePositions: boolean; context?: number }): Promise<VerifyReport> => {
  const head = await store.headPosition();
  const context = o.context ?? 3;
  const verifier = new LogVerifier({ densePositions: o.densePositions, context });
  let from = 0;
  while (from < head && !verifier.done) {
    const page = await store.readAll({ fromPosition: from, maxCount: PAGE });
    for (const e of page) {
      if (e.position > head && !verifier.found) break;
      verifier.push(asLogged(e));
      if (verifier.done) break;
    }
    if (page.length < PAGE) break;
    from = page[page.length - 1].position;
    await new Promise((resolve) => setImmediate(resolve));
  }
  const outcome = verifier.result();
  // The store's own tamper check (the hash chain, §5): optional on the port.
  const integrity = await store.verifyIntegrity?.();
  let violation = outcome.violation;
  if (integrity && !integrity.ok && (!violation || integrity.position < violation.position)) {
    const before = await eventsBetween(store, integrity.position, context, true);
    const after = await eventsBetween(store, integrity.position, context + 1);
    violation = {
      position: integrity.position,
      rule: /hole/i.test(integrity.problem) ? 'position-hole' : 'hash-chain',
      message: `hash chain: ${integrity.problem}`,
      around: [...before, ...after].map((e) => eventRef(asLogged(e))),
    };
  } else if (integrity && !integrity.ok && violation && integrity.position === violation.position) {
    violation = { ...violation, message: `${violation.message}; hash chain: ${integrity.problem}` };
  }
  return {
    kind: 'VerifyReport',
    apiVersion: LEDGER_API_VERSION,
    ok: violation === undefined,
    events: outcome.counts.events,
    head: outcome.counts.head,
    chainedFrom: integrity?.ok ? integrity.chainedFrom : null,
    hashChain: integrity === undefined ? 'unsupported' : integrity.ok ? 'verified' : 'broken',
    counts: outcome.counts,
    ...(violation ? { violation } : {}),
  };
};
