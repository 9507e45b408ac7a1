import 'reflect-metadata';
import { join, resolve } from 'node:path';
import { openEventStore, openSnapshotStore } from '@daemonledger/event-store';
import { auditEntry, clusterViewAt, readAtPositions } from '@daemonledger/projections';
import { clusterUpcasters } from './infrastructure/upcasters';

/**
 * `npm run audit -- <namespace>/<daemonset> [rollout]`: reads the log under
 * DATA_DIR (the server stopped, or running: reads do not lock the file) and
 * replays what a rollout did — every event it caused, in log order, with
 * time, actor, object and what changed. Without a rollout number it lists
 * the DaemonSet's rollouts. The view comes from the newest snapshot plus the
 * tail, and a rollout's events are read by position from its index: neither
 * reads the whole log. `kubectl ledger audit` shows the same through the API.
 */
const main = async () => {
  const [target, rolloutArg] = process.argv.slice(2);
  if (!target || !target.includes('/') || (rolloutArg !== undefined && !/^\d+$/.test(rolloutArg))) {
    console.error('usage: npm run audit -- <namespace>/<daemonset> [rollout number]');
    process.exit(2);
  }
  const [ns, name] = target.split('/');
  const config = { kind: 'sqlite' as const, file: join(resolve(process.env.DATA_DIR ?? './data'), 'events.sqlite') };
  const store = await openEventStore(config, clusterUpcasters());
  const snapshots = openSnapshotStore(config);
  try {
    const view = await clusterViewAt(store, await store.headPosition(), snapshots);
    const rollouts = view.rolloutTimelines
      .list(ns)
      .filter((r) => r.summary.daemonSet === name)
      .sort((a, b) => a.summary.rollout - b.summary.rollout);
    if (rolloutArg === undefined) {
      console.log(`Rollouts of daemonset ${ns}/${name} in ${config.file}:`);
      for (const { summary: s } of rollouts) {
        const cause = s.started.changeCause ? `, cause: ${s.started.changeCause}` : '';
        const by = s.started.requestedBy ? `, by ${s.started.requestedBy}` : '';
        console.log(
          `  ${s.startedAt}  #${String(s.rollout).padEnd(4)} ${s.state.padEnd(11)} revision ${s.started.fromRevision ?? '-'} → ${s.started.toRevision}, ` +
            `updated ${s.counts.updated}/${s.counts.desired}, available ${s.counts.available}${by}${cause}${s.message ? ` (${s.message})` : ''}`,
        );
      }
      return;
    }
    const rollout = rollouts.find((r) => r.summary.rollout === Number(rolloutArg));
    if (!rollout) {
      console.error(`no rollout #${rolloutArg} for daemonset ${ns}/${name}`);
      process.exit(1);
    }
    console.log(`Rollout #${rolloutArg} of ${ns}/${name} — correlation ${rollout.summary.correlationId}`);
    console.log('POSITION  TIME                      ACTOR                   OBJECT                              EVENT                      DETAIL');
    for await (const e of readAtPositions(store, rollout.runs)) {
      const a = auditEntry(e, view);
      console.log(`${String(a.position).padEnd(9)} ${a.time.padEnd(25)} ${String(a.actor ?? '').padEnd(23)} ${a.object.padEnd(35)} ${a.event.padEnd(26)} ${a.detail}`);
    }
  } finally {
    await snapshots.close();
    await store.close();
  }
};

void main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
