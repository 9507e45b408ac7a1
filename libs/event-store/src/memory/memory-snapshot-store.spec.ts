import { describeSnapshotStoreContract } from '../contract/snapshot-store.contract';
import { MemorySnapshotStore } from './memory-snapshot-store';

describeSnapshotStoreContract('memory', async () => {
  const store = new MemorySnapshotStore();
  return { store, corrupt: (ref, part) => (store.rawPart(ref, part)![0] ^= 0xff) };
});
