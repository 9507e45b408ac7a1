import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SealedSecretData, SecretSealer } from './secret-sealer.port';

/**
 * A SecretSealer whose data keys live in this process only: real AES-256-GCM
 * (a 32-byte key per Secret, a 12-byte nonce per seal, the key id as
 * associated data), but the keys die with the process, so after a restart
 * every Secret reads as shredded. For unit tests, and the default wiring
 * until the file-backed sealer (keys under DATA_DIR, mode 0600) is in.
 */
export class MemorySecretSealer implements SecretSealer {
  private readonly keys = new Map<string, Buffer>();

  seal(keyId: string, data: Record<string, string>): SealedSecretData {
    let key = this.keys.get(keyId);
    if (!key) this.keys.set(keyId, (key = randomBytes(32)));
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(Buffer.from(keyId, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return { keyId, alg: 'AES-256-GCM', nonce: nonce.toString('base64'), ciphertext: ciphertext.toString('base64') };
  }

  open(sealed: SealedSecretData): Record<string, string> | undefined {
    const key = this.keys.get(sealed.keyId);
    if (!key) return undefined;
    const bytes = Buffer.from(sealed.ciphertext, 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.nonce, 'base64'));
      decipher.setAAD(Buffer.from(sealed.keyId, 'utf8'));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      const plain = Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as Record<string, string>;
    } catch {
      // Not sealed under this key (a key made anew after a shred, or tampered bytes): unreadable, as a shredded one.
      return undefined;
    }
  }

  shred(keyId: string): void {
    this.keys.get(keyId)?.fill(0);
    this.keys.delete(keyId);
  }

  /** Whether a data key exists (tests). */
  hasKey(keyId: string): boolean {
    return this.keys.has(keyId);
  }
}
