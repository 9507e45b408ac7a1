import { Inject, Injectable } from '@nestjs/common';
import type { CommandContext } from '@daemonledger/domain/cluster/daemon-set.decider';
import { isDomainError } from '@daemonledger/domain/errors';
import type { EventMetadata, EventStore, NewEvent } from '@daemonledger/event-store/event-store.port';
import { ClusterState } from '../projections/cluster-state.service';
import { CLOCK, type Clock, EVENT_STORE, ID_SOURCE, type IdSource } from '../infrastructure/tokens';

/** Who asked, and why: copied into the metadata of every event a command appends. */
export interface CommandMeta {
  actor: string;
  commandId?: string;
  causationId?: string;
  correlationId?: string;
  changeCause?: string;
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
  ) {}

  metadata(meta: CommandMeta, commandId: string, now: string): EventMetadata {
    return {
      commandId,
      causationId: meta.causationId ?? commandId,
      correlationId: meta.correlationId ?? commandId,
      actor: meta.actor,
      ...(meta.changeCause ? { changeCause: meta.changeCause } : {}),
      wallTime: now,
    };
  }

  async run<S, C, E extends { type: string; data: unknown }>(d: Decision<S, C, E>): Promise<CommandOutcome<E>> {
    const commandId = d.meta.commandId ?? this.ids.uuid();
    for (let attempt = 1; ; attempt++) {
      const wallTime = this.clock.now().toISOString();
      // Object timestamps are RFC 3339 with whole seconds, as the API server writes them.
      const now = wallTime.replace(/\.\d+Z$/, 'Z');
      const state = d.load();
      const events = d.decide(d.command, state, { now, newUid: this.ids.uuid() });
      if (events.length === 0) return { events, position: this.state.view.position };
      const metadata = this.metadata(d.meta, commandId, wallTime);
      const batch: NewEvent[] = events.map((e) => ({ id: this.ids.uuid(), type: e.type, data: e.data, metadata }));
      try {
        const result = await this.store.append(d.streamId, batch, { expectedRevision: this.state.view.expectedRevision(d.streamId) });
        await this.state.waitFor(result.position);
        return { events, position: result.position };
      } catch (e) {
        if (!isDomainError(e, 'VersionConflict') || attempt >= MAX_ATTEMPTS) throw e;
        await this.state.waitFor(await this.store.headPosition());
      }
    }
  }
}
