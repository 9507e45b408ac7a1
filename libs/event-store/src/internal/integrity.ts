import type { IntegrityReport } from '../event-store.port';
import { type ChainFields, chainHash, ZERO_HASH_HEX } from './hash-chain';

/** One stored row as the verifier sees it: the hashed fields plus the stored hash (null: none). */
export interface ChainRow extends ChainFields {
  hash: Uint8Array | null;
}

/** What an adapter with dense positions 1..N exposes to the verifier. */
export interface ChainSource {
  /** First position that must carry a hash (rows before it were written before the chain was turned on). */
  chainFrom: number;
  /** Rows with position > `after`, ascending, at most `limit`. */
  rowsAfter(after: number, limit: number): ChainRow[];
  /** Head this process wrote or saw, if any: a shorter log lost its tail. */
  knownHead?: number;
}

const PAGE = 2048;
/** How far past a broken row the verifier looks to tell an insertion, a reordering or a renumbered deletion from an edit. */
const LOOK_AHEAD = 64;

const hex = (h: Uint8Array): string => Buffer.from(h.buffer, h.byteOffset, h.byteLength).toString('hex');
const matches = (stored: Uint8Array | null, computed: Buffer): boolean => stored !== null && computed.equals(stored);
const at = (row: ChainRow, position: number): ChainRow => ({ ...row, position });

/**
 * Reads the log once, page by page (memory bounded by one page and the look-
 * ahead), yielding to the event loop between pages, and returns the first
 * problem at its exact position:
 * - `row deleted`: a hole in the positions (or, when later rows were renumbered
 *   to hide it, the chain continues from the hash of the row before the gap);
 * - `hash mismatch: row edited`: the row's content no longer matches its hash,
 *   and the next row still chains from the stored hash;
 * - `row inserted`: the row that belongs here is found further on;
 * - `rows reordered`: that too, and this row belongs further on;
 * - a hash before the chain's start (the start was moved) or none after it.
 */
export const verifyChain = async (source: ChainSource, onProgress?: (position: number) => void): Promise<IntegrityReport> => {
  let expected = 1;
  let previousHex = ZERO_HASH_HEX;
  let events = 0;
  let after = 0;
  const { chainFrom } = source;
  for (;;) {
    const page = source.rowsAfter(after, PAGE);
    for (const row of page) {
      if (row.position !== expected) {
        return { ok: false, events, position: expected, problem: `row deleted: position ${expected} is missing (the next row is ${row.position})` };
      }
      if (row.position >= chainFrom) {
        if (!matches(row.hash, chainHash(previousHex, row))) {
          return { ok: false, events, position: row.position, problem: diagnose(source, previousHex, row) };
        }
        previousHex = hex(row.hash!);
      } else if (row.hash !== null) {
        return { ok: false, events, position: row.position, problem: `row carries a hash before the chain's recorded start at ${chainFrom}: the start was moved` };
      }
      events++;
      expected++;
    }
    if (page.length > 0) {
      after = page[page.length - 1].position;
      onProgress?.(after);
    }
    if (page.length < PAGE) break;
    await new Promise((resolve) => setImmediate(resolve));
  }
  const head = expected - 1;
  if (source.knownHead !== undefined && source.knownHead > head) {
    return { ok: false, events, position: head + 1, problem: `row deleted: the log ends at ${head} but this store has seen it reach ${source.knownHead}` };
  }
  return { ok: true, events, head, chainedFrom: chainFrom <= head ? chainFrom : null };
};

/** Why the row at p (whose predecessor's hash is `previousHex`) does not verify. */
const diagnose = (source: ChainSource, previousHex: string, row: ChainRow): string => {
  const p = row.position;
  const ahead = source.rowsAfter(p, LOOK_AHEAD);
  const next = ahead[0];
  if (row.hash !== null && next && next.position === p + 1 && next.hash !== null) {
    const storedHex = hex(row.hash);
    if (matches(next.hash, chainHash(storedHex, next))) return 'hash mismatch: row edited';
    // Rows after a deletion moved down to close the gap: the next one still chains from this one at its old position.
    for (let gap = 1; gap <= 8; gap++) {
      if (matches(next.hash, chainHash(storedHex, at(next, next.position + gap)))) {
        return `row deleted: ${gap} row(s) before this one were removed and the later rows renumbered`;
      }
    }
  }
  // The row that belongs at p is further on: rows were inserted before it, or this one swapped places with it.
  const j = ahead.findIndex((r) => matches(r.hash, chainHash(previousHex, at(r, p))));
  if (j >= 0) {
    const home = ahead[j].position;
    if (row.hash !== null) {
      // Does this row chain from some later row, at that row's position (moved, the rest shifted) or the one after it (swapped)?
      for (let m = 0; m < ahead.length; m++) {
        const before = ahead[m];
        if (before.hash === null) continue;
        const beforeHex = hex(before.hash);
        if (matches(row.hash, chainHash(beforeHex, at(row, before.position))) || matches(row.hash, chainHash(beforeHex, at(row, before.position + 1)))) {
          return `rows reordered: position ${p} holds a row from later in the log; the row that belongs here is at ${home}`;
        }
      }
    }
    return `row inserted: ${home - p} row(s) at position ${p} that the chain does not know; the row that belongs here is at ${home}`;
  }
  if (row.hash === null) return 'hash missing: row inserted or its hash removed';
  return 'hash mismatch: row edited';
};
