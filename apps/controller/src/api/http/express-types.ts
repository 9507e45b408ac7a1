import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The parts of express' request and response the API uses (the project does
 * not depend on @types/express; Nest's platform-express hands us these objects).
 */
export interface Request extends IncomingMessage {
  path: string;
  query: Record<string, unknown>;
  params: Record<string, string>;
  hostname: string;
}

export interface Response extends ServerResponse {
  status(code: number): this;
  set(field: string, value: string | string[]): this;
  set(fields: Record<string, string>): this;
  send(body?: string): this;
  append(field: string, value: string | string[]): this;
}

export type NextFunction = (error?: unknown) => void;
