import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../src/infrastructure/paths';

/**
 * The README's walkthrough on a DATA_DIR that is not the default: the server
 * as `npm start` runs it (main.ts) with DATA_DIR somewhere else and run from
 * a directory with no `./data`; the banner's `export` line pasted into a
 * shell; then every walkthrough line of the README that names `$DATA_DIR`,
 * run as it is written, must print what its comment says.
 */
jest.setTimeout(90_000);

/** The `sh` block under "The seed walkthrough with the real kubectl". */
const walkthroughBlock = (readme: string): string => {
  const at = readme.indexOf('### The seed walkthrough with the real kubectl');
  const open = readme.indexOf('```sh\n', at);
  return readme.slice(open + 6, readme.indexOf('```', open + 6));
};

/** Lines of the walkthrough that use `$DATA_DIR`, each with the output its `# comment` promises. */
const dataDirLines = (block: string) =>
  block
    .split('\n')
    .filter((l) => l.includes('$DATA_DIR'))
    .map((l) => {
      const [command, comment = ''] = l.split(/\s+#\s+/);
      return { command: command.trim(), expect: comment.trim() };
    });

describe('the README walkthrough with DATA_DIR elsewhere', () => {
  const root = mkdtempSync(join(tmpdir(), 'daemonledger-readme-'));
  const dataDir = join(root, 'somewhere', 'else');
  const cwd = join(root, 'cwd');
  let child: ChildProcess;
  let exportLine = '';

  beforeAll(async () => {
    mkdirSync(cwd, { recursive: true });
    const register = join(projectRoot(), 'libs/testing/swc-register.js');
    child = spawn(process.execPath, ['-r', register, join(projectRoot(), 'apps/controller/src/main.ts')], {
      cwd,
      env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', SIM_NODES: '2', SIM_POD_START_MS: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    exportLine = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.setEncoding('utf8').on('data', (c: string) => {
        out += c;
        const m = /^export KUBECONFIG=.*$/m.exec(out);
        if (m) resolve(m[0]);
      });
      child.on('exit', (code) => reject(new Error(`server exited with ${code} before serving:\n${out}`)));
    });
  }, 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(root, { recursive: true, force: true });
  });

  /** One line in bash after the banner's export line, in `cwd`, with a private HOME (kubectl's cache). */
  const shell = (line: string): Promise<{ out: string; code: number }> =>
    new Promise((resolve) =>
      execFile('bash', ['-c', `${exportLine}\n${line}`], { cwd, env: { ...process.env, HOME: root, KUBECONFIG: '', DATA_DIR: '' }, timeout: 30_000 }, (err, stdout, stderr) =>
        resolve({ out: `${stdout}${stderr}`, code: err ? 1 : 0 }),
      ),
    );

  it('the banner’s export line sets DATA_DIR to the server’s data directory', async () => {
    expect(exportLine).toContain(` DATA_DIR=${dataDir} `);
    expect((await shell('echo "$DATA_DIR"')).out).toBe(`${dataDir}\n`);
  });

  it('the README names no data path but through $DATA_DIR in the walkthrough', () => {
    const block = walkthroughBlock(readFileSync(join(projectRoot(), 'README.md'), 'utf8'));
    expect(block).toContain('kubectl get nodes');
    expect(block).not.toMatch(/(^|[\s"'=])(\.\/)?data\//m);
    expect(dataDirLines(block).length).toBeGreaterThanOrEqual(2);
  });

  it('every walkthrough line using $DATA_DIR prints what its comment says (the viewer kubeconfig)', async () => {
    const lines = dataDirLines(walkthroughBlock(readFileSync(join(projectRoot(), 'README.md'), 'utf8')));
    expect(lines.map((l) => l.command)).toContainEqual(expect.stringContaining('--kubeconfig "$DATA_DIR/kubeconfig-viewer"'));
    for (const { command, expect: promised } of lines) {
      const r = await shell(command);
      // A line without a comment promises only that it succeeds.
      if (promised) expect({ command, out: r.out }).toEqual({ command, out: expect.stringContaining(promised) });
      else expect({ command, code: r.code, out: r.out }).toEqual({ command, code: 0, out: r.out });
    }
  });
});
