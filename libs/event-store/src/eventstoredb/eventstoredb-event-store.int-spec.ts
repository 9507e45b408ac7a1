import { describeEventStoreContract } from '../contract/event-store.contract';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

const connectionString = process.env.EVENTSTOREDB_CONNECTION_STRING;

if (connectionString) {
  // No multi-stream transactions and no hash chain there (see verifyIntegrity in the adapter).
  describeEventStoreContract('eventstoredb', async (options) => new EventStoreDbEventStore({ connectionString, ...options }), {
    atomicMultiStream: false,
    hashChain: false,
  });
} else {
  const reason =
    'SKIPPED: EventStoreDB contract — no EVENTSTOREDB_CONNECTION_STRING configured; start one with docker compose up eventstoredb';
  describe('EventStore contract: eventstoredb', () => {
    it(reason, () => {
      console.warn(`${reason} (e.g. EVENTSTOREDB_CONNECTION_STRING=esdb://localhost:2113?tls=false)`);
    });
  });
}
