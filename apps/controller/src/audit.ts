import 'reflect-metadata';
import { join, resolve } from 'node:path';
import { openEventStore } from '@daemonledger/event-store';
import type { EventStore, RecordedEvent } from '@daemonledger/event-store/event-store.port';
import type { Pod } from '@daemonledger/domain/api/types';
import type { ClusterEvent } from '@daemonledger/domain/cluster/events';
import { parseStreamId, rolloutStream } from '@daemonledger/domain/cluster/streams';
import { podTargetNode } from '@daemonledger/domain/controller/pods';
import { ClusterView } from '@daemonledger/projections';
import { clusterUpcasters } from './infrastructure/upcasters';

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

/**
 * One line on what an event did. `pod`: the pod as the event left it (the
 * log records a daemon pod by what it was built from, and a kubelet report
 * by what the kubelet observed: the fold has the objects).
 */
const summary = (recorded: RecordedEvent, pod?: Pod): string => {
  const e = { type: recorded.type, data: recorded.data } as ClusterEvent;
  switch (e.type) {
    case 'PodCreated':
      return pod ? `on ${podTargetNode(pod)} image ${pod.spec.containers.map((c) => c.image).join(',')} hash ${pod.metadata.labels?.['controller-revision-hash']}` : '';
    case 'PodBound':
      return `to ${e.data.nodeName}`;
    case 'PodDeletionRequested':
      return `reason ${e.data.reason}, grace ${e.data.gracePeriodSeconds}s`;
    case 'PodStatusReported': {
      const status = pod?.status;
      const w = status?.containerStatuses?.find((c) => c.state?.waiting)?.state?.waiting?.reason;
      const ready = status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
      return `${status?.phase}${w ? ` ${w}` : ''}${ready ? ' Ready' : ''}`;
    }
    case 'RolloutStarted': {
      const d = e.data;
      return `revision ${d.fromRevision ?? '-'} → ${d.toRevision} (${d.toHash}), ${d.strategy} maxUnavailable ${d.maxUnavailable} maxSurge ${d.maxSurge}, ${d.nodeCount} nodes${d.requestedBy ? `, by ${d.requestedBy}` : ''}${d.changeCause ? `, cause: ${d.changeCause}` : ''}`;
    }
    case 'RolloutProgressed':
    case 'RolloutCompleted':
    case 'RolloutSuperseded': {
      const d = e.data;
      const created = 'created' in d ? d.created.length : 0;
      const deleted = 'deleted' in d ? d.deleted.length : 0;
      return `updated ${d.updated}/${d.desired}, available ${d.available}${created ? `, created ${created}` : ''}${deleted ? `, deleted ${deleted}` : ''}`;
    }
    case 'RolloutStalled':
      return e.data.message;
    case 'DaemonSetSpecChanged':
      return `generation ${e.data.generation}${e.data.templateChanged ? `, template generation ${e.data.templateGeneration}` : ''}`;
    case 'ControllerRevisionCreated':
      return `revision ${e.data.revision.revision}`;
    case 'ControllerRevisionRenumbered':
      return `${e.data.from} → ${e.data.to}`;
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
  const store = await openEventStore({ kind: 'sqlite', file }, clusterUpcasters());
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
    // The whole log is read anyway: fold it, so pod events are told with the pods they made.
    const view = new ClusterView();
    for await (const e of allEvents(store)) {
      view.apply(e);
      if (e.metadata.correlationId !== correlation) continue;
      const ref = parseStreamId(e.streamId);
      const obj = ref ? `${ref.kind}/${ref.name}` : e.streamId;
      const pod = ref?.kind === 'pod' ? view.pod(ref.namespace!, ref.name) : undefined;
      console.log(
        `${String(e.position).padEnd(9)} ${(e.metadata.wallTime ?? e.recordedAt).padEnd(25)} ${String(e.metadata.actor ?? '').padEnd(23)} ${obj.padEnd(35)} ${e.type.padEnd(26)} ${summary(e, pod)}`,
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
