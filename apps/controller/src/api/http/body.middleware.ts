import type { NextFunction, Response } from './express-types';
import { requestEntityTooLargeError } from '@daemonledger/domain';
import { type ApiRequest, sendError } from './respond';

/** kube-apiserver's limit on a request body (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;
/** How much of a refused body is read and dropped before the connection is cut. */
const DRAIN_BYTES = 32 * 1024 * 1024;

/**
 * Reads every request body as raw UTF-8 text, whatever its media type
 * (JSON, the four patch types, YAML): each handler decodes it itself, so a
 * malformed body gets upstream's 400 text and PATCH sees the exact bytes.
 * Over the limit → 413 Status, and the rest of the body is not read.
 */
export const bodyMiddleware = (limit = MAX_BODY_BYTES) => (req: ApiRequest, res: Response, next: NextFunction): void => {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
  const declared = Number(req.headers['content-length'] ?? 0);
  const tooLarge = () => {
    sendError(res, requestEntityTooLargeError(`limit is ${limit}`));
    // Read and drop the rest (so the client sees the answer, not a reset), up to a bound.
    let dropped = 0;
    req.on('data', (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > DRAIN_BYTES) req.destroy();
    });
    req.resume();
  };
  if (declared > limit) return tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  req.on('data', (chunk: Buffer) => {
    if (done) return;
    size += chunk.length;
    if (size > limit) {
      done = true;
      return tooLarge();
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (done) return;
    done = true;
    req.rawBytes = Buffer.concat(chunks);
    req.rawBody = req.rawBytes.toString('utf8');
    next();
  });
  req.on('error', (e) => {
    if (done) return;
    done = true;
    next(e);
  });
};
