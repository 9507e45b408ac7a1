import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { planNodeLifecycle } from '@daemonledger/domain/cluster/node-lifecycle';
import { isDomainError } from '@daemonledger/domain/errors';
import { NODE_LEASE_NAMESPACE, type LeaseSpec } from '@daemonledger/domain/kinds/lease';
import type { AppConfig } from '../config/config';
import { ClusterCommandBatch, NodeCommandMsg } from '../commands/cluster.commands';
import { APP_CONFIG, CLOCK, type Clock, LEADERSHIP, type Leadership } from '../infrastructure/tokens';
import { ClusterState } from '../projections/cluster-state.service';

/** How often the node lifecycle looks at the nodes (upstream's node-monitor-period is 5 s; 1 s here). */
export const NODE_LIFECYCLE_OPTIONS = Symbol('NODE_LIFECYCLE_OPTIONS');
export interface NodeLifecycleOptions {
  checkIntervalMs: number;
}
export const DEFAULT_NODE_LIFECYCLE_OPTIONS: NodeLifecycleOptions = { checkIntervalMs: 1000 };
/** Upstream's node-monitor-grace-period, when the configuration names none. */
const DEFAULT_GRACE_SECONDS = 40;

const NODE_LIFECYCLE_CONTROLLER = { actor: 'node-lifecycle-controller', fenced: true };

/**
 * The node lifecycle controller (README "Node leases and the node lifecycle"):
 * while this process leads, it checks every node's Lease about once a second
 * and marks a node whose renewals stopped for the grace period Ready=Unknown
 * with the unreachable taints, and one whose renewals came back Ready again.
 * What to change is planNodeLifecycle's (libs/domain); time comes from the
 * injected clock, and the grace period counts from when this process became
 * leader at the earliest.
 */
@Injectable()
export class NodeLifecycle {
  private readonly log = new Logger('NodeLifecycle');
  private readonly options: NodeLifecycleOptions;
  /** When this process last became leader; undefined while it is not. */
  private leaderSince?: Date;
  private unsubscribe?: () => void;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(LEADERSHIP) private readonly leadership: Leadership,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly commands: CommandBus,
    private readonly state: ClusterState,
    @Optional() @Inject(NODE_LIFECYCLE_OPTIONS) options?: NodeLifecycleOptions,
  ) {
    this.options = options ?? DEFAULT_NODE_LIFECYCLE_OPTIONS;
  }

  start(): void {
    if (this.timer) return;
    this.unsubscribe = this.leadership.onChange((leader) => {
      if (leader && !this.leaderSince) this.leaderSince = this.clock.now();
      if (!leader) this.leaderSince = undefined;
    });
    this.timer = setInterval(() => void this.check(), this.options.checkIntervalMs);
    this.timer.unref?.();
  }

  /** Stops checking; resolves when a check under way is done. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.leaderSince = undefined;
    await this.running;
  }

  /** One check now (the timer's; tests call it after moving their clock). Checks never overlap. */
  check(): Promise<void> {
    this.running ??= this.checkOnce()
      .catch((e) => this.log.error(`node lifecycle check failed: ${(e as Error).message}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async checkOnce(): Promise<void> {
    const since = this.leaderSince;
    if (!since || !this.leadership.isLeader()) return;
    const view = this.state.view;
    const steps = planNodeLifecycle({
      nodes: view.nodes.values(),
      renewTimeOf: (name) => (view.object('lease', NODE_LEASE_NAMESPACE, name)?.spec as LeaseSpec | undefined)?.renewTime,
      now: this.clock.now(),
      leaderSince: since,
      graceSeconds: this.config.leases?.nodeMonitorGraceSeconds ?? DEFAULT_GRACE_SECONDS,
    });
    // Leadership may have gone while planning: a deposed leader does not act.
    if (!steps.length || !this.leadership.isLeader()) return;
    const items = steps.map((s) => new NodeCommandMsg(s.nodeName, s.command, NODE_LIFECYCLE_CONTROLLER));
    const results: ({ error: unknown } | object)[] = await this.commands.execute(new ClusterCommandBatch(items));
    results.forEach((r, i) => {
      if (!('error' in r)) {
        this.log.log(`node ${steps[i].nodeName}: Ready=${steps[i].command.status}`);
      } else if (!isDomainError(r.error, 'NotFound')) {
        // NotFound: the node left meanwhile. Anything else is tried again on the next check.
        this.log.error(`node ${steps[i].nodeName}: Ready=${steps[i].command.status} failed: ${(r.error as Error).message}`);
      }
    });
  }
}
