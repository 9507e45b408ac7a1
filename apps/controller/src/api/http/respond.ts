import type { Request, Response } from './express-types';
import { toStatus } from '@daemonledger/domain';
import { wireJson } from './wire-json';
import { encodeObject, PROTOBUF_CONTENT_TYPE } from '../wire/protobuf';
import { prefersProtobuf } from './negotiate';

/** Who made a request (set by the auth middleware). */
export interface ApiUser {
  name: string;
  /** admin: every verb; viewer: get, list, watch. */
  role: 'admin' | 'viewer';
}

/** An express request after the API's middleware: the raw body text and the authenticated user. */
export interface ApiRequest extends Request {
  rawBody?: string;
  /** The body's bytes as received (a protobuf body's rawBody is the JSON of its object). */
  rawBytes?: Buffer;
  user?: ApiUser;
}

/**
 * An object answer: protobuf when the request's Accept puts protobuf first
 * and the kind has a protobuf form (upstream's schema), else JSON. Tables
 * and kinds without a schema are JSON. Writes through Node's own API:
 * express would append `; charset=utf-8` and reorder the media type's parameters.
 */
export const sendJson = (res: Response, code: number, body: unknown, contentType = 'application/json'): void => {
  if (contentType === 'application/json' && (body as { kind?: unknown } | null)?.kind !== 'Table' && prefersProtobuf(res.req?.headers.accept)) {
    const bytes = encodeObject(body);
    if (bytes) return sendText(res, code, PROTOBUF_CONTENT_TYPE, bytes, { 'Cache-Control': 'no-cache, private' });
  }
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

/**
 * One `Warning` header value: `299 - "unknown field \"spec.foo\""`. A header
 * carries visible ASCII only (RFC 9110 field values; Node refuses the rest),
 * and warnings quote client text, so every other character is written as a
 * `\uXXXX` escape rather than failing the response.
 */
export const warningHeader = (text: string): string =>
  `299 - ${JSON.stringify(text).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}`;

/** kubectl prints each as `Warning: <text>`. */
export const addWarnings = (res: Response, warnings: readonly string[]): void => {
  if (warnings.length) res.append('Warning', warnings.map(warningHeader));
};
