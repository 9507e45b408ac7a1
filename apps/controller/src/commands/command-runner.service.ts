import { Inject, Injectable } from '@nestjs/common';
import type { CommandContext } from '@daemonledger/domain/cluster/daemon-set.decider';
import { eventActor } from '@daemonledger/domain/cluster/actors';
import { EVENT_SCHEMA_VERSIONS, type ClusterEventType } from '@daemonledger/domain/cluster/events';
import { DomainError, isDomainError } from '@daemonledger/domain/errors';
import type { AppendRequest, EventMetadata, EventStore } from '@daemonledger/event-store/event-store.port';
import { ControllerMetrics } from '../metrics/controller-metrics';
import { ClusterState } from '../projections/cluster-state.service';
import { CLOCK, type Clock, EVENT_STORE, type Fence, ID_SOURCE, type IdSource, LEADERSHIP, type Leadership } from '../infrastructure/tokens';

/** Who asked, and why: copied into the metadata of every event a command appends. */
export interface CommandMeta {
  actor: string;
  commandId?: string;
  causationId?: string;
  correlationId?: string;
  changeCause?: string;
  /**
   * The command acts on the cluster on the leader's behalf (reconcile, GC,
   * namespace lifecycle, rollout tracking, node lifecycle, relays): its
   * append carries the leader's fence, and it is refused outright in a
   * process that is not leading. User requests and kubelet reports are not fenced.
   */
  fenced?: boolean;
  /**
   * The id of the message that carried the command (a kubelet's report, a
   * uuid). The command's first event takes it as its id, so the same message
   * delivered again (at-least-once transports) is an idempotent retry in the
   * store: whatever it would decide now, nothing is appended twice.
   */
  messageId?: string;
}

export interface Decision<S, C, E> {
  streamId: string;
  load: () => S | undefined;
  decide: (cmd: C, state: S | undefined, ctx: CommandContext) => E[];
  command: C;
  meta: CommandMeta;
}

export interface CommandOutcome<E> {
  events: E[];
  /** Position of the last event appended (the head seen, when nothing was appended). */
  position: number;
}

const MAX_ATTEMPTS = 5;

/** Writers say which schema they write, whatever registry the store was opened with. */
const schemaVersionOf = (type: string): number => EVENT_SCHEMA_VERSIONS[type as ClusterEventType] ?? 1;

/**
 * The body of every command handler: load the state from the projection,
 * decide, append with the stream revision the state was read at, and wait
 * until the projection has applied the append (read-your-writes). A version
 * conflict raised by the store means the projection was behind: wait for it
 * and decide again. Conflicts raised by a decider (a stale resourceVersion
 * from a client) go back to the caller unchanged.
 */
