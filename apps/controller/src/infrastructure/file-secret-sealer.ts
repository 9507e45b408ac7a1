import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { SealedSecretData, SecretSealer } from './secret-sealer.port';
import { gcmDecrypt, gcmEncrypt, KEY_BYTES, NONCE_BYTES, openWith, sealWith } from './secret-sealing';

/** The folder under DATA_DIR that holds the key-encryption key and the wrapped data keys. */
export const SECRET_KEYS_DIR = 'secret-keys';
const KEK_FILE = 'kek';
const DATA_KEYS_DIR = 'data-keys';
/** A wrapped data key on disk: magic, nonce, then the data key encrypted under the KEK with its tag. */
const MAGIC = Buffer.from('DLK1');
const WRAPPED_BYTES = MAGIC.length + NONCE_BYTES + KEY_BYTES + 16;

const wrapAad = (keyId: string) => Buffer.from(`daemonledger/data-key/v1\0${keyId}`, 'utf8');
/** File names never carry the key id itself (any string may be one): its SHA-256. */
const fileNameOf = (keyId: string) => createHash('sha256').update(keyId, 'utf8').digest('hex');
const KEY_FILE = /^[0-9a-f]{64}$/;

const fsyncDir = (dir: string) => {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
};

/** Writes a whole file or nothing: a private temp file, fsync, rename over the target, fsync the folder. */
const writeDurably = (file: string, dir: string, bytes: Buffer) => {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  fsyncDir(dir);
};

export class SecretKeyStoreError extends Error {}

/**
 * The SecretSealer of a running server: one 256-bit data key per Secret,
 * each kept in a file of its own under `<dir>/data-keys`, wrapped
 * (AES-256-GCM, the Secret's key id as associated data) by a key-encryption
 * key in `<dir>/kek`. Folders are 0700 and files 0600; every key is on disk
 * (fsynced, renamed into place, the folder fsynced) before `seal` returns,
 * so no sealed data reaches the log whose key could be lost in a crash.
 *
 * `shred` overwrites the wrapped key with zeros, fsyncs, unlinks and fsyncs
 * the folder: afterwards nothing under DATA_DIR opens that Secret's data.
 * `shredAllExcept` does the same to every key file a previous run left
 * without a live Secret (it never touches keys this instance made). (A
 * copy-on-write filesystem or an SSD may still hold the old blocks; they are
 * wrapped under the KEK, so keeping the KEK elsewhere, or replacing it,
 * closes that gap too.)
 */
export class FileSecretSealer implements SecretSealer {
  private readonly kek: Buffer;
  private readonly dataKeys: string;
  private readonly cache = new Map<string, Buffer>();
  /** Key files this instance made (a create may be in flight with one): never swept. */
  private readonly made = new Set<string>();

  constructor(private readonly dir: string) {
    this.dataKeys = join(dir, DATA_KEYS_DIR);
    for (const d of [dir, this.dataKeys]) {
      mkdirSync(d, { recursive: true, mode: 0o700 });
      chmodSync(d, 0o700);
    }
    for (const name of readdirSync(this.dataKeys)) if (name.includes('.tmp-')) unlinkSync(join(this.dataKeys, name));
    this.kek = this.loadOrCreateKek();
  }

  seal(keyId: string, data: Record<string, string>): SealedSecretData {
    return sealWith(this.dataKey(keyId) ?? this.createDataKey(keyId), randomBytes(NONCE_BYTES), keyId, data);
  }

  open(sealed: SealedSecretData): Record<string, string> | undefined {
    const key = this.dataKey(sealed.keyId);
    return key ? openWith(key, sealed) : undefined;
  }

  shred(keyId: string): void {
    this.cache.get(keyId)?.fill(0);
    this.cache.delete(keyId);
    this.made.delete(fileNameOf(keyId));
    if (this.destroy(fileNameOf(keyId))) fsyncDir(this.dataKeys);
  }

  shredAllExcept(keep: ReadonlySet<string>): number {
    const kept = new Set([...keep].map(fileNameOf));
    for (const [keyId, key] of this.cache) {
      const name = fileNameOf(keyId);
      if (kept.has(name) || this.made.has(name)) continue;
      key.fill(0);
      this.cache.delete(keyId);
    }
    let destroyed = 0;
    for (const name of readdirSync(this.dataKeys)) {
      if (!KEY_FILE.test(name) || kept.has(name) || this.made.has(name)) continue;
      if (this.destroy(name)) destroyed++;
    }
    if (destroyed) fsyncDir(this.dataKeys);
    return destroyed;
  }

  /** Overwrites one wrapped key with zeros, fsyncs and unlinks it (the caller fsyncs the folder); false when it was not there. */
  private destroy(name: string): boolean {
    const file = join(this.dataKeys, name);
    if (!existsSync(file)) return false;
    const fd = openSync(file, 'r+');
    try {
      writeSync(fd, Buffer.alloc(WRAPPED_BYTES), 0, WRAPPED_BYTES, 0);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    unlinkSync(file);
    return true;
  }

  private loadOrCreateKek(): Buffer {
    const file = join(this.dir, KEK_FILE);
    if (!existsSync(file)) {
      const orphans = readdirSync(this.dataKeys).length;
      if (orphans > 0) {
        throw new SecretKeyStoreError(`${file} is missing but ${orphans} wrapped data keys exist in ${this.dataKeys}: restore the key-encryption key (a new one would open none of them)`);
      }
      const kek = randomBytes(KEY_BYTES);
      writeDurably(file, this.dir, kek);
      return kek;
    }
    chmodSync(file, 0o600);
    const kek = readFileSync(file);
    if (kek.length !== KEY_BYTES) throw new SecretKeyStoreError(`${file} is not a key-encryption key (${kek.length} bytes, expected ${KEY_BYTES})`);
    return kek;
  }

  private dataKey(keyId: string): Buffer | undefined {
    const cached = this.cache.get(keyId);
    if (cached) return cached;
    const file = join(this.dataKeys, fileNameOf(keyId));
    if (!existsSync(file)) return undefined;
    const bytes = readFileSync(file);
    const key =
      bytes.length === WRAPPED_BYTES && bytes.subarray(0, MAGIC.length).equals(MAGIC)
        ? gcmDecrypt(this.kek, bytes.subarray(MAGIC.length, MAGIC.length + NONCE_BYTES), bytes.subarray(MAGIC.length + NONCE_BYTES), wrapAad(keyId))
        : undefined;
    if (!key) throw new SecretKeyStoreError(`data key ${keyId} (${file}) does not unwrap under ${join(this.dir, KEK_FILE)}: damaged, or written under another key-encryption key`);
    this.cache.set(keyId, key);
    return key;
  }

  private createDataKey(keyId: string): Buffer {
    const key = randomBytes(KEY_BYTES);
    const nonce = randomBytes(NONCE_BYTES);
    this.made.add(fileNameOf(keyId));
    writeDurably(join(this.dataKeys, fileNameOf(keyId)), this.dataKeys, Buffer.concat([MAGIC, nonce, gcmEncrypt(this.kek, nonce, key, wrapAad(keyId))]));
    this.cache.set(keyId, key);
    return key;
  }
}
