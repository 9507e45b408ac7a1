import { randomFillSync } from 'node:crypto';

/**
 * Event ids as the store likes them: RFC 9562 UUIDv7 (48-bit Unix ms, then a
 * 12-bit counter, then 62 random bits), monotonic within a process. The SQLite
 * adapter keeps a unique index on ids; ids that only grow are appended at the
 * index's right edge, where random v4 ids would touch a random page of it per
 * event (a WAL page per event on a large log: several times slower appends).
 */
let lastMs = -1;
let counter = 0;
const pool = Buffer.alloc(8 * 512);
let poolAt = pool.length;

export const timeOrderedUuid = (): string => {
  let ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    counter = 0;
  } else if (++counter > 0xfff) {
    // 4,096 ids in one millisecond (or a clock step back): borrow the next millisecond, never repeat or go back.
    lastMs++;
    counter = 0;
  }
  ms = lastMs;
  if (poolAt + 8 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const hi = Math.floor(ms / 0x10000).toString(16).padStart(8, '0');
  const lo = (ms % 0x10000).toString(16).padStart(4, '0');
  const ver = (0x7000 | counter).toString(16);
  const variant = (0x8000 | (pool.readUInt16BE(poolAt) & 0x3fff)).toString(16);
  const tail = pool.toString('hex', poolAt + 2, poolAt + 8);
  poolAt += 8;
  return `${hi}-${lo}-${ver}-${variant}-${tail}`;
};

/** Canonical (lower-case, validated elsewhere) uuid text → its 16 bytes. */
export const uuidToBytes = (id: string): Buffer =>
  Buffer.from(id.slice(0, 8) + id.slice(9, 13) + id.slice(14, 18) + id.slice(19, 23) + id.slice(24), 'hex');

/** 32 lower-case hex digits (SQLite's lower(hex(id))) → the canonical 8-4-4-4-12 text. */
export const hexToUuid = (h: string): string => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;

/** 16 bytes → the canonical lower-case 8-4-4-4-12 text. */
export const bytesToUuid = (bytes: Uint8Array): string => {
  const h = Buffer.isBuffer(bytes) ? bytes.toString('hex') : Buffer.from(bytes).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};
