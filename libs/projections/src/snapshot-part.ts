import { STORED_STREAM_KINDS, type StreamKind } from '@daemonledger/domain/cluster/streams';
import { EncodedMap, jsonText, rawEntriesOf, Unparsed } from './encoded-map';

/**
 * One part of a read model as a snapshot sees it. `toSnapshot` is a capture
 * at the current position and must be cheap and synchronous: the folds never
 * mutate an object, only the maps that hold them, so copying the maps'
 * entries is enough (the entries share the immutable objects). The codec
 * serialises the entries later, in slices, while the fold moves on.
 */
export interface SnapshotPart {
  /** The stream kinds this part is folded from: a partial past read restores it only when it folds all of them. */
  readonly kinds: readonly StreamKind[];
  /** The entries now, as JSON-serialisable values (they may share objects with the live view). */
  toSnapshot(): unknown[];
  /** Fills the part, which is empty, from entries `toSnapshot` returned (possibly after a JSON round trip). */
  fromSnapshot(entries: unknown[]): void;
  /** Entries are `[namespace, name, object]` stored with the object as its JSON text (see textNamespacedPart). */
  readonly textValues?: boolean;
}

/** The kinds of the DaemonSet machinery (what the rollout timelines are folded from). */
export const CORE_STREAM_KINDS: readonly StreamKind[] = ['daemonset', 'pod', 'node', 'controllerrevision', 'rollout'];
export const ALL_STREAM_KINDS: readonly StreamKind[] = [...CORE_STREAM_KINDS, ...STORED_STREAM_KINDS];

/** A flat map: entries `[key, value]`. `restored` rebuilds what derives from it (caches). */
export const mapPart = <V>(map: Map<string, V>, kinds: readonly StreamKind[], restored?: () => void): SnapshotPart => ({
  kinds,
  toSnapshot: () => [...map.entries()],
  fromSnapshot: (entries) => {
    for (const [k, v] of entries as [string, V][]) map.set(k, v);
    restored?.();
  },
});

/** A namespace → name → object map: entries `[namespace, name, object]`, in map order. */
export const namespacedPart = <V>(map: Map<string, Map<string, V>>, kinds: readonly StreamKind[]): SnapshotPart => ({
  kinds,
  toSnapshot: () => {
    const out: [string, string, V][] = [];
    for (const [ns, inner] of map) for (const [name, v] of inner) out.push([ns, name, v]);
    return out;
  },
  fromSnapshot: (entries) => {
    for (const [ns, name, v] of entries as [string, string, V][]) {
      let inner = map.get(ns);
      if (!inner) map.set(ns, (inner = new Map()));
      inner.set(name, v);
    }
  },
});

/**
 * A namespaced map of many large objects (pods): like namespacedPart, but
 * each object is stored as its own JSON text and restored unparsed into an
 * EncodedMap, so a past read parses only the objects its fold or its answer
 * reads, and a list sends the others' text as it is. A capture keeps
 * unparsed entries unparsed (views restored from it share them). Restored
 * eagerly (parsed now, plain maps) unless `lazy()`; either way each object
 * keeps its text for encoders.
 */
export const textNamespacedPart = <V extends object>(map: Map<string, Map<string, V>>, kinds: readonly StreamKind[], lazy: () => boolean): SnapshotPart => ({
  kinds,
  textValues: true,
  toSnapshot: () => {
    const out: [string, string, V | Unparsed<V>][] = [];
    for (const [ns, inner] of map) for (const [name, v] of rawEntriesOf(inner)) out.push([ns, name, v]);
    return out;
  },
  fromSnapshot: (entries) => {
    // A view that reads most of its objects anyway (the live one) parses them all now, into plain maps.
    const eager = !lazy();
    for (const [ns, name, v] of entries as [string, string, V | Unparsed<V> | string][]) {
      let inner = map.get(ns);
      if (!inner) map.set(ns, (inner = eager ? new Map<string, V>() : new EncodedMap<V>()));
      const value = typeof v === 'string' ? new Unparsed<V>(v) : v;
      if (!(value instanceof Unparsed)) inner.set(name, value);
      else if (eager) inner.set(name, value.get());
      else (inner as EncodedMap<V>).setEncoded(name, value);
    }
  },
});

const TAB = 0x09;
const NEWLINE = 0x0a;
const LINE_END = Buffer.from('\n');

/**
 * A slice of a text part as stored (before compression): one line per
 * entry, `namespace TAB name TAB json NEWLINE`. Compact JSON has no raw tab
 * or newline (JSON.stringify escapes them in strings) and names are DNS
 * names, so the framing needs no escaping, and reading it back is a scan
 * for newlines that leaves each object as a slice of the decoded bytes:
 * neither parsed nor copied until someone reads it, and sent as it is.
 */
export const encodeTextSlice = (entries: readonly [string, string, object][]): Buffer => {
  const chunks: Buffer[] = [];
  let text = '';
  const flushText = () => {
    if (text) chunks.push(Buffer.from(text));
    text = '';
  };
  for (const [ns, name, v] of entries) {
    if (v instanceof Unparsed) {
      flushText();
      chunks.push(Buffer.from(`${ns}\t${name}\t`), v.bytes, LINE_END);
    } else {
      text += `${ns}\t${name}\t${jsonText(v)}\n`;
      if (text.length > 1 << 20) flushText();
    }
  }
  flushText();
  return Buffer.concat(chunks);
};

/** The entries of a slice encodeTextSlice wrote, objects left as Unparsed slices of `bytes`. Throws on a malformed slice. */
export const decodeTextSlice = (bytes: Buffer): [string, string, Unparsed][] => {
  const out: [string, string, Unparsed][] = [];
  for (let at = 0; at < bytes.length; ) {
    const end = bytes.indexOf(NEWLINE, at);
    const tab1 = bytes.indexOf(TAB, at);
    const tab2 = tab1 < 0 ? -1 : bytes.indexOf(TAB, tab1 + 1);
    if (end < 0 || tab1 < 0 || tab2 < 0 || tab2 > end || tab2 + 1 >= end) throw new Error(`malformed text slice at byte ${at}`);
    out.push([bytes.toString('utf8', at, tab1), bytes.toString('utf8', tab1 + 1, tab2), new Unparsed(bytes.subarray(tab2 + 1, end))]);
    at = end + 1;
  }
  return out;
};
