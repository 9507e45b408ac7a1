// Transpiles apps/ and libs/ to dist/ with swc (type checking is `npm run typecheck`).
// swc rewrites the tsconfig path aliases (@daemonledger/*) into relative requires,
// so the output runs on plain `node` with no loader.
//
// Several `npm run` scripts may build at once from one checkout (the controller
// and two agents started together), and a build may run while a process started
// from dist/ is still loading modules from it. So:
// - one build at a time: a lock file (created with O_EXCL, holding the builder's
//   pid) that the others wait on; a lock whose pid is gone is stale and taken over;
// - a content stamp: when the sources, the data files, this script and the
//   tsconfig paths are what dist/ was built from, nothing is rebuilt at all;
// - nothing a running process may load is deleted or left half-written: each
//   changed output is written to a temporary file and renamed over the old one,
//   unchanged outputs are left alone, and only outputs without a source are removed.
import { transformFile } from '@swc/core';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8'));
const out = join(root, 'dist');
const lockFile = join(out, '.build.lock');
const stampFile = join(out, '.build-stamp');
// What the server's GET /version reports of its build (apps/controller/src/build-info.ts reads it); never in git (dist/ is ignored).
const buildInfoFile = join(out, 'build-info.json');
const quiet = process.argv.includes('--quiet');

const walk = (dir, keep) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return walk(path, keep);
    return keep(path) ? [path] : [];
  });
const isSource = (path) => /\.ts$/.test(path) && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(path) && !path.endsWith('.d.ts');
// JSON a source imports (the generated protobuf descriptors) is copied beside its compiled code.
const isData = (path) => /\/src\/.*\.json$/.test(path);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
};

/**
 * Removes a stale lock, under a second lock so that two waiters cannot both
 * remove "the stale lock" when one of them has meanwhile taken a fresh one:
 * the lock is checked to be still the dead holder's, then removed. The second
 * lock is only held for that moment; one older than 5 s was left by a killed waiter.
 */
const removeStale = (holder) => {
  const takeover = `${lockFile}.takeover`;
  try {
    closeSync(openSync(takeover, 'wx'));
  } catch (e) {
    if (e.code !== 'EEXIST') throw e;
    try {
      if (Date.now() - statSync(takeover).mtimeMs > 5_000) unlinkSync(takeover);
    } catch {}
    return;
  }
  try {
    const now = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
    if (now === holder || (Number.isNaN(now) && Number.isNaN(holder))) unlinkSync(lockFile);
  } catch {
  } finally {
    unlinkSync(takeover);
  }
};

/** Takes the build lock, waiting for a live holder; a lock whose holder is gone (or never wrote its pid) is stale. */
const lock = async () => {
  mkdirSync(out, { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  let waited = false;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    let holder = NaN;
    let age = 0;
    try {
      holder = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
      age = Date.now() - statSync(lockFile).mtimeMs;
    } catch {
      continue; // released meanwhile
    }
    const stale = Number.isInteger(holder) ? !alive(holder) : age > 5_000;
    if (stale) {
      removeStale(holder);
      continue;
    }
    if (Date.now() > deadline) throw new Error(`build: ${lockFile} held by pid ${holder} for over 10 minutes`);
    if (!waited && !quiet) console.log(`build: waiting for the build running as pid ${holder}`);
    waited = true;
    await sleep(50);
  }
};
const unlock = () => {
  try {
    if (Number.parseInt(readFileSync(lockFile, 'utf8'), 10) === process.pid) unlinkSync(lockFile);
  } catch {}
};

/** Writes `content` to `target` only if it differs, through a temporary file renamed over it. */
const writeIfChanged = (target, content) => {
  try {
    if (readFileSync(target).equals(Buffer.from(content))) return false;
  } catch {}
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  writeFileSync(tmp, content);
  renameSync(tmp, target);
  return true;
};

const swcOptions = {
  sourceMaps: true,
  module: { type: 'commonjs' },
  jsc: {
    target: 'es2022',
    baseUrl: root,
    paths: tsconfig.compilerOptions.paths,
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    keepClassNames: true,
  },
};

/** `git rev-parse HEAD` and the tree state (tracked files changed or not) of this checkout; {} without git or a checkout. */
const gitInfo = () => {
  const git = (args) => execFileSync('git', args, { cwd: root, encoding: 'utf8', timeout: 5_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const gitCommit = git(['rev-parse', 'HEAD']);
    if (!/^[0-9a-f]{40,64}$/.test(gitCommit)) return {};
    return { gitCommit, gitTreeState: git(['status', '--porcelain', '--untracked-files=no']) === '' ? 'clean' : 'dirty' };
  } catch {
    return {};
  }
};

/**
 * dist/build-info.json: the build date is when the outputs last changed (a
 * build that found dist up to date keeps the date it had), the commit and
 * tree state are the checkout's now. Without git they are left out.
 */
const writeBuildInfo = (rebuilt) => {
  let previous = {};
  try {
    previous = JSON.parse(readFileSync(buildInfoFile, 'utf8'));
  } catch {}
  const buildDate = !rebuilt && typeof previous.buildDate === 'string' ? previous.buildDate : new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  writeIfChanged(buildInfoFile, JSON.stringify({ buildDate, ...gitInfo() }, null, 2) + '\n');
};

const build = async () => {
  const files = ['apps', 'libs'].flatMap((top) => walk(join(root, top), isSource)).sort();
  const data = ['apps', 'libs'].flatMap((top) => walk(join(root, top), isData)).sort();
  const hash = createHash('sha256');
  hash.update(readFileSync(new URL(import.meta.url)));
  hash.update(JSON.stringify(swcOptions.jsc.paths));
  for (const file of [...files, ...data]) hash.update(`\0${relative(root, file)}\0`).update(readFileSync(file));
  const stamp = hash.digest('hex');

  const outputs = new Map();
  for (const file of files) {
    const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
    outputs.set(target, null);
    outputs.set(`${target}.map`, null);
  }
  for (const file of data) outputs.set(join(out, relative(root, file)), file);
  const complete = () => [...outputs.keys()].every((t) => t.endsWith('.map') || existsSync(t));
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp && complete()) {
    writeBuildInfo(false);
    return `dist is up to date (${files.length} files)`;
  }

  let changed = 0;
  for (const file of data) if (writeIfChanged(join(out, relative(root, file)), readFileSync(file))) changed++;
  await Promise.all(
    files.map(async (file) => {
      const { code, map } = await transformFile(file, swcOptions);
      const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
      if (map && writeIfChanged(target + '.map', map)) changed++;
      if (writeIfChanged(target, code + `\n//# sourceMappingURL=${target.split('/').pop()}.map\n`)) changed++;
    }),
  );
  // Outputs whose source is gone (and temporaries of an interrupted build) are removed; nothing else is.
  let removed = 0;
  for (const top of ['apps', 'libs']) {
    if (!existsSync(join(out, top))) continue;
    for (const path of walk(join(out, top), () => true)) {
      if (!outputs.has(path)) {
        unlinkSync(path);
        removed++;
      }
    }
  }
  writeIfChanged(stampFile, stamp);
  writeBuildInfo(changed + removed > 0);
  return `built ${files.length} files into ${relative(process.cwd(), out) || '.'} (${changed} outputs written, ${removed} stale removed)`;
};

await lock();
try {
  const summary = await build();
  if (!quiet) console.log(summary);
} finally {
  unlock();
}
