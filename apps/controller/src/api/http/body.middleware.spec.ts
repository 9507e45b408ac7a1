import { isDomainError } from '@daemonledger/domain';
import { encodeObject } from '../wire/protobuf';
import { readBody } from './body.middleware';
import type { ApiRequest } from './respond';

const request = (method: string, contentType: string) => ({ method, headers: { 'content-type': contentType } }) as unknown as ApiRequest;
const refusal = (f: () => void): string => {
  try {
    f();
  } catch (e) {
    if (isDomainError(e, 'BadRequest')) return e.message;
    throw e;
  }
  throw new Error('not refused');
};

describe('reading a request body', () => {
  it('a protobuf object becomes the JSON of the same object, and says so in its Content-Type', () => {
    const req = request('POST', 'application/vnd.kubernetes.protobuf');
    readBody(req, encodeObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'logging', labels: { a: 'b' } } })!);
    expect(JSON.parse(req.rawBody!)).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'logging', labels: { a: 'b' } } });
    expect(req.headers['content-type']).toBe('application/json');
  });

  it('a PATCH keeps its bytes and type (the patch handler answers 415 for protobuf)', () => {
    const req = request('PATCH', 'application/vnd.kubernetes.protobuf');
    readBody(req, Buffer.from('k8s\u0000x', 'latin1'));
    expect(req.headers['content-type']).toBe('application/vnd.kubernetes.protobuf');
  });

  it('garbage protobuf is a 400 that says why', () => {
    expect(refusal(() => readBody(request('POST', 'application/vnd.kubernetes.protobuf'), Buffer.from('{}')))).toMatch(
      /^the protobuf request body could not be decoded: provided data does not appear to be a protobuf message/,
    );
  });

  it.each([
    ['application/json', `{"a":${'['.repeat(1000)}${']'.repeat(1000)}}`],
    ['application/merge-patch+json', `${'{"a":'.repeat(1001)}1${'}'.repeat(1001)}`],
    ['application/apply-patch+yaml', `a: ${'['.repeat(1001)}${']'.repeat(1001)}`],
  ])('%s nested past 1000 levels is a 400', (type, text) => {
    expect(refusal(() => readBody(request('PATCH', type), Buffer.from(text)))).toBe('the request body is nested too deeply: exceeded max depth of 1000');
  });

  it('1000 levels are read', () => {
    const req = request('POST', 'application/json');
    readBody(req, Buffer.from(`${'['.repeat(1000)}${']'.repeat(1000)}`));
    expect(req.rawBody).toHaveLength(2000);
  });
});
