import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../src/infrastructure/paths';

/**
 * The server as `npm start` runs it (main.ts), on a DATA_DIR it creates, under
 * the common umask 022 that would leave files 0644: DATA_DIR is 0700 and every
 * file the server writes there 0600 — the log with its -wal and -shm, the
 * tokens, the TLS key and certificate, the kubeconfigs, the secret keys.
 */
describe('file modes under DATA_DIR (a real run of main.ts)', () => {
  const root = mkdtempSync(join(tmpdir(), 'daemonledger-modes-'));
  const dataDir = join(root, 'data');
  let child: ChildProcess;

  beforeAll(async () => {
    const main = join(projectRoot(), 'apps/controller/src/main.ts');
    const register = join(projectRoot(), 'libs/testing/swc-register.js');
    child = spawn('sh', ['-c', `umask 022 && exec "${process.execPath}" -r "${register}" "${main}"`], {
      env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', SIM_NODES: '2', SIM_POD_START_MS: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.setEncoding('utf8').on('data', (c: string) => {
        out += c;
        const m = /export KUBECONFIG=(\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`server exited with ${code} before serving:\n${out}`)));
    });
  }, 60_000);

  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(root, { recursive: true, force: true });
  });

  const modes = () =>
    ['.', ...readdirSync(dataDir, { recursive: true, encoding: 'utf8' })].map((path) => {
      const st = statSync(join(dataDir, path));
      return { path, mode: (st.mode & 0o777).toString(8), dir: st.isDirectory() };
    });

  it('while serving (the simulated nodes have joined: the log has been written): DATA_DIR 0700, every file 0600 (the log, its WAL and shared memory included)', () => {
    const seen = modes();
    const names = seen.map((e) => e.path);
    for (const expected of ['events.sqlite', 'events.sqlite-wal', 'events.sqlite-shm', 'tokens.json', 'apiserver.key', 'apiserver.crt', 'kubeconfig', 'kubeconfig-viewer', 'secret-keys/kek']) {
      expect(names).toContain(expected);
    }
    for (const entry of seen) expect(entry).toEqual({ ...entry, mode: entry.dir ? '700' : '600' });
  });

  it('after a clean stop, still 0600 everywhere', async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    for (const entry of modes()) expect(entry).toEqual({ ...entry, mode: entry.dir ? '700' : '600' });
  });
});
