import { assertPartName, checkedPart, sha256Hex, type SnapshotPartRef, type SnapshotRef, type SnapshotStore, type SnapshotWriter } from '../snapshot-store.port';

const keyOf = (position: number, codeVersion: string) => `${position}\u0000${codeVersion}`;

/** Snapshots in memory, for unit tests; stores copies, so a caller's later changes to a buffer are not seen. */
export class MemorySnapshotStore implements SnapshotStore {
  private readonly complete = new Map<string, { ref: SnapshotRef; parts: Map<string, Buffer> }>();

  async list(): Promise<SnapshotRef[]> {
    return [...this.complete.values()].map((s) => s.ref).sort((a, b) => b.position - a.position);
  }

  async begin(position: number, codeVersion: string): Promise<SnapshotWriter> {
    const parts = new Map<string, Buffer>();
    const refs: SnapshotPartRef[] = [];
    return {
      writePart: async (name, data) => {
        assertPartName(name);
        if (parts.has(name)) throw new Error(`snapshot part "${name}" written twice`);
        const copy = Buffer.from(data);
        parts.set(name, copy);
        refs.push({ name, bytes: copy.length, sha256: sha256Hex(copy) });
      },
      commit: async () => {
        const ref: SnapshotRef = { position, codeVersion, parts: refs, bytes: refs.reduce((n, p) => n + p.bytes, 0), writtenAt: new Date().toISOString() };
        this.complete.set(keyOf(position, codeVersion), { ref, parts });
        return ref;
      },
      abort: async () => parts.clear(),
    };
  }

  async readPart(ref: SnapshotRef, name: string): Promise<Buffer> {
    return Buffer.from(checkedPart(ref, name, this.complete.get(keyOf(ref.position, ref.codeVersion))?.parts.get(name)));
  }

  async delete(ref: SnapshotRef): Promise<void> {
    this.complete.delete(keyOf(ref.position, ref.codeVersion));
  }

  /** Test hook: the stored bytes of one part, to corrupt them in place. */
  rawPart(ref: SnapshotRef, name: string): Buffer | undefined {
    return this.complete.get(keyOf(ref.position, ref.codeVersion))?.parts.get(name);
  }

  async close(): Promise<void> {}
}
