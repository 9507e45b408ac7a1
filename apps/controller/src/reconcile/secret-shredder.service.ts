import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { parseStreamId } from '@daemonledger/domain/cluster/streams';
import type { ObjectDeleted } from '@daemonledger/domain/cluster/events';
import { secretKeysInUse } from '@daemonledger/domain/cluster/secret-keys';
import { SECRET_SEALER, type SecretSealer } from '../infrastructure/secret-sealer.port';
import { LEADERSHIP, type Leadership, soleLeader } from '../infrastructure/tokens';
import { ClusterState } from '../projections/cluster-state.service';
import { CaughtUp, Recorded } from '../projections/recorded';

/**
 * Crypto-shredding: once a Secret's deletion is in the log (a user's delete,
 * or its namespace's), its data key is destroyed, so the data its events
 * carry sealed can no longer be read by anyone, time travel included. The
 * log keeps the Secret's metadata and the fact of its deletion.
 *
 * Crash-safe: the deletion is appended first and the key destroyed after, so
 * a process that dies in between leaves the key behind. At start-up, once
 * the view has caught up with the log (the first CaughtUp, which ClusterState
 * publishes before its start resolves, so before the API serves), every key
 * held without a live Secret is destroyed. Keys the sealer made since it was
 * opened are spared, so a create on its way to the log keeps its key.
 * With several controllers on one log, the sweep runs only in a process that
 * leads at its start-up CaughtUp (the embedded mode always does): a process
 * elected later does not sweep, since another process's API may have a
 * create on its way with a key this one did not make. Shredding a deleted
 * Secret's key stays every process's (idempotent).
 */
@Injectable()
@EventsHandler(Recorded, CaughtUp)
export class SecretShredder implements IEventHandler<Recorded | CaughtUp> {
  private readonly log = new Logger('SecretShredder');
  private swept = false;

  constructor(
    @Inject(SECRET_SEALER) private readonly sealer: SecretSealer,
    private readonly state: ClusterState,
    @Optional() @Inject(LEADERSHIP) private readonly leadership: Leadership = soleLeader,
  ) {}

  handle(message: Recorded | CaughtUp): void {
    if (message instanceof CaughtUp) {
      if (this.leadership.isLeader()) this.sweep();
      return;
    }
    const { event } = message;
    if (event.type !== 'ObjectDeleted' || parseStreamId(event.streamId)?.kind !== 'secret') return;
    this.sealer.shred((event.data as ObjectDeleted['data']).uid);
  }

  /** Once per process: the keys of Secrets the log no longer holds go. */
  private sweep(): void {
    if (this.swept) return;
    this.swept = true;
    const destroyed = this.sealer.shredAllExcept(secretKeysInUse(this.state.view.objectsOf('secret')));
    if (destroyed) this.log.warn(`destroyed ${destroyed} data key(s) of Secrets deleted (or never created) before the last stop`);
  }
}
