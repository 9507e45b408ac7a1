import { hash } from 'node:crypto';

/**
 * Tamper evidence: every event stored from the chain's start on carries
 *
 *   hash(p) = SHA-256(canonical(p))   (32 bytes)
 *
 * where canonical(p) is the UTF-8 encoding of these ten fields joined by one
 * line feed (0x0A), in this order:
 *
 *   1. hex(hash(p-1)): 64 lower-case hex digits; 64 '0' for the first chained event
 *   2. position        decimal, no leading zeros
 *   3. stream id       as appended ([A-Za-z0-9._:-], so no line feed)
 *   4. revision        decimal
 *   5. event id        canonical lower-case 8-4-4-4-12 uuid
 *   6. type            as appended ([A-Za-z0-9._:-])
 *   7. schema version  decimal, the version the event was stored at (before upcasting)
 *   8. recorded at     decimal milliseconds since the Unix epoch
 *   9. data            the stored JSON text, byte for byte
 *  10. metadata        the stored JSON text, byte for byte (the batch's shared copy, resolved)
 *
 * The split is unambiguous: fields 1–8 cannot contain a line feed, JSON text
 * from JSON.stringify never does (it escapes control characters), and
 * metadata comes last. Covering id, schema version and time as well as what
 * issue #8 lists means an edit of any stored column shows.
 *
 * What it proves, and what not: an edited, deleted, inserted or reordered row
 * breaks the chain at that row. Anyone able to write the file can also
 * recompute every hash after their edit (there is no secret); only a head hash
 * kept elsewhere (the position and hash `verifyIntegrity` reports, written
 * down) catches that, and a cut tail.
 */
export const ZERO_HASH_HEX = '0'.repeat(64);

export interface ChainFields {
  position: number;
  streamId: string;
  revision: number;
  id: string;
  type: string;
  schemaVersion: number;
  recordedAtMs: number;
  data: string;
  metadata: string;
}

export const chainHash = (previousHex: string, f: ChainFields): Buffer =>
  Buffer.from(hashFieldsHex(previousHex, f.position, f.streamId, f.revision, f.id, f.type, f.schemaVersion, f.recordedAtMs, f.data, f.metadata), 'hex');

/**
 * The same bytes, for the append path: written into one buffer per append
 * call instead of a fresh 600-character string per event, then hashed
 * (hash-chain.spec.ts proves both give the same hash). The data's UTF-8
 * bytes are left there for the caller to store (`data`), so they are
 * encoded once for the hash and the row. Fields 1–8 are ASCII (hex, digits,
 * validated names), so latin1 is UTF-8 there.
 */
export class ChainHasher {
  private buffer = Buffer.allocUnsafe(256 * 1024);
  private used = 0;
  /** The last hashed event's data as UTF-8, valid until the buffer is reused (`reuse()`). */
  data: Buffer = this.buffer.subarray(0, 0);
  /** The events of one command share its metadata: its UTF-8 is encoded once and copied. */
  private metadataText = '';
  private metadataBytes = Buffer.alloc(0);

  /** Starts a new append call: earlier `data` views may be overwritten from now on. */
  reuse(): void {
    this.used = 0;
  }

  hex(
    previousHex: string,
    position: number,
    streamId: string,
    revision: number,
    id: string,
    type: string,
    schemaVersion: number,
    recordedAtMs: number,
    data: string,
    metadata: string,
  ): string {
    const most = 512 + streamId.length + type.length + 3 * (data.length + metadata.length);
    if (this.used + most > this.buffer.length) {
      // A fresh buffer: views handed out earlier in this call keep the old one alive.
      this.buffer = Buffer.allocUnsafe(Math.max(2 * this.buffer.length, 2 * most));
      this.used = 0;
    }
    const b = this.buffer;
    const start = this.used;
    let at = start + b.write(previousHex, start, 'latin1');
    at += b.write(`\n${position}\n${streamId}\n${revision}\n${id}\n${type}\n${schemaVersion}\n${recordedAtMs}\n`, at, 'latin1');
    const dataAt = at;
    at += b.write(data, at, 'utf8');
    this.data = b.subarray(dataAt, at);
    b[at++] = 0x0a;
    if (metadata !== this.metadataText) {
      this.metadataText = metadata;
      this.metadataBytes = Buffer.from(metadata, 'utf8');
    }
    b.set(this.metadataBytes, at);
    at += this.metadataBytes.length;
    this.used = at;
    return hash('sha256', b.subarray(start, at), 'hex');
  }
}

/** The definition above, as one string: what the verifier and the memory adapter use. */
const hashFieldsHex = (
  previousHex: string,
  position: number,
  streamId: string,
  revision: number,
  id: string,
  type: string,
  schemaVersion: number,
  recordedAtMs: number,
  data: string,
  metadata: string,
): string =>
  hash('sha256', `${previousHex}\n${position}\n${streamId}\n${revision}\n${id}\n${type}\n${schemaVersion}\n${recordedAtMs}\n${data}\n${metadata}`, 'hex');
