import { Reconciler } from '../src/reconcile/reconciler.service';
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config';
import { startEmbedded, type Embedded } from '../src/embedded';

/**
 * The e2e harness: a whole DaemonLedger serving its Kubernetes API on a free
 * port (HTTPS, tokens and kubeconfigs in a fresh DATA_DIR), driven by the
 * real `/usr/bin/kubectl` and by raw HTTPS requests. One per test file; each
 * gets its own kubectl `--cache-dir`.
 */
export const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

export interface Run {
  stdout: string;
  stderr: string;
  code: number;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The body's bytes (binary answers: protobuf). */
  bytes: Buffer;
  json<T = Record<string, unknown>>(): T;
}

export interface RawRequest {
  method?: string;
  /** A Buffer is sent as it is (protobuf), an object as JSON. */
  body?: string | Buffer | object;
  contentType?: string;
  accept?: string;
  /** Bearer token; default the admin's, null for none. */
  token?: string | null;
  /** More request headers (If-None-Match, …). */
  headers?: Record<string, string>;
}

/** An open watch: events as they arrive. */
export interface OpenWatch {
  status: number;
  events: { type: string; object: Record<string, any> }[];
  /** Resolves when at least `n` events have arrived (or rejects after `timeoutMs`). */
  next(n: number, timeoutMs?: number): Promise<OpenWatch['events']>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export interface ApiHarness {
  embedded: Embedded;
  dir: string;
  url: string;
  kubeconfig: string;
  viewerKubeconfig: string;
  tokens: { admin: string; viewer: string };
  /** Runs kubectl with the admin kubeconfig (or `opts.kubeconfig`); never throws on a non-zero exit. */
  kubectl(args: string[], opts?: { kubeconfig?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<Run>;
  /** One HTTPS request to the API, trusting its self-signed certificate. */
  raw(path: string, req?: RawRequest): Promise<RawResponse>;
  /** Opens a watch (`path` carries `watch=true` or a /watch/ prefix); resolves once the response headers arrived. */
  watch(path: string, req?: RawRequest): Promise<OpenWatch>;
  /** The log's head position. */
  head(): Promise<number>;
  /** Polls until `predicate` holds. */
  until(predicate: () => boolean | Promise<boolean>, timeoutMs?: number, what?: string): Promise<void>;
  /** Writes an executable script into the data directory (an EDITOR for `kubectl edit`). */
  script(name: string, body: string): string;
  file(name: string, body: string): string;
  /** Stops the server, keeping DATA_DIR (start another harness on `dir` to restart). */
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

export const startApiHarness = async (opts: { nodes?: number; podStartMs?: number; podStopMs?: number; env?: Record<string, string>; dir?: string } = {}): Promise<ApiHarness> => {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'daemonledger-e2e-'));
  const cacheDir = join(dir, 'kube-cache');
  const config = loadConfig({
    DATA_DIR: dir,
    PORT: '0',
    HOST: '127.0.0.1',
    SIM_NODES: String(opts.nodes ?? 3),
    SIM_POD_START_MS: String(opts.podStartMs ?? 100),
    LOG_LEVEL: 'warn',
    PLANNER_CHECK: '1',
    ...opts.env,
  });
  const embedded = await startEmbedded({ config, serve: true, podStopMs: opts.podStopMs ?? 50, pullBackoffMs: 200 });
  const api = embedded.api!;

  const kubectl: ApiHarness['kubectl'] = (args, o = {}) =>
    new Promise((resolve) => {
      execFile(
        KUBECTL,
        [`--kubeconfig=${o.kubeconfig ?? api.kubeconfig}`, `--cache-dir=${cacheDir}`, ...args],
        { env: { ...process.env, KUBECONFIG: '', ...o.env }, timeout: o.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 1) : 0;
          resolve({ stdout: String(stdout), stderr: String(stderr), code });
        },
      );
    });

  const raw: ApiHarness['raw'] = (path, r = {}) =>
    new Promise((resolve, reject) => {
      const body = r.body === undefined ? undefined : typeof r.body === 'string' || Buffer.isBuffer(r.body) ? r.body : JSON.stringify(r.body);
      const token = r.token === undefined ? api.tokens.admin : r.token;
      const req = request(
        `${api.url}${path}`,
        {
          method: r.method ?? 'GET',
          ca: api.caCert,
          headers: {
            ...(token ? { Authorization: `Bearer ${token}` } : {}),
            ...(r.accept ? { Accept: r.accept } : {}),
            ...r.headers,
            ...(body !== undefined ? { 'Content-Type': r.contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(body) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const bytes = Buffer.concat(chunks);
            const text = bytes.toString('utf8');
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, bytes, json: () => JSON.parse(text) });
          });
        },
      );
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });

