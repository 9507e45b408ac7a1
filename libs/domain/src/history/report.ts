import type { EventRef } from './log-event';
import type { VerifyRule } from './daemon-sets';
import type { VerifyCounts } from './verifier';

// The wire shape of a verification (GET /ledger/v1/verify) and how it reads in
// a terminal. Dependency-free, so the kubectl plugin loads it without the domain.

export const LEDGER_API_VERSION = 'ledger.daemonledger.io/v1';

export interface VerifyReport {
  kind: 'VerifyReport';
  apiVersion: typeof LEDGER_API_VERSION;
  ok: boolean;
  /** Events read, up to the violation if there is one. */
  events: number;
  /** The head the check ran to (the log's head when it began). */
  head: number;
  /** First position carrying a hash; null when the store keeps no chain (or cannot say). */
  chainedFrom: number | null;
  /** Whether the store checked its hash chain at all. */
  hashChain: 'verified' | 'broken' | 'unsupported';
  counts: VerifyCounts;
  violation?: { position: number; rule: VerifyRule; message: string; around: EventRef[] };
}

/** How a report reads in a terminal (npm run verify, kubectl ledger verify print the same). */
export const formatReport = (r: Pick<VerifyReport, 'ok' | 'events' | 'head' | 'chainedFrom' | 'hashChain' | 'counts' | 'violation'>): string => {
  const c = r.counts;
  const chain =
    r.hashChain === 'unsupported'
      ? 'hash chain: not kept by this store'
      : r.hashChain === 'broken'
        ? 'hash chain: broken'
        : r.chainedFrom === null
          ? 'hash chain: not started yet'
          : r.chainedFrom > 1
            ? `hash chain verified from position ${r.chainedFrom} (turned on there; earlier events carry none)`
            : 'hash chain verified from the first event';
  if (r.ok) {
    return [
      `OK: ${r.events} events up to position ${r.head}`,
      `  ${c.daemonSets} daemonsets, ${c.revisionsCreated} controllerrevisions created, ${c.revisionsRenumbered} renumbered: revision numbers only grow`,
      `  ${c.podsCreated} pods created, at most ${c.maxPodsPerNode} per node and daemonset; ${c.rollingDeletions} rolling-update deletions within maxUnavailable`,
      `  positions without holes; ${chain}`,
    ].join('\n') + '\n';
  }
  const v = r.violation!;
  const row = (mark: string, position: string, time: string, actor: string, stream: string, revision: string, type: string) =>
    `${mark} ${position.padEnd(9)} ${time.padEnd(24)} ${actor.padEnd(22)} ${stream.padEnd(40)} ${revision.padEnd(4)} ${type}`.trimEnd();
  const lines = [`VIOLATION at position ${v.position} (${v.rule}): ${v.message}`, '', row(' ', 'POSITION', 'TIME', 'ACTOR', 'STREAM', 'REV', 'TYPE')];
  // A missing event (a hole, a deleted row) gets a line of its own where it should be.
  const around = v.around.some((e) => e.position === v.position) ? v.around : [...v.around, { position: v.position, time: '(missing)', streamId: '', revision: '', type: '' }].sort((a, b) => a.position - b.position);
  for (const e of around) {
    lines.push(row(e.position === v.position ? '>' : ' ', String(e.position), e.time, ('actor' in e && e.actor) || '', e.streamId, String(e.revision), e.type));
  }
  lines.push('', `checked ${r.events} events before stopping; ${chain}`);
  return lines.join('\n') + '\n';
};
