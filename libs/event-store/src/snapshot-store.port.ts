import { createHash } from 'node:crypto';
import { DomainError } from '@daemonledger/domain/errors';

/**
 * Where snapshots of the read models live, beside the log. A snapshot is
 * derived data: the log is the truth, and a snapshot that is missing,
 * incomplete, corrupt or made by other projection code is ignored (the reader
 * folds from an older one, or from position 0), never trusted.
 *
 * A snapshot is a set of named parts (opaque bytes, written one at a time,
 * each in its own small write) plus a manifest written last: only a snapshot
 * whose manifest is stored is listed, and the manifest carries each part's
 * SHA-256, checked on every read. Adapters: memory (unit tests), SQLite (a
 * table of its own in the log's file), EventStoreDB (streams of its own).
 */
export interface SnapshotPartRef {
  name: string;
  bytes: number;
  /** Hex SHA-256 of the part's bytes. */
  sha256: string;
}

export interface SnapshotRef {
  /** The log position the snapshot holds: every event up to and including it is folded in. */
  position: number;
  /** The projection code that made it; a reader ignores snapshots of any other version. */
  codeVersion: string;
  parts: SnapshotPartRef[];
  /** Sum of the parts' sizes. */
  bytes: number;
  writtenAt: string;
}

export interface SnapshotWriter {
  /** Stores one part (a name at most once per snapshot). */
  writePart(name: string, data: Uint8Array): Promise<void>;
  /** Writes the manifest: from now on the snapshot is listed. */
  commit(): Promise<SnapshotRef>;
  /** Drops what was written. */
  abort(): Promise<void>;
}

export interface SnapshotStore {
  /** Complete snapshots, newest (highest position) first, every code version. */
  list(): Promise<SnapshotRef[]>;
  /** Starts a snapshot at `position`; one left unfinished at the same position and version is replaced. */
  begin(position: number, codeVersion: string): Promise<SnapshotWriter>;
  /** One part's bytes, checked against the manifest: a SnapshotCorruptError when missing or altered. */
  readPart(ref: SnapshotRef, name: string): Promise<Buffer>;
  delete(ref: SnapshotRef): Promise<void>;
  close(): Promise<void>;
}

export const sha256Hex = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** A snapshot that cannot be used (missing part, checksum mismatch): readers skip it and use an older one. */
export class SnapshotCorruptError extends Error {
  constructor(readonly ref: { position: number; codeVersion: string }, readonly part: string, why: string) {
    super(`snapshot at position ${ref.position} (${ref.codeVersion}), part "${part}": ${why}`);
    this.name = 'SnapshotCorruptError';
  }
}
const snapshotCorrupt = (ref: { position: number; codeVersion: string }, part: string, why: string) => new SnapshotCorruptError(ref, part, why);

/** Checks one part's bytes against its manifest entry; returns them as a Buffer. */
export const checkedPart = (ref: SnapshotRef, name: string, data: Uint8Array | undefined): Buffer => {
  const entry = ref.parts.find((p) => p.name === name);
  if (!entry) throw snapshotCorrupt(ref, name, 'not in the manifest');
  if (!data) throw snapshotCorrupt(ref, name, 'missing');
  if (data.length !== entry.bytes || sha256Hex(data) !== entry.sha256) throw snapshotCorrupt(ref, name, 'checksum mismatch');
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
};

/** A part name is printable and short; the manifest name is reserved by adapters. */
export const assertPartName = (name: string): void => {
  if (!/^[A-Za-z0-9._/-]{1,200}$/.test(name)) throw new DomainError('BadRequest', `invalid snapshot part name ${JSON.stringify(name)}`);
};
