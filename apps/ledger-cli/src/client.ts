import { request } from 'node:https';
import type { Connection } from './kubeconfig';

export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

/** An answer other than 2xx, worded as kubectl words it: `Error from server (NotFound): …`. */
export class ServerError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(`Error from server (${reason}): ${message}`);
  }
}

/** Requests to the API server over TLS, trusting the kubeconfig's CA, with its bearer token or client certificate. */
export class ApiClient {
  constructor(
    readonly conn: Connection,
    private readonly timeoutMs = 600_000,
  ) {}

  get<T = any>(path: string, query: Record<string, string | undefined> = {}, accept = 'application/json'): Promise<T> {
    return this.send<T>('GET', path, query, accept);
  }

  /** A JSON merge patch (RFC 7386), as `kubectl patch --type=merge` sends it. */
  mergePatch<T = any>(path: string, patch: unknown): Promise<T> {
    return this.send<T>('PATCH', path, {}, 'application/json', { type: 'application/merge-patch+json', body: JSON.stringify(patch) });
  }

  private send<T>(method: string, path: string, query: Record<string, string | undefined>, accept: string, content?: { type: string; body: string }): Promise<T> {
    const qs = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined)).toString();
    const url = new URL(`${this.conn.server}${path}${qs ? `?${qs}` : ''}`);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          ca: this.conn.ca,
          cert: this.conn.cert,
          key: this.conn.key,
          rejectUnauthorized: !this.conn.insecure,
          headers: {
            Accept: accept,
            'User-Agent': 'kubectl-ledger',
            ...(this.conn.token ? { Authorization: `Bearer ${this.conn.token}` } : {}),
            ...(content ? { 'Content-Type': content.type, 'Content-Length': Buffer.byteLength(content.body) } : {}),
          },
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: any;
            try {
              body = JSON.parse(text);
            } catch {
              body = undefined;
            }
            const code = res.statusCode ?? 0;
            if (code >= 200 && code < 300 && body !== undefined) return resolve(body as T);
            if (body?.kind === 'Status') return reject(new ServerError(code, body.reason || 'Unknown', body.message ?? text));
            reject(new ServerError(code, code === 404 ? 'NotFound' : 'Unknown', text.trim() || `HTTP ${code}`));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer in ${this.timeoutMs / 1000} s`)));
      req.on('error', (e) => reject(new Error(`Unable to connect to the server: ${e.message}`)));
      req.end(content?.body);
    });
  }
}
