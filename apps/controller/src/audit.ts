import 'reflect-metadata';
import { join, resolve } from 'node:path';
import { openEventStore } from '@daemonledger/event-store';
import type { EventStore, RecordedEvent } from '@daemonledger/event-store/event-store.port';
import { parseStreamId, rolloutStream } from '@daemonledger/domain/cluster/streams';

/**
 * `npm run audit -- <namespace>/<daemonset> [rollout]`: reads the log under
 * DATA_DIR and replays what a rollout did — every event correlated with the
 * command that started it, in log order, with time, actor, object and what
 * changed. Without a rollout number it lists the DaemonSet's rollouts.
 */
const PAGE = 5_000;

const allEvents = async function* (store: EventStore) {
  let from = 0;
  for (;;) {
    const page = await store.readAll({ fromPosition: from, maxCount: PAGE });
    yield* page;
    if (page.length < PAGE) return;
    from = page[page.length - 1].position;
  }
};

const summary = (e: RecordedEvent): string => {
  const d = e.data as Record<string, any>;
  switch (e.type) {
    case 'PodCreated':
      return `on ${d.pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0]} image ${d.pod.spec.containers.map((c: any) => c.image).join(',')} hash ${d.pod.metadata.labels?.['controller-revision-hash']}`;
    case 'PodBound':
      return `to ${d.nodeName}`;
    case 'PodDeletionRequested':
      return `reason ${d.reason}, grace ${d.gracePeriodSeconds}s`;
    case 'PodStatusReported': {
      const w = d.status.containerStatuses?.find((c: any) => c.state?.waiting)?.state?.waiting?.reason;
      const ready = d.status.conditions?.find((c: any) => c.type === 'Ready')?.status === 'True';
      return `${d.status.phase}${w ? ` ${w}` : ''}${ready ? ' Ready' : ''}`;
    }
    case 'RolloutStarted':
      return `revision ${d.fromRevision ?? '-'} → ${d.toRevision} (${d.toHash}), ${d.strategy} maxUnavailable ${d.maxUnavailable} maxSurge ${d.maxSurge}, ${d.nodeCount} nodes${d.requestedBy ? `, by ${d.requestedBy}` : ''}${d.changeCause ? `, cause: ${d.changeCause}` : ''}`;
    case 'RolloutProgressed':
    case 'RolloutCompleted':
    case 'RolloutSuperseded':
      return `updated ${d.updated}/${d.desired}, available ${d.available}${d.created?.length ? `, created ${d.created.length}` : ''}${d.deleted?.length ? `, deleted ${d.deleted.length}` : ''}`;
    case 'RolloutStalled':
      return d.message;
    case 'DaemonSetSpecChanged':
      return `generation ${d.generation}${d.templateChanged ? `, template generation ${d.templateGeneration}` : ''}`;
    case 'ControllerRevisionCreated':
      return `revision ${d.revision.revision}`;
    case 'ControllerRevisionRenumbered':
      return `${d.from} → ${d.to}`;
    default:
      return '';
  }
};

const main = async () => {
  const [target, rolloutArg] = process.argv.slice(2);
  if (!target || !target.includes('/')) {
    console.error('usage: npm run audit -- <namespace>/<daemonset> [rollout number]');
    process.exit(2);
  }
  const [ns, name] = target.split('/');
  const file = join(resolve(process.env.DATA_DIR ?? './data'), 'events.sqlite');
  const store = await openEventStore({ kind: 'sqlite', file });
  try {
    if (!rolloutArg) {
      console.log(`Rollouts of daemonset ${ns}/${name} in ${file}:`);
      for await (const e of allEvents(store)) {
        const ref = parseStreamId(e.streamId);
        if (ref?.kind !== 'rollout' || ref.namespace !== ns || !ref.name.startsWith(`${name}-`)) continue;
        if (e.type === 'RolloutStarted' || e.type === 'RolloutCompleted' || e.type === 'RolloutStalled' || e.type === 'RolloutSuperseded') {
          console.log(`  ${e.recordedAt}  #${ref.name.slice(name.length + 1).padEnd(4)} ${e.type.replace('Rollout', '').padEnd(11)} ${summary(e)}`);
        }
      }
      return;
    }
    const started = (await store.readStream(rolloutStream(ns, name, Number(rolloutArg)), { maxCount: 1 }))[0];
    if (!started) {
      console.error(`no rollout #${rolloutArg} for daemonset ${ns}/${name}`);
      process.exit(1);
    }
    const correlation = started.metadata.correlationId;
    console.log(`Rollout #${rolloutArg} of ${ns}/${name} — correlation ${correlation}`);
    console.log('POSITION  TIME                      ACTOR                   OBJECT                              EVENT                      DETAIL');
    for await (const e of allEvents(store)) {
      if (e.metadata.correlationId !== correlation) continue;
      const ref = parseStreamId(e.streamId);
      const obj = ref ? `${ref.kind}/${ref.name}` : e.streamId;
      console.log(
        `${String(e.position).padEnd(9)} ${(e.metadata.wallTime ?? e.recordedAt).padEnd(25)} ${String(e.metadata.actor ?? '').padEnd(23)} ${obj.padEnd(35)} ${e.type.padEnd(26)} ${summary(e)}`,
      );
    }
  } finally {
    await store.close();
  }
};

void main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