  const watch: ApiHarness['watch'] = (path, r = {}) =>
    new Promise((resolve, reject) => {
      const token = r.token === undefined ? api.tokens.admin : r.token;
      const req = request(`${api.url}${path}`, { ca: api.caCert, agent: false, headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(r.accept ? { Accept: r.accept } : {}) } }, (res) => {
        const events: OpenWatch['events'] = [];
        const waiters: (() => void)[] = [];
        let buffer = '';
        let endedResolve!: () => void;
        const ended = new Promise<void>((x) => (endedResolve = x));
        res.on('data', (c: Buffer) => {
          buffer += c.toString('utf8');
          let nl: number;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, nl);
            buffer = buffer.slice(nl + 1);
            if (line.trim()) events.push(JSON.parse(line));
          }
          waiters.splice(0).forEach((w) => w());
        });
        res.on('end', () => endedResolve());
        res.on('close', () => endedResolve());
        resolve({
          status: res.statusCode ?? 0,
          events,
          ended,
          next: (n, timeoutMs = 10_000) =>
            new Promise((ok, fail) => {
              const deadline = setTimeout(() => fail(new Error(`watch ${path}: ${events.length} of ${n} events in ${timeoutMs} ms: ${JSON.stringify(events.map((e) => e.type))}`)), timeoutMs);
              const check = () => {
                if (events.length >= n) {
                  clearTimeout(deadline);
                  ok(events);
                } else waiters.push(check);
              };
              check();
            }),
          close: () => req.destroy(),
        });
      });
      req.on('error', (e) => {
        if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(e);
      });
      req.end();
    });

  return {
    embedded,
    watch,
    dir,
    url: api.url,
    kubeconfig: api.kubeconfig,
    viewerKubeconfig: api.viewerKubeconfig,
    tokens: api.tokens,
    kubectl,
    raw,
    head: () => embedded.store.headPosition(),
    until: async (predicate, timeoutMs = 20_000, what = 'condition') => {
      const deadline = Date.now() + timeoutMs;
      while (!(await predicate())) {
        if (Date.now() > deadline) throw new Error(`${what} not reached in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    script: (name, body) => {
      const file = join(dir, name);
      writeFileSync(file, body);
      chmodSync(file, 0o755);
      return file;
    },
    file: (name, body) => {
      const file = join(dir, name);
      writeFileSync(file, body);
      return file;
    },
    stop: () => embedded.close(),
    dispose: async () => {
      await embedded.close();
      rmSync(dir, { recursive: true, force: true });
      // PLANNER_CHECK is on: a sync whose incremental plan differed from the full one fails the spec.
      const mismatch = embedded.app.get(Reconciler).plannerMismatch;
      if (mismatch) throw mismatch;
    },
  };
};

/**
 * kubectl through a harness set up later (in beforeAll): `ok` must succeed
 * and gives its stdout, `fails` must fail and gives its stderr.
 */
export const kubectlExpecting = (harness: () => ApiHarness) => ({
  ok: async (args: string[], opts?: Parameters<ApiHarness['kubectl']>[1]): Promise<string> => {
    const r = await harness().kubectl(args, opts);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  },
  fails: async (args: string[], opts?: Parameters<ApiHarness['kubectl']>[1]): Promise<string> => {
    const r = await harness().kubectl(args, opts);
    expect(r.code).not.toBe(0);
    return r.stderr;
  },
});

/** The rows of a kubectl table, split on runs of 2+ spaces (header first). */
export const rows = (stdout: string): string[][] =>
  stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(/\s{2,}/));

export const MANIFESTS = join(__dirname, '../../../infra/manifests');

/** The project's kubectl plugins (kubectl-ledger), as a user puts them on PATH. */
export const PLUGIN_BIN = join(__dirname, '../../../bin');

/** `kubectl ledger <args>` through the real kubectl, the plugin found on PATH; never throws on a non-zero exit. */
export const kubectlLedger = (args: string[], kubeconfig: string): Promise<{ stdout: string; stderr: string; code: number }> =>
  new Promise((resolve) =>
    execFile(KUBECTL, ['ledger', ...args], { env: { ...process.env, PATH: `${PLUGIN_BIN}:${process.env.PATH}`, KUBECONFIG: kubeconfig }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ stdout: String(stdout), stderr: String(stderr), code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0 }),
    ),
  );
