// Go-built test tools (the conformance binary, Helm) and the one place their
// Go caches live: ${XDG_CACHE_HOME:-~/.cache}/daemonledger/go, outside the
// clone, so a fresh clone reuses a warm cache and nothing of it reaches git.
// DAEMONLEDGER_GO_CACHE moves it.
//
//   node scripts/go-tools.mjs helm          builds Helm if needed, prints its path
//   node scripts/go-tools.mjs go-protobuf   the protobuf e2e's Go client, likewise
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

export const HELM_VERSION = 'v3.16.4';

export const goCache = () =>
  process.env.DAEMONLEDGER_GO_CACHE ?? join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'daemonledger', 'go');

/** The environment every go command here runs with: caches under goCache(), writable module files (so `rm -rf` works). */
export const goEnv = (extra = {}) => {
  const cache = goCache();
  return {
    ...process.env,
    GOMODCACHE: join(cache, 'mod'),
    GOCACHE: join(cache, 'build'),
    GOPATH: join(cache, 'path'),
    GOFLAGS: [process.env.GOFLAGS, '-modcacherw'].filter(Boolean).join(' '),
    ...extra,
  };
};

/** Runs a command with its output on stderr (stdout stays for results); rejects with a message naming it on a non-zero exit. */
export const run = (cmd, args, opts = {}) =>
  new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
    child.on('error', (e) => reject(new Error(`${cmd}: ${e.message}`)));
    child.on('exit', (code, signal) =>
      code === 0 ? resolveRun() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${signal ?? code}`)),
    );
  });

const requireGo = async () => {
  try {
    await run('go', ['version'], { env: goEnv(), stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (e) {
    throw new Error(`Go is needed to build the test tools and was not found (${e.message}); install Go ≥ 1.23`);
  }
};

/** A digest of the files a build reads, so a change to any of them rebuilds. */
const digest = (dir, files) => {
  const h = createHash('sha256');
  for (const f of files) h.update(f).update('\0').update(readFileSync(join(dir, f))).update('\0');
  return h.digest('hex');
};

/**
 * The conformance test binary (test/conformance/bin/conformance.test, ignored
 * by git), rebuilt when it is missing or when go.mod, go.sum or a .go file
 * changed since it was built. Returns its path and the build time (0 when it
 * was up to date).
 */
export const buildConformance = async ({ log = console.error } = {}) => {
  const dir = join(root, 'test', 'conformance');
  const bin = join(dir, 'bin', 'conformance.test');
  const stamp = join(dir, 'bin', 'sources.sha256');
  const sources = ['go.mod', 'go.sum', ...readdirSync(dir).filter((f) => f.endsWith('.go')).sort()];
  const want = digest(dir, sources);
  if (existsSync(bin) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === want) return { bin, seconds: 0 };
  await requireGo();
  mkdirSync(dirname(bin), { recursive: true });
  log(`conformance: building ${bin} (Go caches in ${goCache()}; a cold build takes minutes)`);
  const t0 = Date.now();
  await run('go', ['test', '-c', '-o', bin, '.'], { cwd: dir, env: goEnv() });
  writeFileSync(stamp, `${want}\n`);
  const seconds = (Date.now() - t0) / 1000;
  log(`conformance: built in ${seconds.toFixed(0)} s`);
  return { bin, seconds };
};

/** Helm HELM_VERSION, built with `go install` into the cache on first use. Returns the binary's path. */
export const buildHelm = async ({ log = console.error } = {}) => {
  const binDir = join(goCache(), 'bin', `helm-${HELM_VERSION}`);
  const bin = join(binDir, 'helm');
  if (existsSync(bin)) return bin;
  await requireGo();
  log(`helm: building ${HELM_VERSION} into ${binDir}`);
  const t0 = Date.now();
  await run('go', ['install', `helm.sh/helm/v3/cmd/helm@${HELM_VERSION}`], { env: goEnv({ GOBIN: binDir }) });
  log(`helm: built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return bin;
};

/**
 * The protobuf e2e's Go client (apps/controller/test/go-protobuf: upstream's
 * own codecs and watch framing), built into the cache when missing or when its
 * sources changed. Returns its path.
 */
export const buildGoProtobufClient = async ({ log = console.error } = {}) => {
  const dir = join(root, 'apps', 'controller', 'test', 'go-protobuf');
  const want = digest(dir, ['go.mod', 'go.sum', ...readdirSync(dir).filter((f) => f.endsWith('.go')).sort()]);
  const bin = join(goCache(), 'bin', `go-protobuf-${want.slice(0, 16)}`);
  if (existsSync(bin)) return bin;
  await requireGo();
  log(`go-protobuf: building ${bin}`);
  await run('go', ['build', '-o', bin, '.'], { cwd: dir, env: goEnv() });
  return bin;
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const what = process.argv[2];
  const build = { helm: buildHelm, conformance: async () => (await buildConformance()).bin, 'go-protobuf': buildGoProtobufClient }[what];
  if (!build) {
    console.error('usage: node scripts/go-tools.mjs helm|conformance|go-protobuf');
    process.exit(2);
  }
  build().then(
    (path) => console.log(path),
    (e) => {
      console.error(`go-tools: ${e.message}`);
      process.exit(1);
    },
  );
}
