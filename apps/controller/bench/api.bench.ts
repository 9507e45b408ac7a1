import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess, type ServerProcess } from './server-process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { LoopProbeReport } from './loop-probe';

/**
 * `npm run bench:api`: the server (`npm start`'s main, built) in a child
 * process with 1,000 simulated nodes and 20 DaemonSets; this process is the
 * clients. Measures list latency (Table and JSON) under 100 concurrent
 * connections, then holds 500 watches on DaemonSets while one of them rolls
 * out over every node and label patches mark moments in the stream: checks
 * that every watcher sees every event in order, and times patch → watcher.
 * The server's event loop is measured from inside it (loop-probe.ts): its
 * longest turn and the p99 of its turns during the rollout and after.
 * BENCH_LONG_TURNS=1 lists the turns over 50 ms (monotonic µs, as
 * `--cpu-prof` stamps its samples: BENCH_SERVER_NODE_ARGS="--cpu-prof").
 * BENCH_NODES / BENCH_DS / BENCH_WATCHES / BENCH_LISTS shrink it.
 */
const NODES = Number(process.env.BENCH_NODES ?? 1000);
const DAEMONSETS = Number(process.env.BENCH_DS ?? 20);
const WATCHES = Number(process.env.BENCH_WATCHES ?? 500);
const LISTS = Number(process.env.BENCH_LISTS ?? 2000);
const LIST_RATES = (process.env.BENCH_LIST_RATES ?? '1000,2000').split(',').map(Number).filter((n) => n > 0);
const CONCURRENCY = 100;
const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

type Server = ServerProcess;
const startServer = (dir: string) => startServerProcess(dir, NODES, { loopProbe: true });

