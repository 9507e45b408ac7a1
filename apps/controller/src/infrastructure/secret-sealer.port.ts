/**
 * Secrets in an append-only log: a Secret's `data` never reaches the log in
 * the clear. The write path seals it under a data key of the Secret's own
 * (its uid is the key id) before the event is appended; reads open it. When
 * the Secret is deleted its data key is destroyed (crypto-shredding), so the
 * log keeps the fact and the metadata of the deleted Secret while its data can
 * no longer be read, by time travel or by anyone holding the file.
 *
 * Key material never enters the log: it lives beside it under DATA_DIR,
 * readable by the server's user only.
 */

/** The sealed form of a Secret's `data`, as events carry it (all fields base64 where binary). */
export interface SealedSecretData {
  /** The data key's id: the Secret's uid. */
  keyId: string;
  alg: 'AES-256-GCM';
  /** 12-byte nonce, base64. */
  nonce: string;
  /** Ciphertext followed by the 16-byte GCM tag, base64. */
  ciphertext: string;
}

export interface SecretSealer {
  /**
   * Encrypts a Secret's `data` (values base64, as the API carries them) under
   * the data key `keyId`, creating and durably storing the key first when it
   * does not exist. The key id is bound into the ciphertext (associated data).
   */
  seal(keyId: string, data: Record<string, string>): SealedSecretData;
  /** The data back, or undefined when its key was destroyed (or never existed here). */
  open(sealed: SealedSecretData): Record<string, string> | undefined;
  /** Destroys the data key durably; sealing under the same id afterwards makes a new key. */
  shred(keyId: string): void;
  /**
   * Destroys durably every data key held here whose id is not in `keep`,
   * sparing those this sealer made since it was opened (a Secret's create
   * may be on its way to the log with one). Start-up calls it with the keys
   * of the Secrets alive in the caught-up log, before the API serves: a key
   * whose Secret's deletion was appended but not shredded when the process
   * died goes then, and so does one made for a create that never got
   * appended. Returns how many keys it destroyed.
   */
  shredAllExcept(keep: ReadonlySet<string>): number;
}

/** Nest injection token for the SecretSealer. */
export const SECRET_SEALER = Symbol('SecretSealer');
