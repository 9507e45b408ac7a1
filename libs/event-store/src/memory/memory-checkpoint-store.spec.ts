import { describeCheckpointStoreContract } from '../contract/checkpoint-store.contract';
import { MemoryCheckpointStore } from './memory-checkpoint-store';

describeCheckpointStoreContract('memory', { durable: false }, async () => ({ store: new MemoryCheckpointStore() }));
