import { logTimestamp } from './pod-subresources.controller';

describe('kubectl logs --timestamps: RFC 3339 with nine fraction digits, as the kubelet writes them (RFC3339NanoFixed)', () => {
  it.each([
    ['a whole second', '2026-12-03T08:49:37Z', '2026-12-03T08:49:37.000000000Z'],
    ['milliseconds', '2026-12-03T08:49:37.123Z', '2026-12-03T08:49:37.123000000Z'],
    ['nanoseconds kept', '2026-12-03T08:49:37.123456789Z', '2026-12-03T08:49:37.123456789Z'],
    ['UTC as Z', '2026-12-03T08:49:37+00:00', '2026-12-03T08:49:37.000000000Z'],
  ])('%s', (_n, at, text) => expect(logTimestamp(at)).toBe(text));
});
