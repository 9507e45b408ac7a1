import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../src/infrastructure/paths';
import { PROBE_LINE, type LoopProbeReport } from './loop-probe';

/** The built server (`npm start`'s main) in a child process, as the API benchmarks drive it. */
export interface ServerProcess {
  url: string;
  token: string;
  ca: string;
  child: ChildProcess;
  /**
   * The server's event-loop figures since the last call (loop-probe.ts,
   * preloaded when started with `loopProbe`); rejects without it.
   */
  loop(): Promise<LoopProbeReport>;
}

/**
 * Starts the server on `dir` with `nodes` simulated nodes and instant pods,
 * on a free port; resolves once it prints its kubeconfig line (it serves
 * then), with the admin token and CA read from that kubeconfig.
 * BENCH_SERVER_NODE_ARGS passes node flags to it (e.g. --cpu-prof).
 * `loopProbe` preloads loop-probe.js into it, read with `loop()`.
 */
export const startServerProcess = (dir: string, nodes: number, options: { loopProbe?: boolean } = {}): Promise<ServerProcess> =>
  new Promise((resolve, reject) => {
    const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    if (options.loopProbe) nodeArgs.push('--require', join(__dirname, 'loop-probe.js'));
    const child = spawn(process.execPath, [...nodeArgs, join(projectRoot(), 'dist/apps/controller/src/main.js')], {
      env: {
        ...process.env,
        DATA_DIR: dir,
        PORT: '0',
        SIM_NODES: String(nodes),
        SIM_POD_START_MS: '0',
        SIM_POD_STOP_MS: '0',
        LOG_LEVEL: 'warn',
        LOOP_PROBE: options.loopProbe ? '1' : '0',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    let started = false;
    const reports: ((r: LoopProbeReport) => void)[] = [];
    let lines = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      lines += c;
      for (let nl = lines.indexOf('\n'); nl >= 0; nl = lines.indexOf('\n')) {
        const line = lines.slice(0, nl);
        lines = lines.slice(nl + 1);
        if (line.startsWith(PROBE_LINE)) reports.shift()?.(JSON.parse(line.slice(PROBE_LINE.length)) as LoopProbeReport);
      }
      if (started) return;
      out += c;
      const m = /export KUBECONFIG=(\S+)/.exec(out);
      if (m) {
        started = true;
        const kc = parse(readFileSync(m[1], 'utf8'));
        resolve({
          url: kc.clusters[0].cluster.server,
          token: kc.users[0].user.token,
          ca: Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString('utf8'),
          child,
          loop: () =>
            options.loopProbe
              ? new Promise<LoopProbeReport>((res) => {
                  reports.push(res);
                  child.kill('SIGUSR2');
                })
              : Promise.reject(new Error('the server was started without the loop probe')),
        });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
