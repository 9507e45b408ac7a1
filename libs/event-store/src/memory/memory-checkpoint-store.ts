import { assertCheckpointName, assertCheckpointPosition, type CheckpointStore } from '../checkpoint-store.port';

/** Checkpoints in memory, for unit tests. */
export class MemoryCheckpointStore implements CheckpointStore {
  private readonly positions = new Map<string, number>();

  async load(name: string): Promise<number> {
    assertCheckpointName(name);
    return this.positions.get(name) ?? 0;
  }

  async save(name: string, position: number): Promise<void> {
    assertCheckpointName(name);
    assertCheckpointPosition(position);
    this.positions.set(name, position);
  }

  async close(): Promise<void> {}
}
