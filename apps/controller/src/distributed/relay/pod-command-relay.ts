import type { EventStore, RecordedEvent } from '@daemonledger/event-store/event-store.port';
import { TOPICS, type TransportMessage } from '@daemonledger/messaging';
import type { ClusterView } from '@daemonledger/projections';
import { podCommandsFor, podsByNode, type PodCommandContext } from './pod-commands';
import type { RelayMapper } from './log-relay';

/** The name of the pod-command relay's checkpoint. */
export const POD_COMMANDS_CHECKPOINT = 'relay.pod-commands';

const RELEVANT = new Set(['PodBound', 'PodDeletionRequested']);

/** What the mapper reads: the log (for the tail of a pod's stream) and the view, which it waits for. */
export interface PodCommandSources {
  store: Pick<EventStore, 'readStream'>;
  view(): ClusterView;
  /** Resolves once the view has applied `position`. */
  waitFor(position: number): Promise<void>;
}

/**
 * The pod-command relay's mapper: RunPod / StopPod for each PodBound /
 * PodDeletionRequested, the node's pods again for each NodeReregistered,
 * keyed by node name (one node's commands stay in order), message id the
 * event's. The view is awaited up to the batch's last event, and each pod
 * stream's tail is read once per batch, so a pod deleted or replaced since
 * its event is not started by a resend after a restart.
 */
export const podCommandMapper = (sources: PodCommandSources): RelayMapper => {
  const podsOn = podsByNode();

  return async (events: readonly RecordedEvent[]): Promise<TransportMessage[]> => {
    const wanted = events.filter((e) => RELEVANT.has(e.type) || e.type === 'NodeReregistered');
    if (!wanted.length) return [];
    await sources.waitFor(events[events.length - 1].position);
    const from = new Map<string, number>();
    for (const e of wanted) if (RELEVANT.has(e.type)) from.set(e.streamId, Math.min(from.get(e.streamId) ?? Infinity, e.revision));
    const tails = new Map<string, RecordedEvent[]>();
    for (const [streamId, revision] of from) tails.set(streamId, await sources.store.readStream(streamId, { fromRevision: revision + 1 }));
    const view = sources.view();
    const ctx: PodCommandContext = {
      pod: (ns, name) => view.pod(ns, name),
      nodeKnown: (name) => view.nodes.has(name),
      podsOn: (name) => podsOn(view, name),
      later: (e) => (tails.get(e.streamId) ?? []).filter((t) => t.revision > e.revision).map((t) => t.type),
    };
    return wanted.flatMap((e) => podCommandsFor(e, ctx).map((m) => ({ topic: TOPICS.nodeCommands, key: m.nodeName, value: m })));
  };
};
