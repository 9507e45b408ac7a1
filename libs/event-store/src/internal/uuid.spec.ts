import { bytesToUuid, timeOrderedUuid, uuidToBytes } from './uuid';
import { EVENT_ID } from './validation';

describe('timeOrderedUuid (UUIDv7)', () => {
  it('is a version-7, RFC variant uuid carrying the current time', () => {
    const before = Date.now();
    const id = timeOrderedUuid();
    expect(id).toMatch(EVENT_ID);
    expect(id[14]).toBe('7');
    expect('89ab').toContain(id[19]);
    const ms = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now() + 1);
  });

  it('only grows, as text and as bytes, even for thousands of ids in one millisecond', () => {
    const ids = Array.from({ length: 20_000 }, () => timeOrderedUuid());
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) {
      expect(ids[i] > ids[i - 1]).toBe(true);
      if (i % 997 === 0) expect(Buffer.compare(uuidToBytes(ids[i]), uuidToBytes(ids[i - 1]))).toBe(1);
    }
  });

  it('round-trips through its 16 bytes', () => {
    const id = timeOrderedUuid();
    expect(uuidToBytes(id)).toHaveLength(16);
    expect(bytesToUuid(uuidToBytes(id))).toBe(id);
    expect(bytesToUuid(uuidToBytes('00000000-0000-4000-8000-00000000000f'))).toBe('00000000-0000-4000-8000-00000000000f');
  });
});
