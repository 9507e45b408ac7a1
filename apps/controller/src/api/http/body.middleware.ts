import type { NextFunction, Response } from './express-types';
import { badRequestError, requestEntityTooLargeError } from '@daemonledger/domain';
import { type ApiRequest, sendError } from './respond';
import { decodeObject, PROTOBUF_CONTENT_TYPE, ProtobufDecodeError } from '../wire/protobuf';
import { jsonDepth, MAX_NESTING_DEPTH, yamlDepth } from '../wire/nesting';

/** kube-apiserver's limit on a request body (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;
/** How much of a refused body is read and dropped before the connection is cut. */
const DRAIN_BYTES = 32 * 1024 * 1024;

const tooDeep = () => badRequestError(`the request body is nested too deeply: exceeded max depth of ${MAX_NESTING_DEPTH}`);

/**
 * The body as the handlers read it. A protobuf object (`k8s\0` envelope,
 * any verb but PATCH, whose types are all JSON or YAML) becomes the JSON
 * text of the same object, so every handler reads one format; its
 * Content-Type is then JSON. Bodies nested deeper than MAX_NESTING_DEPTH
 * (see wire/nesting.ts) are refused here, before any recursive code sees them.
 */
export const readBody = (req: ApiRequest, bytes: Buffer): void => {
  req.rawBytes = bytes;
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType === PROTOBUF_CONTENT_TYPE && req.method !== 'PATCH' && bytes.length > 0) {
    let object: Record<string, unknown>;
    try {
      object = decodeObject(bytes, MAX_NESTING_DEPTH);
    } catch (e) {
      if (e instanceof ProtobufDecodeError) throw badRequestError(`the protobuf request body could not be decoded: ${e.message}`);
      throw e;
    }
    req.rawBody = JSON.stringify(object);
    req.headers['content-type'] = 'application/json';
    return;
  }
  req.rawBody = bytes.toString('utf8');
  if ((mediaType.includes('yaml') ? yamlDepth(req.rawBody) : jsonDepth(req.rawBody)) > MAX_NESTING_DEPTH) throw tooDeep();
};

/**
 * Reads every request body whatever its media type (JSON, the four patch
 * types, YAML as UTF-8 text; protobuf as the JSON of its object, see
 * readBody): each handler decodes it itself, so a malformed body gets
 * upstream's 400 text and PATCH sees the exact bytes.
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
    try {
      readBody(req, Buffer.concat(chunks));
    } catch (e) {
      return sendError(res, e);
    }
    next();
  });
  req.on('error', (e) => {
    if (done) return;
    done = true;
    next(e);
  });
};
