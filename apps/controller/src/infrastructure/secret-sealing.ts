import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { SealedSecretData } from './secret-sealer.port';

/**
 * The AES-256-GCM steps both sealers share (kube-apiserver's `aesgcm`
 * encryption provider does the same: a 12-byte random nonce, the 16-byte tag
 * after the ciphertext). Keys are 32 bytes; nonces come from the caller so
 * these functions stay deterministic and testable.
 */
export const KEY_BYTES = 32;
export const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** The associated data a Secret's ciphertext is bound to: its key id, so a ciphertext moved to another Secret does not open. */
const secretAad = (keyId: string) => Buffer.from(`daemonledger/secret-data/v1\0${keyId}`, 'utf8');

export const gcmEncrypt = (key: Buffer, nonce: Buffer, plaintext: Buffer, aad: Buffer): Buffer => {
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
};

/** The plaintext, or undefined when the tag does not verify (wrong key, wrong associated data, tampered bytes). */
export const gcmDecrypt = (key: Buffer, nonce: Buffer, sealed: Buffer, aad: Buffer): Buffer | undefined => {
  if (nonce.length !== NONCE_BYTES || sealed.length < TAG_BYTES) return undefined;
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
};

export const sealWith = (key: Buffer, nonce: Buffer, keyId: string, data: Record<string, string>): SealedSecretData => ({
  keyId,
  alg: 'AES-256-GCM',
  nonce: nonce.toString('base64'),
  ciphertext: gcmEncrypt(key, nonce, Buffer.from(JSON.stringify(data), 'utf8'), secretAad(keyId)).toString('base64'),
});

export class SealedDataError extends Error {}

/**
 * Opens sealed data with its data key. A tag that does not verify is not a
 * shredded key but damage (tampered bytes, a ciphertext moved between
 * Secrets): that throws, loudly, rather than reading as "no data".
 */
export const openWith = (key: Buffer, sealed: SealedSecretData): Record<string, string> => {
  if (sealed.alg !== 'AES-256-GCM') throw new SealedDataError(`sealed data of key ${sealed.keyId}: unknown algorithm ${String(sealed.alg)}`);
  const plain = gcmDecrypt(key, Buffer.from(sealed.nonce, 'base64'), Buffer.from(sealed.ciphertext, 'base64'), secretAad(sealed.keyId));
  if (!plain) throw new SealedDataError(`sealed data of key ${sealed.keyId} failed authentication: tampered, or not sealed under this key id`);
  const data = JSON.parse(plain.toString('utf8')) as unknown;
  if (!data || typeof data !== 'object' || Array.isArray(data) || Object.values(data).some((v) => typeof v !== 'string')) {
    throw new SealedDataError(`sealed data of key ${sealed.keyId} is not a map of strings`);
  }
  return data as Record<string, string>;
};
