/** FNV-1a 32-bit and the apimachinery `rand.SafeEncodeString` alphabet used for hashes and names. */
import { utf8Bytes } from './go-json';

export const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

/** FNV-1a over the concatenation of the chunks; result is an unsigned 32-bit integer. */
export const fnv1a32 = (...chunks: readonly Uint8Array[]): number => {
  let h = FNV32_OFFSET;
  for (const chunk of chunks) {
    for (const b of chunk) {
      h ^= b;
      h = Math.imul(h, FNV32_PRIME) >>> 0;
    }
  }
  return h >>> 0;
};

export const fnv1a32String = (s: string): number => fnv1a32(utf8Bytes(s));

/** `rand.SafeEncodeString`: each character c → SAFE_ALPHABET[charCode(c) % 27]. */
export const safeEncodeString = (s: string): string =>
  Array.from(s, (c) => SAFE_ALPHABET[c.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
