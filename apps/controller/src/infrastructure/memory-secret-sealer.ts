import { randomBytes } from 'node:crypto';
import type { SealedSecretData, SecretSealer } from './secret-sealer.port';
import { KEY_BYTES, NONCE_BYTES, openWith, sealWith } from './secret-sealing';

/**
 * Data keys in a Map: the same cryptography as the file sealer, for unit
 * tests and the in-memory event store (whose log vanishes with the keys).
 */
export class MemorySecretSealer implements SecretSealer {
  private readonly keys = new Map<string, Buffer>();

  seal(keyId: string, data: Record<string, string>): SealedSecretData {
    let key = this.keys.get(keyId);
    if (!key) this.keys.set(keyId, (key = randomBytes(KEY_BYTES)));
    return sealWith(key, randomBytes(NONCE_BYTES), keyId, data);
  }

  open(sealed: SealedSecretData): Record<string, string> | undefined {
    const key = this.keys.get(sealed.keyId);
    return key ? openWith(key, sealed) : undefined;
  }

  shred(keyId: string): void {
    this.keys.get(keyId)?.fill(0);
    this.keys.delete(keyId);
  }

  /** Every key here was made since this sealer was opened (nothing outlives the process): none goes. */
  shredAllExcept(_keep: ReadonlySet<string>): number {
    return 0;
  }
}