const call = (s: Server, agent: Agent, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; text: string }>((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(`${s.url}${path}`, {
      method,
      agent,
      ca: s.ca,
      headers: { Authorization: `Bearer ${s.token}`, ...(data ? { 'Content-Type': headers['Content-Type'] ?? 'application/json' } : {}), ...headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

interface Latencies {
  rate: number;
  p50: number;
  p99: number;
  max: number;
}

const summary = (latencies: number[], secs: number): Latencies => ({
  rate: latencies.length / secs,
  p50: percentile(latencies, 50),
  p99: percentile(latencies, 99),
  max: Math.max(...latencies),
});

/** CONCURRENCY connections, each sending its next request as soon as the last is answered: throughput, and latency at saturation. */
const closedLoop = async (send: () => Promise<{ status: number }>, total: number): Promise<Latencies> => {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        next++;
        const t = performance.now();
        const r = await send();
        if (r.status !== 200) throw new Error(`list: ${r.status}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return summary(latencies, (performance.now() - started) / 1000);
};

/**
 * Requests at a fixed rate whatever the answers do (over the same pool of
 * CONCURRENCY keep-alive connections), each timed from when it was due, not
 * from when it was sent: a stall shows in full (no coordinated omission).
 */
const openLoop = async (send: () => Promise<{ status: number }>, rate: number, total: number): Promise<Latencies> => {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      send().then((r) => {
        if (r.status !== 200) throw new Error(`list: ${r.status}`);
        latencies.push(performance.now() - due);
      }),
    );
  }
  await Promise.all(pending);
  return summary(latencies, (performance.now() - started) / 1000);
};

/** A bare node:https server in a child process answering every request with `body`, with the API's certificate. */
const bareServer = (body: string, contentType: string): Promise<{ url: string; child: ChildProcess }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [__filename, '--bare-server'], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdin!.end(JSON.stringify({ body, contentType, dataDir: currentDataDir }));
    child.stdout!.setEncoding('utf8').once('data', (port: string) => resolve({ url: `https://127.0.0.1:${port.trim()}`, child }));
    child.on('error', reject);
  });

const runBareServer = () => {
  let input = '';
  process.stdin.setEncoding('utf8').on('data', (c: string) => (input += c));
  process.stdin.on('end', () => {
    const { body, contentType, dataDir } = JSON.parse(input) as { body: string; contentType: string; dataDir: string };
    const bytes = Buffer.from(body);
    const server = createServer({ key: readFileSync(join(dataDir, 'apiserver.key')), cert: readFileSync(join(dataDir, 'apiserver.crt')) }, (_req, res) => {
      res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': bytes.length });
      res.end(bytes);
    });
    server.keepAliveTimeout = 90_000; // as the API server's
    server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as { port: number }).port}\n`));
  });
};

let currentDataDir = '';
/** The clients' own event-loop delay: a stall here shows as latency too, and is no fault of the server's. */
const clientLoop = monitorEventLoopDelay({ resolution: 10 });

const daemonSet = (i: number) => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: `agent-${i}`, labels: { app: `agent-${i}` } },
  spec: {
    selector: { matchLabels: { app: `agent-${i}` } },
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } },
    template: { metadata: { labels: { app: `agent-${i}` } }, spec: { containers: [{ name: 'agent', image: 'nginx:1.25.0' }] } },
  },
});

const main = async () => {
  clientLoop.enable();
  const dir = mkdtempSync(join(tmpdir(), 'daemonledger-bench-api-'));
  currentDataDir = dir;
  const s = await startServer(dir);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    console.log(`bench:api — ${NODES} nodes, ${DAEMONSETS} DaemonSets, ${CONCURRENCY} connections, ${WATCHES} watches, ${new Date().toISOString()}`);
    for (let i = 0; i < DAEMONSETS; i++) {
      const r = await call(s, agent, 'POST', '/apis/apps/v1/namespaces/default/daemonsets', daemonSet(i));
      if (r.status !== 201) throw new Error(`create agent-${i}: ${r.status} ${r.text}`);
    }
    const settled = async (pred: (items: any[]) => boolean) => {
      for (;;) {
        const list = JSON.parse((await call(s, agent, 'GET', '/apis/apps/v1/namespaces/default/daemonsets')).text);
        if (pred(list.items)) return list;
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    const t0 = performance.now();
    await settled((items) => items.length === DAEMONSETS && items.every((d) => d.status?.numberAvailable === NODES));
    console.log(`loaded: ${DAEMONSETS * NODES} pods available in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    /** The server's event-loop delay since the last call (the gauges reset on each scrape). */
    const lag = async () => {
      const text = (await call(s, agent, 'GET', '/metrics')).text;
      const get = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000;
      return `event-loop delay p99 ${get('nodejs_eventloop_lag_p99_seconds').toFixed(1)} ms, max ${get('nodejs_eventloop_lag_max_seconds').toFixed(1)} ms`;
    };
    // Measure on a quiet cluster: the log head has not moved for a second (the last status writes, kubelet reports).
    for (let head = '', stable = 0; stable < 5; ) {
      const rv = JSON.parse((await call(s, agent, 'GET', '/apis/apps/v1/namespaces/default/daemonsets')).text).metadata.resourceVersion;
      stable = rv === head ? stable + 1 : 0;
      head = rv;
      await new Promise((r) => setTimeout(r, 200));
    }
    // Warm-up: open the 100 keep-alive connections (TLS handshakes) before measuring.
    await Promise.all(Array.from({ length: CONCURRENCY }, () => call(s, agent, 'GET', '/apis/apps/v1/namespaces/default/daemonsets')));
    const listPath = '/apis/apps/v1/namespaces/default/daemonsets';
    // Warm-up, not reported: the first seconds after loading 20,000 pods carry the heap's settling (old-space
    // marking and compaction) and the JIT's; whichever format ran first measured up to 40% slower without it.
    for (const accept of [TABLE, 'application/json']) await closedLoop(() => call(s, agent, 'GET', listPath, undefined, { Accept: accept }), LISTS);
    for (const [label, accept] of [['Table', TABLE], ['JSON', 'application/json']] as const) {
      const send = () => call(s, agent, 'GET', listPath, undefined, { Accept: accept });
      const closed = await closedLoop(send, LISTS);
      const body = (await send()).text;
      // The same bytes from a bare node:https server (no framework, no cluster) in a process of its own: the ceiling of this machine and client.
      const bare = await bareServer(body, label === 'Table' ? TABLE_CONTENT_TYPE : 'application/json');
      const bareAgent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
      const bareSend = () => call({ ...s, url: bare.url }, bareAgent, 'GET', '/');
      await Promise.all(Array.from({ length: CONCURRENCY }, bareSend));
      const ceiling = await closedLoop(bareSend, LISTS);
      bareAgent.destroy();
      bare.child.kill();
      console.log(
        `list ${DAEMONSETS} DaemonSets as ${label.padEnd(5)} (${body.length} bytes), ${CONCURRENCY} connections each sending as fast as answered: ` +
          `${closed.rate.toFixed(0)} req/s, p50 ${closed.p50.toFixed(1)} ms, p99 ${closed.p99.toFixed(1)} ms ` +
          `(bare node:https ceiling ${ceiling.rate.toFixed(0)} req/s, p99 ${ceiling.p99.toFixed(1)} ms; ratio ${(closed.rate / ceiling.rate).toFixed(2)})`,
      );
      for (const rate of LIST_RATES) {
        await lag();
        clientLoop.reset();
        const open = await openLoop(send, rate, Math.max(1000, rate * 5));
        console.log(
          `list ${DAEMONSETS} DaemonSets as ${label.padEnd(5)} at a steady ${rate} req/s over ${CONCURRENCY} connections: p50 ${open.p50.toFixed(1)} ms, p99 ${open.p99.toFixed(1)} ms, max ${open.max.toFixed(1)} ms; ` +
            `server ${await lag()}; client event-loop delay max ${(clientLoop.max / 1e6).toFixed(1)} ms`,
        );
      }
    }

    // 500 watches from the current resourceVersion, one connection each.
    const list = JSON.parse((await call(s, agent, 'GET', '/apis/apps/v1/namespaces/default/daemonsets')).text);
    const from = list.metadata.resourceVersion;
    const watchers = await Promise.all(
      Array.from({ length: WATCHES }, () =>
        new Promise<{ rvs: string[]; arrivals: Map<string, number>; close: () => void }>((resolve, reject) => {
          const w = { rvs: [] as string[], arrivals: new Map<string, number>(), close: () => req.destroy() };
          const req = request(`${s.url}/apis/apps/v1/namespaces/default/daemonsets?watch=true&resourceVersion=${from}`, { ca: s.ca, agent: false, headers: { Authorization: `Bearer ${s.token}` } }, (res) => {
            let buf = '';
            res.on('data', (c: Buffer) => {
              buf += c.toString('utf8');
              let nl: number;
              while ((nl = buf.indexOf('\n')) >= 0) {
                const line = buf.slice(0, nl);
                buf = buf.slice(nl + 1);
                if (!line.trim()) continue;
                const ev = JSON.parse(line);
                if (ev.type === 'BOOKMARK') continue;
                const rv = ev.object.metadata.resourceVersion;
                w.rvs.push(rv);
                w.arrivals.set(rv, performance.now());
              }
            });
            resolve(w);
          });
          req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
          req.end();
        }),
      ),
    );
    // Label patches every 20 ms mark moments in the stream: during the rollout, then as many on a quiet cluster.
    let patches = 0;
    const mark = async (phase: Map<string, number>) => {
      const t = performance.now();
      const r = await call(s, agent, 'PATCH', `/apis/apps/v1/namespaces/default/daemonsets/agent-${1 + (patches % (DAEMONSETS - 1))}`, { metadata: { labels: { mark: String(patches) } } }, { 'Content-Type': 'application/merge-patch+json' });
      phase.set(JSON.parse(r.text).metadata.resourceVersion, t);
      patches++;
      await new Promise((res) => setTimeout(res, 20));
    };
    /** The server's loop as the probe saw it since the last call. */
    const turns = (r: LoopProbeReport) =>
      `server loop: longest turn ${r.longestTurnMs.toFixed(1)} ms, turns p50 ${r.turnP50Ms.toFixed(1)} ms, p99 ${r.turnP99Ms.toFixed(1)} ms, ` +
      `${r.longTurns.length} over 50 ms (delay p99 ${r.delayP99Ms.toFixed(1)} ms, max ${r.delayMaxMs.toFixed(1)} ms)` +
      (process.env.BENCH_LONG_TURNS === '1' && r.longTurns.length ? `; long turns ${JSON.stringify(r.longTurns)}` : '');
    await lag();
    await s.loop();
    const rollStart = performance.now();
    await call(s, agent, 'PATCH', '/apis/apps/v1/namespaces/default/daemonsets/agent-0', { spec: { template: { spec: { containers: [{ name: 'agent', image: 'nginx:1.26.0' }] } } } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
    const rolledOut = (items: any[]) => {
      const d = items.find((x) => x.metadata.name === 'agent-0');
      return d?.status?.observedGeneration === d?.metadata.generation && d?.status?.updatedNumberScheduled === NODES && d?.status?.numberAvailable === NODES;
    };
    const rolling = settled(rolledOut);
    let done = false;
    void rolling.then(() => (done = true));
    const during = new Map<string, number>();
    while (!done) await mark(during);
    await rolling;
    const rollSecs = (performance.now() - rollStart) / 1000;
    const rollLoop = turns(await s.loop());
    await new Promise((r) => setTimeout(r, 500));
    await s.loop();
    const quiet = new Map<string, number>();
    while (quiet.size < Math.max(50, during.size)) await mark(quiet);
    const quietLoop = turns(await s.loop());
    await new Promise((r) => setTimeout(r, 1000));
    const reference = watchers[0].rvs;
    const inOrder = watchers.every((w) => w.rvs.every((rv, i) => i === 0 || Number(rv) > Number(w.rvs[i - 1])));
    const identical = watchers.every((w) => w.rvs.length === reference.length && w.rvs.every((rv, i) => rv === reference[i]));
    const delays = (phase: Map<string, number>) => {
      const out: number[] = [];
      for (const [rv, sent] of phase) for (const w of watchers) if (w.arrivals.has(rv)) out.push(w.arrivals.get(rv)! - sent);
      return out;
    };
    const missing = [...during.keys(), ...quiet.keys()].reduce((n, rv) => n + watchers.filter((w) => !w.arrivals.has(rv)).length, 0);
    console.log(`rolling update of agent-0 over ${NODES} nodes under ${WATCHES} watches: ${rollSecs.toFixed(1)} s, ${reference.length} events per watcher`);
    console.log(`every watcher saw every event in order: ${inOrder && identical && missing === 0 ? 'yes' : `NO (ordered ${inOrder}, identical ${identical}, missing ${missing})`}`);
    for (const [label, phase, loop] of [['during the rollout', during, rollLoop], ['quiet cluster', quiet, quietLoop]] as const) {
      const d = delays(phase);
      console.log(`patch → watcher, ${label} (${phase.size} label patches × ${WATCHES} watchers): p50 ${percentile(d, 50).toFixed(1)} ms, p99 ${percentile(d, 99).toFixed(1)} ms; ${loop}`);
    }
    watchers.forEach((w) => w.close());
  } finally {
    agent.destroy();
    s.child.kill('SIGTERM');
    await new Promise((r) => s.child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
};

if (process.argv.includes('--bare-server')) runBareServer();
else
  void main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
