import type { SealedSecretData, SecretSealer } from './secret-sealer.port';

const DATA = { username: Buffer.from('admin').toString('base64'), password: Buffer.from('s3cr3t!').toString('base64') };
const UID_A = '3f0e8a52-1d1e-4a6e-9d7a-000000000001';
const UID_B = '3f0e8a52-1d1e-4a6e-9d7a-000000000002';

const flipByte = (b64: string, at: number) => {
  const bytes = Buffer.from(b64, 'base64');
  bytes[at < 0 ? bytes.length + at : at] ^= 0x01;
  return bytes.toString('base64');
};

/** What every SecretSealer does; `make` returns a fresh sealer with no keys. */
export const secretSealerContract = (make: () => SecretSealer) => {
  it('opens what it sealed, and the ciphertext does not carry the values in the clear', () => {
    const sealer = make();
    const sealed = sealer.seal(UID_A, DATA);
    expect(sealed).toMatchObject({ keyId: UID_A, alg: 'AES-256-GCM' });
    expect(Buffer.from(sealed.nonce, 'base64')).toHaveLength(12);
    expect(Buffer.from(sealed.ciphertext, 'base64').length).toBe(JSON.stringify(DATA).length + 16);
    expect(JSON.stringify(sealed)).not.toContain(DATA.password);
    expect(Buffer.from(sealed.ciphertext, 'base64').toString('latin1')).not.toContain('s3cr3t');
    expect(sealer.open(sealed)).toEqual(DATA);
  });

  it('uses a fresh nonce per seal and one key per Secret (an update under the same uid still opens)', () => {
    const sealer = make();
    const first = sealer.seal(UID_A, DATA);
    const second = sealer.seal(UID_A, { other: 'eA==' });
    expect(second.nonce).not.toBe(first.nonce);
    expect(sealer.open(first)).toEqual(DATA);
    expect(sealer.open(second)).toEqual({ other: 'eA==' });
    expect(sealer.open({ ...sealer.seal(UID_B, {}) })).toEqual({});
  });

  it('after shred, the data does not open any more; other Secrets are untouched', () => {
    const sealer = make();
    const a = sealer.seal(UID_A, DATA);
    const b = sealer.seal(UID_B, DATA);
    sealer.shred(UID_A);
    expect(sealer.open(a)).toBeUndefined();
    expect(sealer.open(b)).toEqual(DATA);
    sealer.shred(UID_A); // shredding twice is harmless
  });

  it('sealing under a shredded id makes a new key: the old ciphertext stays unreadable', () => {
    const sealer = make();
    const old = sealer.seal(UID_A, DATA);
    sealer.shred(UID_A);
    const renewed = sealer.seal(UID_A, { x: 'eQ==' });
    expect(sealer.open(renewed)).toEqual({ x: 'eQ==' });
    expect(() => sealer.open(old)).toThrow(/failed authentication/);
  });

  it('shredAllExcept spares the keys it made since it was opened (a create may be in flight with one)', () => {
    const sealer = make();
    const a = sealer.seal(UID_A, DATA);
    const b = sealer.seal(UID_B, DATA);
    expect(sealer.shredAllExcept(new Set([UID_A]))).toBe(0);
    expect(sealer.open(a)).toEqual(DATA);
    expect(sealer.open(b)).toEqual(DATA);
  });

  it('a key id it never had opens to undefined', () => {
    const sealer = make();
    const sealed = sealer.seal(UID_A, DATA);
    expect(sealer.open({ ...sealed, keyId: 'no-such-uid' })).toBeUndefined();
  });

  it.each<[string, (s: SealedSecretData) => SealedSecretData]>([
    ['a flipped ciphertext byte', (s) => ({ ...s, ciphertext: flipByte(s.ciphertext, 3) })],
    ['a flipped tag byte', (s) => ({ ...s, ciphertext: flipByte(s.ciphertext, -1) })],
    ['a flipped nonce byte', (s) => ({ ...s, nonce: flipByte(s.nonce, 0) })],
    ['a truncated ciphertext', (s) => ({ ...s, ciphertext: Buffer.from(s.ciphertext, 'base64').subarray(0, 10).toString('base64') })],
    ['the ciphertext of another Secret (key id bound as associated data)', (s) => ({ ...s, keyId: UID_B })],
  ])('refuses %s loudly', (_name, damage) => {
    const sealer = make();
    sealer.seal(UID_B, {});
    const sealed = sealer.seal(UID_A, DATA);
    expect(() => sealer.open(damage(sealed))).toThrow(/failed authentication/);
  });

  it('refuses an unknown algorithm', () => {
    const sealer = make();
    const sealed = sealer.seal(UID_A, DATA);
    expect(() => sealer.open({ ...sealed, alg: 'ROT13' as 'AES-256-GCM' })).toThrow(/unknown algorithm/);
  });
};
