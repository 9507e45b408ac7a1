import { DomainError } from '@daemonledger/domain/errors';

/**
 * Turns the `data` of an event stored at `fromVersion` into the shape of
 * `fromVersion + 1`. Pure: no I/O, no clock. Receives the stored metadata for context.
 */
export type Upcaster = (data: any, context: UpcastContext) => unknown;

export interface UpcastContext {
  type: string;
  fromVersion: number;
  metadata: Readonly<Record<string, unknown>>;
}

/**
 * Schema evolution for stored events. Writers always emit the current version;
 * readers never see an old one: every adapter passes what it reads through
 * `upcast`, applying the chain v1→v2→…→current one step at a time.
 *
 * The current version of a type is the highest version reachable through
 * registered upcasters, or what `setCurrentVersion` says (1 if nothing is known).
 */
export class UpcasterRegistry {
  private readonly chains = new Map<string, Map<number, Upcaster>>();
  private readonly current = new Map<string, number>();

  register(type: string, fromVersion: number, fn: Upcaster): this {
    if (!Number.isInteger(fromVersion) || fromVersion < 1) {
      throw new DomainError('Invalid', `Upcaster for "${type}" must start from a version ≥ 1, got ${fromVersion}`);
    }
    let chain = this.chains.get(type);
    if (!chain) this.chains.set(type, (chain = new Map()));
    if (chain.has(fromVersion)) {
      throw new DomainError('AlreadyExists', `An upcaster for "${type}" v${fromVersion}→v${fromVersion + 1} is already registered`);
    }
    chain.set(fromVersion, fn);
    this.current.set(type, Math.max(this.current.get(type) ?? 1, fromVersion + 1));
    return this;
  }

  /** Declares the current version of a type that has no upcasters yet (or raises it). */
  setCurrentVersion(type: string, version: number): this {
    if (!Number.isInteger(version) || version < 1) {
      throw new DomainError('Invalid', `Current version of "${type}" must be an integer ≥ 1, got ${version}`);
    }
    this.current.set(type, Math.max(this.current.get(type) ?? 1, version));
    return this;
  }

  currentVersion(type: string): number {
    return this.current.get(type) ?? 1;
  }

  /** True when events of this type may need work on read (fast path for the common case). */
  hasUpcasters(type: string): boolean {
    return this.chains.has(type);
  }

  /**
   * Returns data at the current version. Versions newer than current (written
   * by a newer process) are returned untouched. A gap in the chain or a throwing
   * upcaster is a StorageError: the stored event cannot be read as current.
   */
  upcast(
    type: string,
    version: number,
    data: unknown,
    metadata: Readonly<Record<string, unknown>>,
  ): { version: number; data: unknown } {
    const chain = this.chains.get(type);
    const target = this.currentVersion(type);
    if (!chain || version >= target) return { version, data };
    let v = version;
    let d = data;
    while (v < target) {
      const step = chain.get(v);
      if (!step) {
        throw new DomainError('StorageError', `No upcaster registered for "${type}" v${v}→v${v + 1} (current is v${target})`);
      }
      try {
        d = step(d, { type, fromVersion: v, metadata });
      } catch (cause) {
        const reason = cause instanceof Error ? cause.message : String(cause);
        throw new DomainError('StorageError', `Upcasting "${type}" v${v}→v${v + 1} failed: ${reason}`);
      }
      v += 1;
    }
    return { version: v, data: d };
  }
}
