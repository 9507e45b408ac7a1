import { CONTENT_TYPE_HEADER, SCHEMA_HEADER, decode, encode } from './wire';

describe('Kafka wire format', () => {
  it('round-trips a value, its key and the caller’s headers; the transport’s headers stay inside', () => {
    const w = encode('node-1', { kind: 'RunPod', n: 1 }, { trace: 'abc' });
    expect(w.headers).toEqual({ trace: 'abc', [SCHEMA_HEADER]: '1', [CONTENT_TYPE_HEADER]: 'application/json' });
    expect(decode(Buffer.from(w.key), Buffer.from(w.value), w.headers)).toEqual({
      ok: true,
      key: 'node-1',
      value: { kind: 'RunPod', n: 1 },
      headers: { trace: 'abc' },
    });
    const bare = encode('k', [1]);
    expect(decode('k', bare.value, bare.headers)).toEqual({ ok: true, key: 'k', value: [1] });
  });

  it.each([
    ['no schema header', { 'content-type': 'application/json' }, '{}', /no daemonledger-schema-version/],
    ['a newer schema', { [SCHEMA_HEADER]: '2' }, '{}', /unsupported daemonledger-schema-version 2/],
    ['a value that is not JSON', { [SCHEMA_HEADER]: '1' }, '{nope', /not JSON/],
    ['a tombstone', { [SCHEMA_HEADER]: '1' }, null, /tombstone/],
  ])('refuses %s, saying why', (_, headers, value, why) => {
    const read = decode('k', value === null ? null : Buffer.from(value), headers);
    expect(read.ok).toBe(false);
    expect(!read.ok && read.error).toMatch(why);
  });

  it('refuses a caller header the transport reserves, and a value that is not JSON', () => {
    expect(() => encode('k', 1, { [SCHEMA_HEADER]: '9' })).toThrow(/reserved/);
    expect(() => encode('k', undefined)).toThrow(/JSON/);
  });
});
