import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { IntegrityReport } from '../event-store.port';
import { verifyChain } from '../internal/integrity';
import { CHAIN_ROWS, type ChainedRow, RowCodec } from './sqlite-rows';

/** What the chain worker is told: the file, and what the store knows of the chain and the head. */
export interface ChainWorkerData {
  file: string;
  chainFrom: number;
  knownHead: number;
}

/** What it says: after each page, the last position found intact; at the end, the report. */
export type ChainWorkerMessage =
  | { kind: 'progress'; position: number }
  | { kind: 'done'; report: IntegrityReport }
  | { kind: 'failed'; message: string; code?: string };

/**
 * The hash chain check on a thread of its own (sqlite-verify.ts starts it):
 * its own read-only connection, its own dictionaries read afresh, the same
 * `verifyChain` as in process, then PRAGMA quick_check. Rows are never
 * handed across threads, only positions: the caller reads its own copy of
 * the rows it folds.
 */
const run = async ({ file, chainFrom, knownHead }: ChainWorkerData, port: NonNullable<typeof parentPort>): Promise<void> => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const codec = new RowCodec(db);
    const rows = db.prepare(CHAIN_ROWS).raw();
    const report = await verifyChain(
      { chainFrom, knownHead, rowsAfter: (after, limit) => codec.toChainRows(rows.all(after, limit) as ChainedRow[]) },
      (position) => port.postMessage({ kind: 'progress', position } satisfies ChainWorkerMessage),
    );
    // Then the b-trees (what opening the file checks): the thread reading for the fold is the slower one, so this is free.
    const problems = report.ok ? (db.pragma('quick_check(5)') as { quick_check: string }[]) : [{ quick_check: 'ok' }];
    if (problems.length !== 1 || problems[0].quick_check !== 'ok') {
      const message = `the database is corrupted: ${problems.map((p) => p.quick_check).join('; ')}`;
      port.postMessage({ kind: 'failed', message, code: 'SQLITE_CORRUPT' } satisfies ChainWorkerMessage);
      return;
    }
    port.postMessage({ kind: 'done', report } satisfies ChainWorkerMessage);
  } finally {
    db.close();
  }
};

if (parentPort && (workerData as { kind?: string } | null)?.kind === 'daemonledger-chain-check') {
  const port = parentPort;
  run(workerData as ChainWorkerData, port).catch((err: unknown) => {
    const { message, code } = err as { message?: string; code?: string };
    port.postMessage({ kind: 'failed', message: message ?? String(err), ...(code ? { code } : {}) } satisfies ChainWorkerMessage);
  });
}
