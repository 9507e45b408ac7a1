import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NextFunction, Request, Response } from './http/express-types';

/** The page's files and their media types: nothing else under /ledger/ is served from disk. */
const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'scale.js': 'text/javascript; charset=utf-8',
  'timeline.js': 'text/javascript; charset=utf-8',
  'cluster-at.js': 'text/javascript; charset=utf-8',
  'render.js': 'text/javascript; charset=utf-8',
};

/**
 * The page only talks to its own origin and runs only its own scripts: a
 * token in its session storage is reachable by nothing injected.
 */
const HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

/**
 * Where the page's sources are: beside this file when run from the sources
 * (jest, ts), or in the repository's apps/ when run from dist/ (the build
 * transpiles .ts only, and these files need no build).
 */
export const ledgerUiDir = (): string => {
  const candidates = [join(__dirname, '../ledger-ui'), join(__dirname, '../../../../../apps/controller/src/ledger-ui')];
  const dir = candidates.find((d) => existsSync(join(d, 'index.html')));
  if (!dir) throw new Error(`the ledger page's files are missing (looked in ${candidates.join(', ')})`);
  return dir;
};

/**
 * Serves the timeline page at /ledger/ without a token: its files hold no
 * data, and a browser cannot send a bearer token when it loads a page.
 * Every data request the page makes carries the token; any other path
 * (the API, /ledger/v1/…) goes on to the auth middleware.
 */
export const ledgerPageMiddleware = (dir = ledgerUiDir()) => {
  const bodies = new Map(Object.keys(FILES).map((f) => [f, readFileSync(join(dir, f))]));
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path === '/ledger') {
      // Relative URLs in the page resolve against /ledger/; the fragment survives a redirect.
      res.statusCode = 301;
      res.setHeader('Location', '/ledger/');
      res.end();
      return;
    }
    const m = /^\/ledger\/([a-z-]*\.?[a-z]*)$/.exec(req.path);
    const file = m && (m[1] === '' ? 'index.html' : m[1]);
    const body = file ? bodies.get(file) : undefined;
    if (!file || !body) return next();
    res.statusCode = 200;
    for (const [k, v] of Object.entries(HEADERS)) res.setHeader(k, v);
    res.setHeader('Content-Type', FILES[file]);
    res.setHeader('Content-Length', body.length);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
};
