/**
 * `npm run` builds started together from one checkout (the controller and two
 * agents) must not race in dist/: scripts/build.mjs takes a lock, skips an
 * up-to-date dist, and never deletes or half-writes what a running process
 * may load. Each test builds a copy of the project (sources linked, dist its own).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

jest.setTimeout(120_000);

const root = resolve(__dirname, '../../..');
let copy: string;

beforeEach(() => {
  copy = mkdtempSync(join(tmpdir(), 'build-race-'));
  mkdirSync(join(copy, 'scripts'));
  copyFileSync(join(root, 'scripts/build.mjs'), join(copy, 'scripts/build.mjs'));
  copyFileSync(join(root, 'tsconfig.json'), join(copy, 'tsconfig.json'));
  for (const dir of ['apps', 'libs', 'node_modules']) symlinkSync(join(root, dir), join(copy, dir));
});
afterEach(() => rmSync(copy, { recursive: true, force: true }));

const build = (): Promise<{ code: number | null; out: string }> =>
  new Promise((done) => {
    const child: ChildProcess = spawn(process.execPath, [join(copy, 'scripts/build.mjs')], { cwd: copy, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    child.on('exit', (code) => done({ code, out }));
  });

const walk = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
const expectedOutputs = () =>
  ['apps', 'libs']
    .flatMap((top) => walk(join(root, top)))
    .filter((f) => f.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec|d)\.ts$/.test(f))
    .map((f) => join(copy, 'dist', relative(root, f)).replace(/\.ts$/, '.js'));
const runs = (module: string, expr: string) =>
  execFileSync(process.execPath, ['-e', `const m = require(${JSON.stringify(join(copy, 'dist', module))}); console.log(${expr})`], { encoding: 'utf8' }).trim();

describe('concurrent builds in one checkout', () => {
  it('two builds started at once both succeed, one builds and the other finds dist up to date', async () => {
    const [a, b] = await Promise.all([build(), build()]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const said = [a.out, b.out].join('\n');
    expect(said.match(/built \d+ files/g)).toHaveLength(1);
    expect(said).toMatch(/dist is up to date/);
    const missing = expectedOutputs().filter((f) => !existsSync(f));
    expect(missing).toEqual([]);
    expect(existsSync(join(copy, 'dist/.build.lock'))).toBe(false);
    // What was built runs (the agent's config, through its path-alias requires).
    expect(runs('apps/node-agent/src/agent/agent-config.js', `m.loadAgentConfig({ KAFKA_BROKERS: 'k:1', SIM_NODE_OFFSET: '3', AGENT_ID: 'x' }).nodeOffset`)).toBe('3');
  });

  it('takes over a lock whose builder died', async () => {
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => dead.on('exit', r));
    mkdirSync(join(copy, 'dist'));
    writeFileSync(join(copy, 'dist/.build.lock'), `${dead.pid}\n`);
    const r = await build();
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/built \d+ files/);
  });

  it('a rebuild rewrites only what changed and removes only outputs without a source', async () => {
    expect((await build()).code).toBe(0);
    const kept = join(copy, 'dist/apps/node-agent/src/main.js');
    const inode = statSync(kept).ino;
    writeFileSync(join(copy, 'dist/.build-stamp'), 'sources changed'); // as if a source had been edited
    mkdirSync(join(copy, 'dist/apps/gone/src'), { recursive: true });
    writeFileSync(join(copy, 'dist/apps/gone/src/old.js'), '');
    const r = await build();
    expect(r.out).toMatch(/\(0 outputs written, 1 stale removed\)/);
    expect(statSync(kept).ino).toBe(inode); // the same file a running process opened, untouched
    expect(existsSync(join(copy, 'dist/apps/gone/src/old.js'))).toBe(false);
  });
});
