import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { openEventStore } from '@daemonledger/event-store';
import type { RecordedEvent } from '@daemonledger/event-store/event-store.port';
import type { RunningBroker, BrokerOptions } from '../../../../infra/kafka/broker';
import { projectRoot } from '../../src/infrastructure/paths';

const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
export interface Run {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * The distributed mode as users run it: a Kafka broker (the project's own,
 * infra/kafka/broker.js), controller processes (`node dist/apps/controller/src/main.js`
 * with TRANSPORT=kafka, as `npm start` runs it) and node-agent processes
 * (`node dist/apps/node-agent/src/main.js`, as `npm run agent`), each a real
 * OS process the tests can SIGKILL. The controllers share one SQLite log in
 * `dir`; the tests read it afterwards to check the invariants.
 */
export interface Proc {
  name: string;
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the first line matching `pattern` printed from now on or already printed. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill9(): Promise<void>;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface ControllerProc extends Proc {
  url: string;
}

export interface ProcessCluster {
  dir: string;
  broker: RunningBroker;
  topicPrefix: string;
  controllers: ControllerProc[];
  agents: Proc[];
  startController(name: string, env?: Record<string, string>): Promise<ControllerProc>;
  /** Starts an agent process for nodes node-<offset> … node-<offset+count-1>. */
  startAgent(name: string, offset: number, count: number, env?: Record<string, string>): Promise<Proc>;
  /** Runs the real kubectl against a controller (default: the first one still running). */
  kubectl(args: string[], via?: ControllerProc): Promise<Run>;
  /** GET through the API as the admin (JSON). */
  get<T = any>(path: string, via?: ControllerProc): Promise<T>;
  /** Polls `check` (through the API) until it returns a value other than undefined/false. */
  until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs?: number): Promise<T>;
  killBroker(): Promise<void>;
  restartBroker(): Promise<void>;
  /** The whole log, read from the shared SQLite file (WAL: safe beside running writers). */
  readLog(): Promise<RecordedEvent[]>;
  dispose(): Promise<void>;
}

/** Settings that make the tests' timeouts short: leases of seconds, fast simulated pods. */
export const FAST = {
  LOG_LEVEL: 'warn',
  SIM_POD_START_MS: '40',
  SIM_POD_STOP_MS: '0',
  NODE_LEASE_DURATION_SECONDS: '4',
  NODE_MONITOR_GRACE_SECONDS: '6',
  CONTROLLER_LEASE_SECONDS: '4',
  SNAPSHOT_EVERY_EVENTS: '5000',
};

/** The project's broker script, found from the project root (this file also runs compiled, from dist/, in bench:distributed). */
const startBroker = (o: BrokerOptions): Promise<RunningBroker> =>
  (require(join(projectRoot(), 'infra/kafka/broker.js')) as { startBroker(o: BrokerOptions): Promise<RunningBroker> }).startBroker(o);

let built = false;
/** The processes run the built output, as `npm start` and `npm run agent` do (the build is safe to run concurrently). */
export const buildOnce = () => {
  if (built) return;
  const r = spawnSync(process.execPath, [join(projectRoot(), 'scripts/build.mjs')], { cwd: projectRoot(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed: ${r.stdout}\n${r.stderr}`);
  built = true;
};

const spawnProc = (name: string, script: string, env: Record<string, string>): Proc => {
  const child = spawn(process.execPath, [join(projectRoot(), script)], {
    cwd: projectRoot(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const onData = (chunk: string) => {
    const start = text.length;
    text += chunk;
    if (process.env.DISTRIBUTED_TEST_LOG) process.stderr.write(chunk.replace(/^/gm, `[${name}] `));
    const fresh = text.slice(text.lastIndexOf('\n', start) + 1);
    for (const w of [...waiters]) {
      const line = fresh.split('\n').find((l) => w.pattern.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  child.stdout!.setEncoding('utf8').on('data', onData);
  child.stderr!.setEncoding('utf8').on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const proc: Proc = {
    name,
    child,
    output: () => text,
    exited,
    waitFor: (pattern, timeoutMs = 60_000) => {
      const seen = text.split('\n').find((l) => pattern.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name}: no line matching ${pattern} within ${timeoutMs} ms; it printed:\n${text.slice(-4000)}`)), timeoutMs);
        const w = { pattern, resolve: (line: string) => (clearTimeout(timer), resolve(line)) };
        waiters.push(w);
        void exited.then(({ code, signal }) => {
          if (!waiters.includes(w)) return;
          clearTimeout(timer);
          reject(new Error(`${name} exited (code ${code}, signal ${signal}) before printing ${pattern}:\n${text.slice(-4000)}`));
        });
      });
    },
    kill9: async () => {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
    stop: async (graceMs = 10_000) => {
      if (!alive()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  return proc;
};

export const startProcessCluster = async (o: { env?: Record<string, string>; build?: boolean } = {}): Promise<ProcessCluster> => {
  if (o.build ?? true) buildOnce();
  const dir = mkdtempSync(join(tmpdir(), 'daemonledger-distributed-'));
  const brokerLines: string[] = [];
  let broker = await startBroker({ dataDir: join(dir, 'kafka'), log: (l) => brokerLines.push(l), timeoutMs: 90_000 });
  const topicPrefix = `t${randomUUID().slice(0, 8)}.`;
  const controllers: ControllerProc[] = [];
  const agents: Proc[] = [];
  const base = () => ({ ...FAST, ...o.env, DATA_DIR: dir, TRANSPORT: 'kafka', KAFKA_BROKERS: broker.brokers.join(','), KAFKA_TOPIC_PREFIX: topicPrefix });
  const kubeconfig = join(dir, 'kubeconfig');
  const live = (p: Proc) => p.child.exitCode === null && p.child.signalCode === null;
  const pick = (via?: ControllerProc) => {
    const c = via ?? controllers.find(live);
    if (!c) throw new Error('no controller process is running');
    return c;
  };
  const admin = () => {
    const k = parse(readFileSync(kubeconfig, 'utf8'));
    return { token: k.users[0].user.token as string, ca: Buffer.from(k.clusters[0].cluster['certificate-authority-data'], 'base64') };
  };

  const cluster: ProcessCluster = {
    dir,
    get broker() {
      return broker;
    },
    topicPrefix,
    controllers,
    agents,
    startController: async (name, env = {}) => {
      const p = spawnProc(name, 'dist/apps/controller/src/main.js', { ...base(), PORT: '0', CONTROLLER_ID: name, ...env });
      const line = await p.waitFor(/Kubernetes API on https:\/\/\S+/, 90_000);
      const c: ControllerProc = Object.assign(p, { url: /(https:\/\/[^\s)]+)/.exec(line)![1] });
      controllers.push(c);
      return c;
    },
    startAgent: async (name, offset, count, env = {}) => {
      const p = spawnProc(name, 'dist/apps/node-agent/src/main.js', { ...base(), SIM_NODES: String(count), SIM_NODE_OFFSET: String(offset), AGENT_ID: name, ...env });
      agents.push(p);
      return p;
    },
    kubectl: (args, via) =>
      new Promise((resolve) => {
        execFile(KUBECTL, ['--kubeconfig', kubeconfig, '--server', pick(via).url, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, KUBECACHEDIR: join(dir, 'kube-cache') } }, (error, stdout, stderr) =>
          resolve({ stdout, stderr, code: error ? (typeof error.code === 'number' ? error.code : 1) : 0 }),
        );
      }),
    get: (path, via) =>
      new Promise((resolve, reject) => {
        const { token, ca } = admin();
        const req = request(`${pick(via).url}${path}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, ca }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (c: string) => (body += c));
          res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`GET ${path}: ${res.statusCode} ${body.slice(0, 500)}`))));
        });
        req.on('error', reject);
        req.end();
      }),
    until: async (what, check, timeoutMs = 120_000) => {
      const deadline = Date.now() + timeoutMs;
      let last: unknown;
      for (;;) {
        try {
          const v = await check();
          if (v !== undefined && v !== false) return v as never;
        } catch (e) {
          last = e;
        }
        if (Date.now() > deadline) {
          const tails = controllers.map((p) => `--- ${p.name} (${live(p) ? 'running' : 'exited'}) printed last:\n${p.output().slice(-2000)}`).join('\n');
          throw new Error(`${what}: not reached within ${timeoutMs} ms${last ? ` (last: ${(last as Error).message})` : ''}\n${tails}`);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    killBroker: async () => {
      process.kill(broker.pid, 'SIGKILL');
      await broker.exited;
    },
    restartBroker: async () => {
      broker = await startBroker({ port: broker.port, controllerPort: broker.controllerPort, dataDir: broker.dataDir, log: (l) => brokerLines.push(l), timeoutMs: 90_000 });
    },
    readLog: async () => {
      const store = await openEventStore({ kind: 'sqlite', file: join(dir, 'events.sqlite'), verifyOnOpen: false } as never);
      try {
        return await store.readAll({});
      } finally {
        await store.close();
      }
    },
    dispose: async () => {
      await Promise.all([...agents, ...controllers].map((p) => p.kill9()));
      await broker.stop();
      if (process.env.DISTRIBUTED_TEST_KEEP) console.error(`distributed test: kept ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
  return cluster;
};

/** A DaemonSet's rollout, through the API: done when every desired pod runs the current template and is available. */
export const rolledOut = async (c: ProcessCluster, name: string, image: string, nodes: number) => {
  const ds = await c.get(`/apis/apps/v1/namespaces/default/daemonsets/${name}`);
  const s = ds.status ?? {};
  const done =
    ds.spec.template.spec.containers[0].image === image &&
    s.observedGeneration === ds.metadata.generation &&
    s.desiredNumberScheduled === nodes &&
    s.updatedNumberScheduled === nodes &&
    s.numberAvailable === nodes;
  // Not there yet: the status it has, which `until` reports if it never gets there.
  if (!done) throw new Error(`generation ${ds.metadata.generation}, status ${JSON.stringify(s)}`);
  return true;
};

/** Nodes by their Ready condition's status ('True', 'Unknown', …). */
export const readiness = async (c: ProcessCluster): Promise<Map<string, string>> => {
  const list = await c.get('/api/v1/nodes');
  return new Map(list.items.map((n: any) => [n.metadata.name, n.status?.conditions?.find((x: any) => x.type === 'Ready')?.status ?? 'none']));
};
