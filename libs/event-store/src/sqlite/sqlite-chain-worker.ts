import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { IntegrityReport } from '../event-store.port';
import { verifyChain } from '../internal/integrity';
import { CHAIN_ROWS, type ChainedRow, RowCodec } from './sqlite-rows';

/**
 * What a worker is told: the file, its task — the chain (with what the store
 * knows of its start and the head) or PRAGMA quick_check, on a thread of its
 * own so that neither waits for the other.
 */
export type ChainWorkerData = { file: string } & ({ task: 'chain'; chainFrom: number; knownHead: number } | { task: 'quick-check' });

/** What it says: after each page, the last position found intact; at the end, the report. */
export type ChainWorkerMessage =
  | { kind: 'progress'; position: number }
  | { kind: 'done'; report?: IntegrityReport }
  | { kind: 'failed'; message: string; code?: string };

/**
 * The hash chain check on a thread of its own (sqlite-verify.ts starts it):
 * its own read-only connection, its own dictionaries read afresh, the same
 * `verifyChain` as in process. Rows are never handed across threads, only
 * positions: the caller reads its own copy of the rows it folds. The other
 * task checks the file's b-trees (what opening it checks): `done` with no
 * report when they are sound.
 */
const run = async (data: ChainWorkerData, port: NonNullable<typeof parentPort>): Promise<void> => {
  const db = new Database(data.file, { readonly: true, fileMustExist: true });
  try {
    if (data.task === 'quick-check') {
      const problems = db.pragma('quick_check(5)') as { quick_check: string }[];
      if (problems.length !== 1 || problems[0].quick_check !== 'ok') {
        const message = `the database is corrupted: ${problems.map((p) => p.quick_check).join('; ')}`;
        port.postMessage({ kind: 'failed', message, code: 'SQLITE_CORRUPT' } satisfies ChainWorkerMessage);
      } else port.postMessage({ kind: 'done' } satisfies ChainWorkerMessage);
      return;
    }
    const codec = new RowCodec(db);
    const rows = db.prepare(CHAIN_ROWS).raw();
    const report = await verifyChain(
      { chainFrom: data.chainFrom, knownHead: data.knownHead, rowsAfter: (after, limit) => codec.toChainRows(rows.all(after, limit) as ChainedRow[]) },
      (position) => port.postMessage({ kind: 'progress', position } satisfies ChainWorkerMessage),
    );
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
