import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError } from '@daemonledger/domain';
import type { StreamKind } from '@daemonledger/domain/cluster/streams';
import type { ClusterView, ReadKind } from '@daemonledger/projections';
import { CLOCK, type Clock } from '../../infrastructure/tokens';
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
   * It starts from the newest snapshot at or before `position`; with `readKind`, only what
   * that resource's fold needs is restored and folded (the rest of the view is empty).
   */
  async viewAt(position: number, readKind?: ReadKind): Promise<ClusterView> {
    const head = this.state.view.position;
    if (position === head) return this.state.view;
    if (position > head) throw tooLargeResourceVersion(position, head);
    return this.state.history.viewAt(position, readKind);
  }

  /** One object's part of the view at a past `position`, folded from its own stream(s) only. */
  async objectAt(position: number, kind: StreamKind, namespace: string, name: string): Promise<ClusterView> {
    const head = this.state.view.position;
    if (position === head) return this.state.view;
    if (position > head) throw tooLargeResourceVersion(position, head);
    return this.state.history.objectAt(position, kind, namespace, name);
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
