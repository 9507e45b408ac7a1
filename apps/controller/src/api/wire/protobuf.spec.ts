import { bytesOf, readMessage, stringOf, unwrapEnvelope } from './protobuf';

const field = (n: number, s: string | Buffer) => {
  const b = Buffer.isBuffer(s) ? s : Buffer.from(s);
  return Buffer.concat([Buffer.from([(n << 3) | 2, b.length]), b]);
};

describe('Kubernetes protobuf bodies', () => {
  it('unwraps the k8s envelope and reads nested fields (a SelfSubjectAccessReview)', () => {
    const attrs = Buffer.concat([field(1, 'default'), field(2, 'delete'), field(3, 'apps'), field(5, 'daemonsets')]);
    const review = Buffer.concat([field(1, Buffer.alloc(0)), field(2, field(1, attrs))]);
    const typeMeta = Buffer.concat([field(1, 'authorization.k8s.io/v1'), field(2, 'SelfSubjectAccessReview')]);
    const body = Buffer.concat([Buffer.from('k8s\0', 'latin1'), field(1, typeMeta), field(2, review)]);
    const { kind, raw } = unwrapEnvelope(body);
    expect(kind).toBe('SelfSubjectAccessReview');
    const spec = readMessage(bytesOf(readMessage(raw), 2)!);
    const m = readMessage(bytesOf(spec, 1)!);
    expect([stringOf(m, 1), stringOf(m, 2), stringOf(m, 3), stringOf(m, 5), stringOf(m, 7)]).toEqual(['default', 'delete', 'apps', 'daemonsets', undefined]);
  });

  it('refuses what is not an envelope, and truncated fields', () => {
    expect(() => unwrapEnvelope(Buffer.from('{"kind":"x"}'))).toThrow(/not a Kubernetes protobuf envelope/);
    expect(() => readMessage(Buffer.from([0x0a, 0x05, 0x61]))).toThrow(/truncated field/);
    expect(readMessage(Buffer.from([0x08, 0x96, 0x01])).get(1)).toEqual([150]);
  });
});
