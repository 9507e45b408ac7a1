import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { planLeaseRenewals, type NodeHeartbeat } from '@daemonledger/domain/cluster/node-leases';
import { isDomainError } from '@daemonledger/domain/errors';
import { NODE_LEASE_NAMESPACE } from '@daemonledger/domain/kinds/lease';
import { NodeHeartbeatMessage, TOPICS, type Transport } from '@daemonledger/messaging';
import { ClusterCommandBatch, ObjectCommandMsg } from '../commands/cluster.commands';
import { LEADERSHIP, type Leadership, TRANSPORT } from '../infrastructure/tokens';
import { ClusterState } from '../projections/cluster-state.service';

/**
 * The consumer group a process hears heartbeats in: one of its own, so every
 * process hears every heartbeat whichever others are alive (a shared group
 * would leave a dead member's nodes unheard until the broker noticed, which
 * can outlast the node monitor's grace period).
 */
export const heartbeatGroup = (identity?: string): string => (identity ? `controller-heartbeats.${identity}` : 'controller-heartbeats');

/**
 * Records node heartbeats as the nodes' Leases in kube-node-lease, as the API
 * server stores a kubelet's Lease renewals. Every process hears them all, from
 * the next one on; the leader records them (fenced: a deposed leader's writes
 * are refused), so a new leader records the very next renewals and no
 * process's death leaves nodes unheard. What to write is decided by
 * planLeaseRenewals (libs/domain); here
 * heartbeats are gathered for one turn of the event loop and appended in one
 * transaction, like NodeLink's reports, and a message is acknowledged only
 * once its burst is in the log.
 */
@Injectable()
export class NodeHeartbeats {
  private readonly log = new Logger('NodeHeartbeats');
  private stopping = false;
  private pending: NodeHeartbeat[] = [];
  private flushing?: Promise<void>;
  private previous: Promise<void> = Promise.resolve();

  constructor(
    @Inject(TRANSPORT) private readonly transport: Transport,
    private readonly commands: CommandBus,
    private readonly state: ClusterState,
    @Inject(LEADERSHIP) private readonly leadership: Leadership,
  ) {}

  async start(): Promise<void> {
    this.stopping = false;
    await this.transport.subscribe(TOPICS.nodeHeartbeats, heartbeatGroup(this.leadership.identity), (m) => this.onHeartbeat(m.value), { start: 'latest' });
  }

  /** Heartbeats still arriving are dropped (the transport's close ends the subscription; the next renewal comes soon). */
  stop(): void {
    this.stopping = true;
  }

  private async onHeartbeat(raw: unknown): Promise<void> {
    // A follower only listens: once leader, the next renewal of each node is recorded.
    if (this.stopping || !this.leadership.isLeader()) return;
    const parsed = NodeHeartbeatMessage.safeParse(raw);
    if (!parsed.success) {
      this.log.warn(`dropped a malformed node heartbeat: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return;
    }
    const { nodeName, holderIdentity, renewTime, leaseDurationSeconds } = parsed.data;
    this.pending.push({ nodeName, holderIdentity, renewTime, leaseDurationSeconds });
    if (!this.flushing) {
      // One burst at a time: a burst decided while the one before is still appending would read the Leases
      // as they were and have its newer renewals refused (Conflict).
      const run = this.previous.then(() => new Promise<void>((resolve) => setImmediate(resolve))).then(() => this.flush());
      this.flushing = run;
      this.previous = run.catch(() => undefined);
    }
    // Every heartbeat of the burst waits for the burst's append: a failure to append rejects them all (redelivered).
    await this.flushing;
  }

  private async flush(): Promise<void> {
    const heartbeats = this.pending;
    this.pending = [];
    this.flushing = undefined;
    if (!heartbeats.length || this.stopping) return;
    const view = this.state.view;
    const { writes, dropped } = planLeaseRenewals(heartbeats, {
      node: (name) => view.nodes.get(name),
      lease: (name) => view.object('lease', NODE_LEASE_NAMESPACE, name),
    });
    for (const d of dropped) {
      if (d.reason === 'Invalid') this.log.warn(`dropped the heartbeat of node ${d.heartbeat.nodeName}: ${d.detail ?? 'invalid'}`);
      else if (d.reason === 'UnknownNode') this.log.debug(`dropped a heartbeat of node ${d.heartbeat.nodeName}: the log does not know it`);
    }
    if (!writes.length) return;
    const items = writes.map((w) => new ObjectCommandMsg('lease', NODE_LEASE_NAMESPACE, w.nodeName, w.command, { actor: `node-agent:${w.nodeName}`, fenced: true }));
    const results: ({ error: unknown } | object)[] = await this.commands.execute(new ClusterCommandBatch(items));
    const failures = results.flatMap((r, i) => ('error' in r ? [{ node: writes[i].nodeName, error: r.error }] : []));
    // Refused by the decider: someone renewed the Lease meanwhile (Conflict, AlreadyExists) or it went (NotFound). Nothing to record.
    const refused = failures.filter((f) => isDomainError(f.error));
    for (const f of refused) this.log.debug(`heartbeat of node ${f.node} not recorded: ${(f.error as Error).message}`);
    // Anything else (the log could not be written) fails the burst: its messages are delivered again.
    const broken = failures.find((f) => !isDomainError(f.error));
    if (broken) throw broken.error;
  }
}
