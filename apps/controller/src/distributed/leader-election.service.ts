import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { CommandContext } from '@daemonledger/domain/cluster/daemon-set.decider';
import { EVENT_SCHEMA_VERSIONS, type ClusterEventType, type ObjectEvent } from '@daemonledger/domain/cluster/events';
import {
  decideLeadership,
  electionTimings,
  type ElectionTimings,
  type LeaseSpec,
  releaseLease,
  withinRenewDeadline,
} from '@daemonledger/domain/cluster/leader-election';
import { objectStream } from '@daemonledger/domain/cluster/streams';
import { isDomainError } from '@daemonledger/domain/errors';
import { evolveObject, objectDecider, type ObjectCommand } from '@daemonledger/domain/kinds/object.decider';
import type { StoredObject } from '@daemonledger/domain/kinds/kind-def';
import { LEASE_KIND } from '@daemonledger/domain/kinds/lease';
import type { EventStore } from '@daemonledger/event-store/event-store.port';
import type { Clock, Fence, IdSource, Leadership } from '../infrastructure/tokens';

/** The controller's leader lease, as `kubectl get lease -n kube-system` shows it. */
export const CONTROLLER_LEASE = { namespace: 'kube-system', name: 'daemonledger-controller' } as const;
export const controllerLeaseStream = (): string => objectStream('lease', CONTROLLER_LEASE.namespace, CONTROLLER_LEASE.name);

