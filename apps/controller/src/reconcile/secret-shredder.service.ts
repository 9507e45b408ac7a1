import { Inject, Injectable } from '@nestjs/common';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { parseStreamId } from '@daemonledger/domain/cluster/streams';
import type { ObjectDeleted } from '@daemonledger/domain/cluster/events';
import { SECRET_SEALER, type SecretSealer } from '../infrastructure/secret-sealer.port';
import { Recorded } from '../projections/recorded';

/**
 * Crypto-shredding: once a Secret's deletion is in the log (a user's delete,
 * or its namespace's), its data key is destroyed, so the data its events
 * carry sealed can no longer be read by anyone, time travel included. The
 * log keeps the Secret's metadata and the fact of its deletion.
 */
@Injectable()
@EventsHandler(Recorded)
export class SecretShredder implements IEventHandler<Recorded> {
  constructor(@Inject(SECRET_SEALER) private readonly sealer: SecretSealer) {}

  handle({ event }: Recorded): void {
    if (event.type !== 'ObjectDeleted' || parseStreamId(event.streamId)?.kind !== 'secret') return;
    this.sealer.shred((event.data as ObjectDeleted['data']).uid);
  }
}
