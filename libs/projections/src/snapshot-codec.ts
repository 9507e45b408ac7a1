import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { constants, deflate, inflate } from 'node:zlib';
import { EVENT_SCHEMA_VERSIONS } from '@daemonledger/domain/cluster/events';
import type { StreamKind } from '@daemonledger/domain/cluster/streams';
import type { SnapshotRef, SnapshotStore } from '@daemonledger/event-store/snapshot-store.port';
import { ClusterView } from './cluster-view';
import { decodeTextSlice, encodeTextSlice } from './snapshot-part';

const deflateAsync = promisify(deflate);
const inflateAsync = promisify(inflate);

/**
 * Bump when a fold changes what it makes from the same events (cluster-view.ts,
 * kube-events.ts, the domain's evolve functions): snapshots of another version
 * are ignored and rebuilt. Event schema versions and the list of parts are
 * part of the version already, so those changes need no bump.
 */
export const FOLD_VERSION = 6; // 3: stored kinds (the objects part); 4: text parts (pods) stored as framed lines of JSON, not a JSON array of strings; 5: rollout timelines one line per rollout; 6: daemon pods rebuilt with admission's additions (service account token volume, pod defaults)

const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 12);

/** The projection code version every snapshot is tagged with. */
export const PROJECTION_CODE_VERSION = `fold-${FOLD_VERSION}.events-${digest(Object.entries(EVENT_SCHEMA_VERSIONS).sort())}.parts-${digest(
  Object.entries(new ClusterView().snapshotParts()).map(([name, p]) => [name, p.kinds]),
)}`;

/** The parts stored as framed JSON text (SnapshotPart.textValues). */
const TEXT_PARTS = new Set(
  Object.entries(new ClusterView().snapshotParts())
    .filter(([, p]) => p.textValues)
    .map(([name]) => name),
);

/** A view's parts captured at one position: entries that share the (immutable) objects of the view. */
export interface CapturedView {
  position: number;
  /** `textValues`: entries `[ns, name, object]` stored with the object as JSON text (SnapshotPart.textValues). */
  parts: { name: string; entries: unknown[]; textValues?: boolean }[];
}

/** The parts a view folding only `kinds` needs (all parts when undefined). */
export const partsFor = (kinds?: ReadonlySet<StreamKind>): string[] =>
  Object.entries(new ClusterView().snapshotParts())
    .filter(([, p]) => !kinds || p.kinds.every((k) => kinds.has(k)))
    .map(([name]) => name);

/** Synchronous and cheap (copies of map entries, no serialisation): take it between two events. */
export const captureView = (view: ClusterView, only?: readonly string[]): CapturedView => ({
  position: view.position,
  parts: Object.entries(view.snapshotParts())
    .filter(([name]) => !only || only.includes(name))
    .map(([name, p]) => ({ name, entries: p.toSnapshot(), ...(p.textValues ? { textValues: true } : {}) })),
});

/** A view from captured parts (a fresh one, or `into`, which must be empty). Objects are shared, not copied. */
export const restoreView = (captured: CapturedView, into = new ClusterView()): ClusterView => {
  const byName = new Map(captured.parts.map((p) => [p.name, p.entries]));
  for (const [name, part] of Object.entries(into.snapshotParts())) {
    const entries = byName.get(name);
    if (entries) part.fromSnapshot(entries);
  }
  into.position = captured.position;
  return into;
};

export interface EncodeOptions {
  /** Entries per stored slice (default 5,000). */
  sliceEntries?: number;
  /**
   * JSON characters serialised between two turns of the event loop (default
   * 4M, some tens of ms): the slices of one batch are compressed together on
   * the thread pool while the loop runs. Every turn of a loop busy with a
   * rollout can take a few hundred ms, so one turn per slice made a snapshot
   * of a large cluster take seconds, and the snapshots drifted apart.
   */
  batchChars?: number;
}

const sliceName = (part: string, i: number) => `${part}.${i}`;

/**
 * Writes a captured view as a snapshot, slice by slice: a batch of slices is
 * serialised on the loop (objects unchanged since the last snapshot reuse
 * their text), compressed on libuv's thread pool while the loop runs, and
 * stored one part per slice, so the fold and the API keep running while a
 * snapshot of a large cluster is written.
 */
export const writeSnapshot = async (store: SnapshotStore, captured: CapturedView, options: EncodeOptions = {}): Promise<SnapshotRef> => {
  const size = options.sliceEntries ?? 5_000;
  const batchChars = options.batchChars ?? 4_000_000;
  const writer = await store.begin(captured.position, PROJECTION_CODE_VERSION);
  let batch: { name: string; json: string | Buffer }[] = [];
  let chars = 0;
  const flush = async () => {
    const bytes = await Promise.all(batch.map((s) => deflateAsync(s.json, { level: constants.Z_BEST_SPEED })));
    for (const [i, s] of batch.entries()) await writer.writePart(s.name, bytes[i]);
    batch = [];
    chars = 0;
  };
  try {
    for (const part of captured.parts) {
      for (let i = 0; i * size < part.entries.length; i++) {
        const slice = part.entries.slice(i * size, (i + 1) * size);
        const json = part.textValues ? encodeTextSlice(slice as [string, string, object][]) : JSON.stringify(slice);
        batch.push({ name: sliceName(part.name, i), json });
        chars += json.length;
        if (chars >= batchChars) await flush();
      }
    }
    if (batch.length) await flush();
    return await writer.commit();
  } catch (e) {
    await writer.abort().catch(() => undefined);
    throw e;
  }
};

/**
 * Reads the named parts of a snapshot (all when undefined) back as a
 * captured view. Every slice is checked (checksum, then inflate and parse)
 * before anything is returned, so a damaged snapshot fails here whole
 * (SnapshotCorruptError, or a zlib or JSON error) and never half-restores a view.
 */
export const readSnapshot = async (store: SnapshotStore, ref: SnapshotRef, parts?: readonly string[]): Promise<CapturedView> => {
  if (ref.codeVersion !== PROJECTION_CODE_VERSION) throw new Error(`snapshot at ${ref.position} was made by projection code ${ref.codeVersion}, not ${PROJECTION_CODE_VERSION}`);
  const wanted = parts ?? partsFor();
  const slices = ref.parts.filter((p) => wanted.includes(p.name.slice(0, p.name.lastIndexOf('.'))));
  const decoded = await Promise.all(
    slices.map(async (p) => {
      const stored = await store.readPart(ref, p.name);
      const text = TEXT_PARTS.has(p.name.slice(0, p.name.lastIndexOf('.')));
      // A text slice (pods) inflates about 30-fold: one output chunk that large spares zlib joining many small ones (a copy of the whole slice).
      const bytes = await inflateAsync(stored, text ? { chunkSize: Math.min(64 << 20, Math.max(64 << 10, stored.length * 40)) } : {});
      const entries = text ? decodeTextSlice(bytes) : (JSON.parse(bytes.toString('utf8')) as unknown[]);
      return { name: p.name, entries };
    }),
  );
  const byPart = new Map<string, { index: number; entries: unknown[] }[]>();
  for (const d of decoded) {
    const dot = d.name.lastIndexOf('.');
    const list = byPart.get(d.name.slice(0, dot)) ?? [];
    list.push({ index: Number(d.name.slice(dot + 1)), entries: d.entries });
    byPart.set(d.name.slice(0, dot), list);
  }
  return {
    position: ref.position,
    parts: wanted.map((name) => ({
      name,
      entries: (byPart.get(name) ?? []).sort((a, b) => a.index - b.index).flatMap((s) => s.entries),
    })),
  };
};