/** `CONTROLLER_ID`, else hostname-pid-random (upstream: hostname plus a uuid), unique among the log's controllers. */
export const controllerIdentity = (configured?: string): string => configured || `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;

export interface LeaderElectionOptions {
  store: EventStore;
  identity: string;
  leaseDurationSeconds: number;
  clock: Clock;
  ids: IdSource;
  /** Lines for the operator: `daemonledger: leader <id>`, `daemonledger: following <holder>`, step-downs. */
  log?: (line: string) => void;
}

/**
 * The Leadership port of a controller among several on one log: client-go's
 * leader election (tools/leaderelection) over the Lease
 * kube-system/daemonledger-controller kept in the log as a stored object.
 *
 * Every retry period it reads the lease stream from the store (not the view,
 * which may lag), lets the pure `decideLeadership` say acquire, renew or
 * follow, and writes through the stored-object decider with the revision it
 * read as the expected revision: of two candidates only one write lands.
 * `fence()` is that stream at the revision of its own last write, which the
 * CommandRunner adds as a condition to every acting append, so once another
 * process has written the lease a deposed leader's append is rejected whole.
 *
 * It steps down (listeners told, `isLeader()` false) when its last renewal
 * that landed is older than the renew deadline (2/3 of the lease, upstream's
 * 10 s of 15: before another process may take over), when the store rejects
 * its fence or its lease write, and on `close()`, which releases the lease
 * (holder emptied, as client-go's ReleaseOnCancel) so a follower takes over at
 * its next try. `halt()` stops everything without releasing: what a crash
 * leaves, for tests.
 */
export class LeaderElectionService implements Leadership {
  readonly identity: string;
  readonly streamId = controllerLeaseStream();
  readonly timings: ElectionTimings;
  private leader = false;
  private lastRenewedAt = Number.NEGATIVE_INFINITY;
  private ownRevision: number | undefined;
  private observedHolder: string | undefined;
  private readonly listeners = new Set<(leader: boolean) => void>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** Lease writes that landed, acquisitions included (tests, metrics). */
  renewals = 0;

  constructor(private readonly o: LeaderElectionOptions) {
    this.identity = o.identity;
    this.timings = electionTimings(o.leaseDurationSeconds);
  }

  isLeader(): boolean {
    return this.leader && withinRenewDeadline(this.lastRenewedAt, this.o.clock.now().getTime(), this.timings);
  }

  onChange(listener: (leader: boolean) => void): () => void {
    this.listeners.add(listener);
    listener(this.isLeader());
    return () => this.listeners.delete(listener);
  }

  fence(): Fence | undefined {
    return this.leader && this.ownRevision !== undefined ? { streamId: this.streamId, expectedRevision: this.ownRevision } : undefined;
  }

  fenceRejected(fence: Fence): void {
    if (this.leader && fence.streamId === this.streamId && fence.expectedRevision === this.ownRevision) {
      this.stepDown('an acting append was rejected on the lease: another controller holds it');
    }
  }

  /** The holder last seen (this process's identity while leading). */
  holder(): string | undefined {
    return this.leader ? this.identity : this.observedHolder;
  }

  /** First try at once, then every retry period. Resolves after the first try. */
  async start(): Promise<void> {
    this.stopped = false;
    this.timer = setInterval(() => void this.tick(), this.timings.retryPeriodMs);
    this.timer.unref();
    await this.tick();
  }

  /** One round: the renew deadline, then a read and (unless following) a write. Rounds never overlap. */
  tick(): Promise<void> {
    if (this.leader && !withinRenewDeadline(this.lastRenewedAt, this.o.clock.now().getTime(), this.timings)) {
      this.stepDown(`no renewal landed within the renew deadline (${this.timings.renewDeadlineMs} ms)`);
    }
    if (this.stopped || this.running) return this.running ?? Promise.resolve();
    this.running = this.round().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops trying and releases the lease if held, so another controller takes over at once. */
  async close(): Promise<void> {
    this.halt();
    await this.running;
    const wasLeader = this.leader;
    this.stepDown('stopping', false);
    if (!wasLeader) return;
    try {
      const { object, revision } = await this.readLease();
      const released = releaseLease(object?.spec as LeaseSpec | undefined, this.identity, this.o.clock.now());
      if (object && released) await this.write(object, released, revision);
      this.o.log?.(`daemonledger: released the lease ${CONTROLLER_LEASE.namespace}/${CONTROLLER_LEASE.name}`);
    } catch (e) {
      // Another took it meanwhile, or the store is closing: the lease then simply expires.
      this.o.log?.(`daemonledger: lease not released: ${(e as Error).message}`);
    }
  }

  /** Stops the timers without releasing or telling anyone: a crash, as far as the log can tell (tests). */
  halt(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async round(): Promise<void> {
    const attemptAt = this.o.clock.now();
    try {
      const { object, revision } = await this.readLease();
      if (this.stopped) return;
      const decision = decideLeadership(object?.spec as LeaseSpec | undefined, this.identity, attemptAt, this.o.leaseDurationSeconds);
      if (decision.action === 'follow') {
        if (this.leader) this.stepDown(`the lease is held by ${decision.holder}`);
        if (this.observedHolder !== decision.holder) {
          this.observedHolder = decision.holder;
          this.o.log?.(`daemonledger: following ${decision.holder}`);
        }
        return;
      }
      const written = await this.write(object, decision.spec, revision);
      if (this.stopped) return;
      this.ownRevision = written;
      this.lastRenewedAt = attemptAt.getTime();
      this.renewals++;
      this.observedHolder = this.identity;
      if (!this.leader) {
        this.leader = true;
        this.o.log?.(`daemonledger: leader ${this.identity}`);
        this.notify();
      }
    } catch (e) {
      if (isDomainError(e, 'VersionConflict') || isDomainError(e, 'AlreadyExists')) {
        // Another controller wrote the lease between our read and our write: it won this round.
        if (this.leader) this.stepDown('another controller wrote the lease');
        return;
      }
      if (!this.stopped) this.o.log?.(`daemonledger: leader election: ${(e as Error).message}`);
      // Renew deadline checked on the next tick (the timer keeps running).
    }
  }

  private async readLease(): Promise<{ object: StoredObject | undefined; revision: number }> {
    const events = await this.o.store.readStream(this.streamId);
    let object: StoredObject | undefined;
    for (const e of events) object = evolveObject(object, { type: e.type, data: e.data } as ObjectEvent, String(e.position));
    return { object, revision: events.length ? events[events.length - 1].revision : -1 };
  }

  /** Through the stored-object decider, as an API write; returns the stream's revision after it. */
  private async write(current: StoredObject | undefined, spec: LeaseSpec, revision: number): Promise<number> {
    const now = this.o.clock.now();
    const ctx: CommandContext = { now: now.toISOString().replace(/\.\d+Z$/, 'Z'), newUid: this.o.ids.uuid() };
    const command: ObjectCommand = current
      ? { type: 'UpdateObject', object: { ...current, spec } }
      : {
          type: 'CreateObject',
          object: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: CONTROLLER_LEASE.name, namespace: CONTROLLER_LEASE.namespace }, spec },
        };
    // Defaults as admission applies them (MicroTimes in their own form), then the decider the API's writes go through.
    const admitted = { ...command, object: LEASE_KIND.defaults(command.object) } as ObjectCommand;
    const events = objectDecider(LEASE_KIND)(admitted, current, ctx);
    if (events.length === 0) return revision;
    const commandId = this.o.ids.uuid();
    const metadata = { commandId, correlationId: commandId, actor: `controller:${this.identity}`, wallTime: now.toISOString() };
    const result = await this.o.store.append(
      this.streamId,
      events.map((e) => ({ id: this.o.ids.uuid(), type: e.type, schemaVersion: EVENT_SCHEMA_VERSIONS[e.type as ClusterEventType] ?? 1, data: e.data, metadata })),
      { expectedRevision: revision },
    );
    return result.nextExpectedRevision;
  }

  private stepDown(reason: string, say = true): void {
    if (!this.leader) return;
    this.leader = false;
    this.ownRevision = undefined;
    if (say) this.o.log?.(`daemonledger: stepped down (${reason})`);
    this.notify();
  }

  private notify(): void {
    const leader = this.isLeader();
    for (const l of [...this.listeners]) l(leader);
  }
}
