import { createHash } from 'node:crypto';
import { ChainHasher, chainHash, ZERO_HASH_HEX } from './hash-chain';

const fields = (data: string, metadata = '{"actor":"user:admin"}') => ({
  position: 42,
  streamId: 'pod-kube-system.fluentd-abc12',
  revision: 3,
  id: '0190f3c0-1c2d-7e3f-8a4b-5c6d7e8f9a0b',
  type: 'PodPhaseChanged',
  schemaVersion: 2,
  recordedAtMs: 1714564800123,
  data,
  metadata,
});

describe('the chain hash', () => {
  it('is SHA-256 over the documented line-feed-joined fields, the previous hash first', () => {
    const f = fields('{"phase":"Running"}');
    const text = `${ZERO_HASH_HEX}\n42\npod-kube-system.fluentd-abc12\n3\n0190f3c0-1c2d-7e3f-8a4b-5c6d7e8f9a0b\nPodPhaseChanged\n2\n1714564800123\n{"phase":"Running"}\n{"actor":"user:admin"}`;
    expect(chainHash(ZERO_HASH_HEX, f).toString('hex')).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
  });

  it.each([
    ['ASCII data', '{"phase":"Running"}'],
    ['non-ASCII data', '{"message":"waiting — ünïcödé ✓ 🚀"}'],
    ['data larger than the reusable buffer', JSON.stringify({ blob: 'é'.repeat(100_000) })],
  ])('gives the same bytes on the append path (%s)', (_, data) => {
    const hasher = new ChainHasher();
    const previous = 'ab'.repeat(32);
    const f = fields(data, '{"note":"naïve"}');
    const fast = hasher.hex(previous, f.position, f.streamId, f.revision, f.id, f.type, f.schemaVersion, f.recordedAtMs, f.data, f.metadata);
    expect(fast).toBe(chainHash(previous, f).toString('hex'));
    // The data's bytes, left for the row: exactly its UTF-8.
    expect(hasher.data.equals(Buffer.from(data, 'utf8'))).toBe(true);
    // Reused after a long write: no stale bytes leak into a shorter one.
    const short = fields('{}');
    expect(hasher.hex(previous, 1, short.streamId, 0, short.id, short.type, 1, 1, '{}', '{}')).toBe(
      chainHash(previous, { ...short, position: 1, revision: 0, schemaVersion: 1, recordedAtMs: 1, metadata: '{}' }).toString('hex'),
    );
  });
});
