import type { Request, Response } from './http/express-types';
import { ledgerPageMiddleware } from './ledger-page.middleware';

/** Runs the middleware on one request: what it answered, or that it passed the request on. */
const serve = (method: string, path: string) => {
  const headers: Record<string, unknown> = {};
  const out = { passed: false, status: 0, headers, body: undefined as Buffer | undefined };
  const res = {
    set statusCode(c: number) {
      out.status = c;
    },
    setHeader: (k: string, v: unknown) => void (headers[k.toLowerCase()] = v),
    end: (b?: Buffer) => void (out.body = b),
  } as unknown as Response;
  ledgerPageMiddleware()({ method, path } as Request, res, () => void (out.passed = true));
  return out;
};

describe('the ledger page’s files', () => {
  it.each([
    ['/ledger/', 'text/html; charset=utf-8'],
    ['/ledger/index.html', 'text/html; charset=utf-8'],
    ['/ledger/app.js', 'text/javascript; charset=utf-8'],
    ['/ledger/style.css', 'text/css; charset=utf-8'],
  ])('serves %s as %s, with a policy that keeps scripts and requests to its own origin', (path, type) => {
    const r = serve('GET', path);
    expect([r.passed, r.status, r.headers['content-type']]).toEqual([false, 200, type]);
    expect(r.headers['content-security-policy']).toMatch(/script-src 'self'.*connect-src 'self'/);
    expect(r.body!.length).toBe(r.headers['content-length']);
  });

  it('redirects /ledger to /ledger/, where the page’s relative URLs resolve', () => {
    expect(serve('GET', '/ledger')).toMatchObject({ passed: false, status: 301, headers: { location: '/ledger/' } });
  });

  it('answers HEAD without a body', () => {
    const r = serve('HEAD', '/ledger/');
    expect([r.status, r.body]).toEqual([200, undefined]);
  });

  it.each(['/ledger/v1/verify', '/ledger/v1/position', '/ledger/tokens.json', '/ledger/timeline.spec.ts', '/ledger/../data/tokens.json', '/apis/apps/v1/daemonsets', '/ledgerx'])(
    'passes %s on to the API (and its token check)',
    (path) => expect(serve('GET', path).passed).toBe(true),
  );

  it('passes on every method but GET and HEAD', () => expect(serve('POST', '/ledger/').passed).toBe(true));
});
