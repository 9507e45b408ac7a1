import { describeCheckpointStoreContract } from '../contract/checkpoint-store.contract';
import { EventStoreDbCheckpointStore } from './eventstoredb-checkpoint-store';

const connectionString = process.env.EVENTSTOREDB_CONNECTION_STRING;

if (connectionString) {
  describeCheckpointStoreContract('eventstoredb', { durable: true }, async () => ({
    store: new EventStoreDbCheckpointStore({ connectionString }),
    reopen: async () => new EventStoreDbCheckpointStore({ connectionString }),
  }));
} else {
  // A real skip, counted as one: no server to talk to here.
  describe.skip('CheckpointStore contract: eventstoredb (no EVENTSTOREDB_CONNECTION_STRING configured; start one with docker compose up eventstoredb)', () => {
    it('runs the checkpoint contract against EventStoreDB', () => undefined);
  });
}
