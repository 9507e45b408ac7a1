import { MemorySecretSealer } from './memory-secret-sealer';

describe('the in-memory SecretSealer', () => {
  const data = { password: Buffer.from('hunter2').toString('base64') };

  it('seals with AES-256-GCM under the key of the id and opens it back; the ciphertext does not hold the value', () => {
    const s = new MemorySecretSealer();
    const sealed = s.seal('uid-1', data);
    expect(sealed).toMatchObject({ keyId: 'uid-1', alg: 'AES-256-GCM' });
    expect(Buffer.from(sealed.nonce, 'base64')).toHaveLength(12);
    expect(Buffer.from(sealed.ciphertext, 'base64').toString('latin1')).not.toContain(data.password);
    expect(s.open(sealed)).toEqual(data);
    // A fresh nonce per seal, the same key.
    expect(s.seal('uid-1', data).nonce).not.toBe(sealed.nonce);
  });

  it('binds the key id into the ciphertext: a sealed value moved to another id does not open', () => {
    const s = new MemorySecretSealer();
    const sealed = s.seal('uid-1', data);
    s.seal('uid-2', {});
    expect(s.open({ ...sealed, keyId: 'uid-2' })).toBeUndefined();
  });

  it('after shred the data is gone for good; sealing under the id again makes a new key', () => {
    const s = new MemorySecretSealer();
    const sealed = s.seal('uid-1', data);
    s.shred('uid-1');
    expect(s.hasKey('uid-1')).toBe(false);
    expect(s.open(sealed)).toBeUndefined();
    s.seal('uid-1', {});
    expect(s.open(sealed)).toBeUndefined();
  });
});
