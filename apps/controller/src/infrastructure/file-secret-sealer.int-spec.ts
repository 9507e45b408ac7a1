import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSecretSealer, SECRET_KEYS_DIR } from './file-secret-sealer';
import { secretSealerContract } from './secret-sealer.contract';

const dirs: string[] = [];
const freshDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'sealer-'));
  dirs.push(d);
  return join(d, SECRET_KEYS_DIR);
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const DATA = { token: Buffer.from('hunter2').toString('base64') };
const UID = '7d1b9c9e-0000-4000-8000-00000000abcd';

/** `dir` and everything under it, each with its permission bits (octal) and whether it is a folder. */
const modes = (dir: string) =>
  ['.', ...readdirSync(dir, { recursive: true, encoding: 'utf8' })].map((path) => {
    const st = statSync(join(dir, path));
    return { path, dir: st.isDirectory(), mode: (st.mode & 0o777).toString(8) };
  });

describe('FileSecretSealer (real files)', () => {
  secretSealerContract(() => new FileSecretSealer(freshDir()));

  it('opens after a restart, reading the key files fresh', () => {
    const dir = freshDir();
    const sealed = new FileSecretSealer(dir).seal(UID, DATA);
    expect(new FileSecretSealer(dir).open(sealed)).toEqual(DATA);
  });

  it('a shred survives a restart: no file under the folder opens the old ciphertext', () => {
    const dir = freshDir();
    const first = new FileSecretSealer(dir);
    const sealed = first.seal(UID, DATA);
    const other = first.seal('another-uid', DATA);
    first.shred(UID);
    const restarted = new FileSecretSealer(dir);
    expect(restarted.open(sealed)).toBeUndefined();
    expect(restarted.open(other)).toEqual(DATA);
    expect(readdirSync(join(dir, 'data-keys'))).toHaveLength(1);
  });

  describe('shredAllExcept after a restart (the start-up sweep)', () => {
    it('destroys the keys a previous run held without a live Secret, keeps the others, and the shred survives another restart', () => {
      const dir = freshDir();
      const before = new FileSecretSealer(dir);
      const gone = before.seal(UID, DATA);
      const live = before.seal('live-uid', DATA);
      const restarted = new FileSecretSealer(dir);
      expect(restarted.open(gone)).toEqual(DATA); // cached now: the sweep must drop the cached key too
      expect(restarted.shredAllExcept(new Set(['live-uid', 'not-held-uid']))).toBe(1);
      expect(restarted.open(gone)).toBeUndefined();
      expect(restarted.open(live)).toEqual(DATA);
      const again = new FileSecretSealer(dir);
      expect(again.open(gone)).toBeUndefined();
      expect(again.open(live)).toEqual(DATA);
      expect(readdirSync(join(dir, 'data-keys'))).toHaveLength(1);
      expect(again.shredAllExcept(new Set(['live-uid']))).toBe(0);
    });

    it('spares a key made after the restart, whether or not it is kept, and files that are not keys', () => {
      const dir = freshDir();
      new FileSecretSealer(dir).seal(UID, DATA);
      const restarted = new FileSecretSealer(dir);
      const inFlight = restarted.seal('in-flight-uid', DATA);
      writeFileSync(join(dir, 'data-keys', 'README'), 'not a key');
      expect(restarted.shredAllExcept(new Set())).toBe(1);
      expect(restarted.open(inFlight)).toEqual(DATA);
      const left = readdirSync(join(dir, 'data-keys'));
      expect(left).toHaveLength(2);
      expect(left).toEqual(expect.arrayContaining(['README', expect.stringMatching(/^[0-9a-f]{64}$/)]));
    });
  });

  it('keeps folders 0700 and every file 0600, whatever the umask', () => {
    const dir = freshDir();
    const old = process.umask(0o022);
    try {
      const sealer = new FileSecretSealer(dir);
      sealer.seal(UID, DATA);
      sealer.seal('b', DATA);
    } finally {
      process.umask(old);
    }
    const seen = modes(dir);
    expect(seen.length).toBeGreaterThanOrEqual(5); // dir, kek, data-keys, two keys
    for (const entry of seen) expect(entry).toEqual({ ...entry, mode: entry.dir ? '700' : '600' });
  });

  it('stores no data key in the clear: the wrapped key file is not the key, and a foreign KEK cannot unwrap it', () => {
    const dir = freshDir();
    const sealed = new FileSecretSealer(dir).seal(UID, DATA);
    const [keyFile] = readdirSync(join(dir, 'data-keys'));
    expect(keyFile).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(join(dir, 'data-keys', keyFile))).toHaveLength(4 + 12 + 32 + 16);
    writeFileSync(join(dir, 'kek'), Buffer.alloc(32, 7));
    expect(() => new FileSecretSealer(dir).open(sealed)).toThrow(/does not unwrap/);
  });

  it('refuses to start with wrapped keys but no key-encryption key, instead of making a new one', () => {
    const dir = freshDir();
    new FileSecretSealer(dir).seal(UID, DATA);
    unlinkSync(join(dir, 'kek'));
    expect(() => new FileSecretSealer(dir)).toThrow(/kek is missing but 1 wrapped data keys exist/);
  });

  it('removes temp files a crash left behind', () => {
    const dir = freshDir();
    new FileSecretSealer(dir).seal(UID, DATA);
    writeFileSync(join(dir, 'data-keys', 'abc.tmp-1-dead'), 'half');
    new FileSecretSealer(dir);
    expect(readdirSync(join(dir, 'data-keys')).some((n) => n.includes('.tmp-'))).toBe(false);
  });
});
