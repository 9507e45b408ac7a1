import type { Request, Response } from './express-types';
import { toStatus } from '@daemonledger/domain';
import { wireJson } from './wire-json';

/** Who made a request (set by the auth middleware). */
export interface ApiUser {
  name: string;
  /** admin: every verb; viewer: get, list, watch. */
  role: 'admin' | 'viewer';
}

/** An express request after the API's middleware: the raw body text and the authenticated user. */
export interface ApiRequest extends Request {
  rawBody?: string;
  /** The body's bytes, for the few binary (protobuf) bodies clients send. */
  rawBytes?: Buffer;
  user?: ApiUser;
}

/** Writes through Node's own API: express would append `; charset=utf-8` and reorder the media type's parameters. */
export const sendJson = (res: Response, code: number, body: unknown, contentType = 'application/json'): void => {
  const text = wireJson(body);
  res.statusCode = code;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Cache-Control', 'no-cache, private');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
};

/** A text body (a Buffer: bytes encoded once, e.g. a cached list) with exactly this Content-Type (headers may add more, e.g. OpenAPI's cache headers). */
export const sendText = (res: Response, code: number, contentType: string | undefined, body: string | Buffer | readonly Buffer[], headers: Record<string, string> = {}): void => {
  res.statusCode = code;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (contentType) res.setHeader('Content-Type', contentType);
  if (Array.isArray(body)) {
    // Chunks (a list spliced from stored bytes): one corked write, no copy into one buffer here.
    res.setHeader('Content-Length', body.reduce((n: number, b: Buffer) => n + b.length, 0));
    res.cork();
    for (const chunk of body as Buffer[]) res.write(chunk);
    res.end();
    res.uncork();
    return;
  }
  const one = body as string | Buffer;
  res.setHeader('Content-Length', typeof one === 'string' ? Buffer.byteLength(one) : one.length);
  res.end(one);
};

/** Any error as a meta/v1 Status with its HTTP code (kubectl-wire §6). */
export const sendError = (res: Response, error: unknown): void => {
  const status = toStatus(error);
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, status.code, status);
};

/** `Warning: 299 - "unknown field \"spec.foo\""`: kubectl prints each as `Warning: <text>`. */
export const addWarnings = (res: Response, warnings: readonly string[]): void => {
  if (warnings.length) res.append('Warning', warnings.map((w) => `299 - ${JSON.stringify(w)}`));
};
