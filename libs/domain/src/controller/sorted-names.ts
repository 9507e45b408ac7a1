/**
 * A set of names kept in the order the planner walks nodes (by name, as `buildView` sorts them),
 * with insert and delete in O(√n) and the first k in O(k): what the incremental planner needs to
 * pick "the first k nodes of a class in walk order" without walking every node. Sorted chunks of
 * at most `CHUNK` names (an unrolled list); `has` is a hash lookup.
 */
const CHUNK = 512;

const lowerBound = (xs: readonly string[], name: string): number => {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < name) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

export class SortedNames {
  private readonly chunks: string[][] = [];
  private readonly members = new Set<string>();

  get size(): number {
    return this.members.size;
  }

  has(name: string): boolean {
    return this.members.has(name);
  }

  /** The chunk a name belongs in: the first whose last name is ≥ it, else the last one. */
  private chunkFor(name: string): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = this.chunks[mid];
      if (chunk[chunk.length - 1] < name) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(name: string): void {
    if (this.members.has(name)) return;
    this.members.add(name);
    if (this.chunks.length === 0) {
      this.chunks.push([name]);
      return;
    }
    const c = this.chunkFor(name);
    const chunk = this.chunks[c];
    chunk.splice(lowerBound(chunk, name), 0, name);
    if (chunk.length > CHUNK) this.chunks.splice(c + 1, 0, chunk.splice(CHUNK >>> 1));
  }

  delete(name: string): void {
    if (!this.members.delete(name)) return;
    const c = this.chunkFor(name);
    const chunk = this.chunks[c];
    chunk.splice(lowerBound(chunk, name), 1);
    if (chunk.length === 0) this.chunks.splice(c, 1);
  }

  /** Adds or deletes. */
  set(name: string, member: boolean): void {
    if (member) this.add(name);
    else this.delete(name);
  }

  /** The first `k` names in order. */
  first(k: number): string[] {
    const out: string[] = [];
    for (const chunk of this.chunks) {
      for (const name of chunk) {
        if (out.length >= k) return out;
        out.push(name);
      }
    }
    return out;
  }

  *[Symbol.iterator](): IterableIterator<string> {
    for (const chunk of this.chunks) yield* chunk;
  }
}
