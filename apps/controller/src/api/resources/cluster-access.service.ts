import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError } from '@daemonledger/domain';
import type { EventStore } from '@daemonledger/event-store/event-store.port';
import { type ClusterView, clusterViewAt } from '@daemonledger/projections';
import { CLOCK, type Clock, EVENT_STORE } from '../../infrastructure/tokens';
import { ClusterState } from '../../projections/cluster-state.service';
import type { ApiUser } from '../http/respond';
import { NodeAgents } from './node-agents.service';
import type { WriteContext } from './resource-def';

/** How long a read for a resourceVersion the projection has not reached yet may wait (the watch cache waits 3 s too). */
export const FRESHNESS_WAIT_MS = 3_000;

/** 504 Timeout, upstream's answer to a resourceVersion the server has not reached. No Retry-After: kubectl would repeat the request 10 times (kubectl-wire §0.10). */
export const tooLargeResourceVersion = (rv: number, current: number): DomainError =>
  new DomainError('Timeout', `Too large resource version: ${rv}, current: ${current}`, { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }] });

/** The API's one door to the cluster: the live view, time travel, the command bus and the clock. */
@Injectable()
export class ClusterAccess {
  constructor(
    readonly state: ClusterState,
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    readonly nodeAgents: NodeAgents,
  ) {}

  get view(): ClusterView {
    return this.state.view;
  }

  now(): Date {
    return this.clock.now();
  }

  /**
   * The view as it was when `position` was the head of the log (resourceVersionMatch=Exact).
   * The log keeps everything, so every past position can be served. A future one → 504.
   */
  async viewAt(position: number): Promise<ClusterView> {
    const head = this.state.view.position;
    if (position === head) return this.state.view;
    if (position > head) throw tooLargeResourceVersion(position, head);
    return clusterViewAt(this.store, position);
  }

  /** Waits (briefly) until the live view has reached `position`; 504 otherwise. */
  async fresh(position: number): Promise<ClusterView> {
    if (position <= this.state.view.position) return this.state.view;
    let timer: NodeJS.Timeout | undefined;
    const reached = await Promise.race([
      this.state.waitFor(position).then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), FRESHNESS_WAIT_MS))),
    ]);
    clearTimeout(timer);
    if (!reached) throw tooLargeResourceVersion(position, this.state.view.position);
    return this.state.view;
  }

  writeContext(user: ApiUser | undefined, dryRun: boolean): WriteContext {
    return {
      view: this.state.view,
      meta: { actor: `user:${user?.name ?? 'anonymous'}` },
      dryRun,
      execute: (command) => this.commands.execute(command as never),
      nodeAgents: this.nodeAgents,
    };
  }
}
