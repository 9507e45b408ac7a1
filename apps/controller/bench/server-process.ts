import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../src/infrastructure/paths';

/** The built server (`npm start`'s main) in a child process, as the API benchmarks drive it. */
export interface ServerProcess {
  url: string;
  token: string;
  ca: string;
  child: ChildProcess;
}

/**
 * Starts the server on `dir` with `nodes` simulated nodes and instant pods,
 * on a free port; resolves once it prints its kubeconfig line (it serves
 * then), with the admin token and CA read from that kubeconfig.
 * BENCH_SERVER_NODE_ARGS passes node flags to it (e.g. --cpu-prof).
 */
export const startServerProcess = (dir: string, nodes: number): Promise<ServerProcess> =>
  new Promise((resolve, reject) => {
    const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, join(projectRoot(), 'dist/apps/controller/src/main.js')], {
      env: { ...process.env, DATA_DIR: dir, PORT: '0', SIM_NODES: String(nodes), SIM_POD_START_MS: '0', SIM_POD_STOP_MS: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /export KUBECONFIG=(\S+)/.exec(out);
      if (m) {
        const kc = parse(readFileSync(m[1], 'utf8'));
        resolve({
          url: kc.clusters[0].cluster.server,
          token: kc.users[0].user.token,
          ca: Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString('utf8'),
          child,
        });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
