/**
 * Objects restored from a snapshot as their JSON text, parsed only when
 * something reads them. A past read restores every pod of a large cluster
 * and its fold touches only the few the tail changes; a list of them is sent
 * as JSON again. Keeping the text lets the untouched ones skip both the
 * parse and the serialisation (the objects of a view are never mutated, so
 * the text stays exactly what the object would serialise to).
 */

/** The JSON text of objects parsed from it (and never changed since: views replace objects, never mutate them). */
const texts = new WeakMap<object, string>();

/** `JSON.stringify(o)` when it is known without serialising (the object came from that text). */
export const jsonTextOf = (o: object): string | undefined => texts.get(o);

/**
 * The JSON text of `o`: the text it was parsed from when there is one, else
 * serialised now. Not kept: a live cluster's pods as text would cost as much
 * memory again as the pods (about 2.5 KB each), for snapshots that come at
 * most once per half the cluster's objects in events (README "Planning at
 * scale"), where serialising them again costs O(1) per event.
 */
export const jsonText = (o: object): string => texts.get(o) ?? JSON.stringify(o);

/**
 * One object not parsed yet, as its JSON text or that text's UTF-8 bytes (a
 * slice of a decoded snapshot, sent as it is by list encoders). Shared
 * between views restored from the same capture; parsed once for all of them.
 */
export class Unparsed<V extends object = object> {
  private value?: V;
  private decoded?: string;
  constructor(private readonly source: string | Buffer) {}

  /** The JSON text (decoded from the bytes once, when asked). */
  get text(): string {
    return typeof this.source === 'string' ? this.source : (this.decoded ??= this.source.toString('utf8'));
  }

  /** The JSON text's UTF-8 bytes (the stored ones, not a copy, when it was restored from bytes). */
  get bytes(): Buffer {
    return typeof this.source === 'string' ? Buffer.from(this.source) : this.source;
  }

  get(): V {
    if (this.value === undefined) {
      const text = this.text;
      this.value = JSON.parse(text) as V;
      texts.set(this.value, text);
    }
    return this.value;
  }

  /** A capture that holds it serialises as the object. */
  toJSON(): V {
    return this.get();
  }
}

const parsed = <V extends object>(v: V | Unparsed<V>): V => (v instanceof Unparsed ? v.get() : v);

/**
 * A Map whose values may still be JSON text: every read (get, iteration)
 * sees parsed objects, so code that does not know about it is unaffected;
 * `rawEntries` gives the text of those no one has read, for encoders.
 */
export class EncodedMap<V extends object> extends Map<string, V> {
  /** Sets `key` to the object `text` encodes, parsed when first read. */
  setEncoded(key: string, value: Unparsed<V>): this {
    return super.set(key, value as unknown as V);
  }

  override get(key: string): V | undefined {
    const v = super.get(key) as V | Unparsed<V> | undefined;
    return v === undefined ? undefined : parsed(v);
  }

  override *entries(): MapIterator<[string, V]> {
    for (const [k, v] of super.entries()) yield [k, parsed(v as V | Unparsed<V>)];
  }

  override [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  override *values(): MapIterator<V> {
    for (const v of super.values()) yield parsed(v as V | Unparsed<V>);
  }

  override forEach(fn: (value: V, key: string, map: Map<string, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }

  /** Entries as stored: an object, or the Unparsed text of one nobody has read. */
  *rawEntries(): IterableIterator<[string, V | Unparsed<V>]> {
    yield* super.entries() as IterableIterator<[string, V | Unparsed<V>]>;
  }
}

/** A map's entries as stored (Unparsed ones kept so), for any Map. */
export const rawEntriesOf = <V extends object>(map: Map<string, V>): Iterable<[string, V | Unparsed<V>]> =>
  map instanceof EncodedMap ? (map as EncodedMap<V>).rawEntries() : map.entries();