@Injectable()
export class CommandRunner {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly state: ClusterState,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_SOURCE) private readonly ids: IdSource,
    private readonly metrics: ControllerMetrics,
    @Inject(LEADERSHIP) private readonly leadership: Leadership,
  ) {}

  /**
   * The metadata of a command's events. `causationId` is left out when the
   * command caused itself (a user's request, a kubelet's report): an absent
   * causationId reads as the commandId, so nothing is lost and most events
   * carry one id fewer. correlationId stays whole: readers group rollouts by it.
   */
  metadata(meta: CommandMeta, commandId: string, now: string): EventMetadata {
    const causationId = meta.causationId ?? commandId;
    return {
      commandId,
      ...(causationId !== commandId ? { causationId } : {}),
      correlationId: meta.correlationId ?? commandId,
      actor: meta.actor,
      ...(meta.changeCause ? { changeCause: meta.changeCause } : {}),
      wallTime: now,
    };
  }

  async run<S, C, E extends { type: string; data: unknown }>(d: Decision<S, C, E>): Promise<CommandOutcome<E>> {
    const [outcome] = await this.runMany([d as AnyDecision]);
    if ('error' in outcome) throw outcome.error;
    return outcome as CommandOutcome<E>;
  }

  /**
   * Many commands, each on its own stream, appended in one `appendMany`: one
   * transaction (one fsync) for a whole plan step. A command whose decider
   * refuses it gets its error back and is left out; the others go ahead.
   * Two commands on the same stream go in successive appends, in order.
   */
  async runMany(decisions: AnyDecision[]): Promise<(CommandOutcome<unknown> | { error: unknown })[]> {
    const results: (CommandOutcome<unknown> | { error: unknown })[] = new Array(decisions.length);
    let chunk: number[] = [];
    const seen = new Set<string>();
    const flush = async () => {
      if (chunk.length) await this.appendChunk(decisions, chunk, results);
      chunk = [];
      seen.clear();
    };
    for (let i = 0; i < decisions.length; i++) {
      if (seen.has(decisions[i].streamId)) await flush();
      seen.add(decisions[i].streamId);
      chunk.push(i);
    }
    await flush();
    return results;
  }

  private async appendChunk(decisions: AnyDecision[], chunk: number[], results: (CommandOutcome<unknown> | { error: unknown })[]) {
    const fenced = chunk.some((i) => decisions[i].meta.fenced);
    for (let attempt = 1; ; attempt++) {
      // A deposed (or not yet elected) process acts on nothing, whatever its queues still hold.
      if (fenced && !this.leadership.isLeader()) {
        for (const i of chunk) results[i] = { error: notLeading() };
        return;
      }
      const fence = fenced ? this.leadership.fence() : undefined;
      const wallTime = this.clock.now().toISOString();
      // Object timestamps are RFC 3339 with whole seconds, as the API server writes them.
      const now = wallTime.replace(/\.\d+Z$/, 'Z');
      const requests: AppendRequest[] = [];
      const owners: number[] = [];
      // One commandId per append: a plan step or a burst of reports is one command of its sender, and
      // each of its streams has exactly one decision in it, so (commandId, stream) still names each.
      // The batch's metadata is then mostly identical, which the store keeps once.
      const commandId = this.ids.uuid();
      for (const i of chunk) {
        const d = decisions[i];
        let events: { type: string; data: unknown }[];
        try {
          events = d.decide(d.command, d.load(), { now, newUid: this.ids.uuid() });
        } catch (error) {
          results[i] = { error };
          continue;
        }
        if (events.length === 0) {
          results[i] = { events, position: this.state.view.position };
          continue;
        }
        const metadata = this.metadata(d.meta, d.meta.commandId ?? commandId, wallTime);
        requests.push({
          streamId: d.streamId,
          events: events.map((e, k) => ({
            id: (k === 0 && eventIdOf(d.meta.messageId)) || this.ids.uuid(),
            type: e.type,
            schemaVersion: schemaVersionOf(e.type),
            data: e.data,
            metadata: metadataOf(metadata, e.type),
          })),
          expectedRevision: this.state.view.expectedRevision(d.streamId),
        });
        owners.push(i);
        results[i] = { events, position: 0 };
      }
      if (requests.length === 0) return;
      // The fence goes last: its result is dropped, the others keep their places.
      if (fence) requests.push({ streamId: fence.streamId, events: [], expectedRevision: fence.expectedRevision });
      try {
        const appended = await this.store.appendMany(requests);
        if (fence) appended.pop();
        this.metrics.observeAppend(requests.reduce((n, r) => n + r.events.length, 0));
        appended.forEach((r, k) => ((results[owners[k]] as CommandOutcome<unknown>).position = r.position));
        await this.state.waitFor(appended[appended.length - 1].position);
        return;
      } catch (e) {
        if (fence && isFenceConflict(e, fence)) {
          const now = this.leadership.fence();
          if (now && (now.streamId !== fence.streamId || now.expectedRevision !== fence.expectedRevision) && attempt < MAX_ATTEMPTS) {
            continue; // our own renewal landed between reading the fence and the append: decide again with the new one
          }
          // Another process holds the lease: deposed. Step down; nothing of this batch was appended, nothing is retried.
          this.leadership.fenceRejected?.(fence);
          owners.forEach((i) => (results[i] = { error: e }));
          return;
        }
        // The projection was behind the log (another writer, or a report racing a plan): catch up, decide again.
        if (!isDomainError(e, 'VersionConflict') || attempt >= MAX_ATTEMPTS) {
          owners.forEach((i) => (results[i] = { error: e }));
          return;
        }
        await this.state.catchUp();
      }
    }
  }
}

/** The event's metadata: the command's, credited to the component upstream names for this event (actors.ts). */
const metadataOf = (metadata: EventMetadata, type: string): EventMetadata => {
  const actor = eventActor(type, metadata.actor ?? '');
  return actor === (metadata.actor ?? '') ? metadata : { ...metadata, actor };
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A message id usable as an event id (the store's are uuids, lower-case); anything else gets a fresh one. */
const eventIdOf = (messageId?: string): string | undefined => (messageId && UUID.test(messageId) ? messageId.toLowerCase() : undefined);

/** The store's conflict names the stream it is about (internal/errors.ts: details.name). */
const isFenceConflict = (e: unknown, fence: Fence): boolean =>
  isDomainError(e, 'VersionConflict') && (e as DomainError).details?.name === fence.streamId;

/** A fenced command in a process that is not the leader: refused before anything is decided. */
const notLeading = () =>
  new DomainError('VersionConflict', 'this controller does not hold the lease kube-system/daemonledger-controller: acting commands are refused');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDecision = Decision<any, any, { type: string; data: unknown }>;
