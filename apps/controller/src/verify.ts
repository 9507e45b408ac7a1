import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { formatReport } from '@daemonledger/domain/history';
import { openEventStore } from '@daemonledger/event-store/open-event-store';
import { loadConfig } from './config/config';
import { verifyLog } from './history/verify-log';

/**
 * `npm run verify`: checks the log under DATA_DIR offline (stop the server
 * first: this opens the same file) — revision numbers, one pod per node,
 * maxUnavailable, position holes and the hash chain — and prints OK with
 * counts, or the first violation with the events around it. Exit 0 when the
 * log holds, 1 on a violation, 2 when it could not check.
 */
export const runVerify = async (env: NodeJS.ProcessEnv, out: (text: string) => void): Promise<number> => {
  const config = loadConfig(env);
  if (config.eventStore.kind === 'sqlite' && !existsSync(config.eventStore.file)) {
    throw new Error(`no event log at ${config.eventStore.file} (set DATA_DIR to the server's data directory)`);
  }
  // SQLite: the check itself runs PRAGMA quick_check (on its second thread), so opening skips it.
  const store = await openEventStore(config.eventStore.kind === 'sqlite' ? { ...config.eventStore, verifyOnOpen: false } : config.eventStore);
  try {
    const where = config.eventStore.kind === 'sqlite' ? config.eventStore.file : config.eventStore.kind;
    out(`Verifying ${where}\n`);
    const report = await verifyLog(store, { densePositions: config.eventStore.kind !== 'eventstoredb' });
    out(formatReport(report));
    return report.ok ? 0 : 1;
  } finally {
    await store.close();
  }
};

if (require.main === module) {
  runVerify(process.env, (t) => process.stdout.write(t)).then(
    (code) => (process.exitCode = code),
    (err) => {
      console.error(`verify: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 2;
    },
  );
}
