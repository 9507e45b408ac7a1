import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { IntegrityReport, RecordedEvent } from '../event-store.port';
import type { ChainWorkerData, ChainWorkerMessage } from './sqlite-chain-worker';
import type { ScanRow } from './sqlite-rows';

export interface ParallelVerifyOptions {
  file: string;
  chainFrom: number;
  knownHead: number;
  /** Raw rows after a position, ascending (the store's own connection). */
  rowsAfter(after: number, limit: number): ScanRow[];
  /** A row as `readAll` returns it. */
  decode(row: ScanRow): RecordedEvent;
  onProgress?: (position: number) => void;
  visit?: (event: RecordedEvent) => void;
}

const PAGE = 2048;

/** A failure of the worker itself (SQLite's code kept, so the store names it: busy, corrupt, …). */
class ChainWorkerError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * The chain worker's script: compiled next to this file under dist/; from the
 * TypeScript sources (jest, the kubectl plugin) through the project's swc
 * require hook (libs/testing/swc-register.js, as child processes of tests use).
 */
const startWorker = (data: ChainWorkerData): Worker => {
  const workerData = { ...data, kind: 'daemonledger-chain-check' };
  const compiled = join(__dirname, 'sqlite-chain-worker.js');
  if (existsSync(compiled)) return new Worker(compiled, { workerData });
  const hook = join(__dirname, '../../../testing/swc-register.js');
  const source = join(__dirname, 'sqlite-chain-worker.ts');
  return new Worker(`require(${JSON.stringify(hook)}); require(${JSON.stringify(source)});`, { eval: true, workerData });
};

/** The quick_check worker's verdict: undefined when the b-trees are sound. */
const quickCheck = (file: string): { worker: Worker; verdict: Promise<Error | undefined> } => {
  const worker = startWorker({ file, task: 'quick-check' });
  const verdict = new Promise<Error | undefined>((resolve) => {
    worker.on('message', (m: ChainWorkerMessage) => resolve(m.kind === 'failed' ? new ChainWorkerError(m.message, m.code) : undefined));
    worker.on('error', resolve);
    worker.on('exit', (code) => resolve(new Error(`the quick_check worker stopped (exit code ${code}) before it reported`)));
  });
  return { worker, verdict };
};

/**
 * `verifyIntegrity` on two cores: the hash chain is checked by a worker
 * thread on its own connection while this thread reads the rows again and
 * hands them to `visit`, each only once the worker has found it intact (so a
 * visitor never sees a row past the first broken one, as in process). The
 * worker posts only positions; this thread holds one page of rows. Between
 * pages it yields to the event loop. A third, short-lived thread runs PRAGMA
 * quick_check meanwhile; a damaged b-tree is reported when the chain held.
 */
export const verifyInParallel = async (o: ParallelVerifyOptions): Promise<IntegrityReport> => {
  const worker = startWorker({ file: o.file, task: 'chain', chainFrom: o.chainFrom, knownHead: o.knownHead });
  const quick = quickCheck(o.file);
  let intactTo = 0;
  let report: IntegrityReport | undefined;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const changed = () => {
    wake?.();
    wake = undefined;
  };
  worker.on('message', (m: ChainWorkerMessage) => {
    if (m.kind === 'progress') {
      intactTo = m.position;
      o.onProgress?.(m.position);
    } else if (m.kind === 'failed') failure = new ChainWorkerError(m.message, m.code);
    else if (m.report) {
      report = m.report;
      intactTo = m.report.ok ? Number.MAX_SAFE_INTEGER : m.report.position - 1;
    }
    changed();
  });
  worker.on('error', (err) => {
    failure ??= err;
    changed();
  });
  worker.on('exit', (code) => {
    if (!report) failure ??= new Error(`the hash chain worker stopped (exit code ${code}) before it reported`);
    changed();
  });
  /** Resolves at the worker's next message (or its end). */
  const next = () => new Promise<void>((resolve) => (wake = resolve));
  try {
    if (o.visit) {
      let after = 0;
      reading: for (;;) {
        const rows = o.rowsAfter(after, PAGE);
        for (const row of rows) {
          while (row[0] > intactTo) {
            if (failure) throw failure;
            if (report) break reading;
            await next();
          }
          o.visit(o.decode(row));
        }
        if (rows.length < PAGE) break;
        after = rows[rows.length - 1][0];
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    while (!report) {
      if (failure) throw failure;
      await next();
    }
    const damaged = report.ok ? await quick.verdict : undefined;
    if (damaged) throw damaged;
    return report;
  } finally {
    await Promise.all([worker.terminate(), quick.worker.terminate()]);
  }
};
