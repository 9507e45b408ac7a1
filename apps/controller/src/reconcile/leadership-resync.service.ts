import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { LEADERSHIP, type Leadership } from '../infrastructure/tokens';
import { ClusterState } from '../projections/cluster-state.service';

/**
 * Published when this process has become the leader and its view holds
 * everything the log had once the lease was ours: the acting services start
 * from a full resync (every DaemonSet reconciled, a GC sweep, the namespace
 * controller's look), as a freshly started controller does on CaughtUp.
 */
export class LeadershipResync {
  constructor(readonly position: number) {}
}

/**
 * Turns "leader again" into a LeadershipResync. Before it, the view catches
 * up with the head read after the lease was taken: every write of the
 * previous leader is at or below that head (its later writes are fenced and
 * rejected), so the planner never works from a view that misses a pod the
 * old leader created. The first state the port reports (the embedded mode's
 * soleLeader, at construction) is no change: the start-up CaughtUp covers it.
 */
@Injectable()
export class LeadershipResyncService implements OnModuleDestroy {
  private readonly log = new Logger('Leadership');
  private leading: boolean | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    @Inject(LEADERSHIP) private readonly leadership: Leadership,
    private readonly state: ClusterState,
    private readonly eventBus: EventBus,
  ) {
    this.unsubscribe = leadership.onChange((leader) => {
      const was = this.leading;
      this.leading = leader;
      if (was === false && leader) void this.resync();
    });
  }

  private async resync(): Promise<void> {
    try {
      await this.state.catchUp();
      if (this.leadership.isLeader()) this.eventBus.publish(new LeadershipResync(this.state.view.position));
    } catch (e) {
      this.log.error(`resync after gaining leadership failed: ${(e as Error).message}`);
    }
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }
}
