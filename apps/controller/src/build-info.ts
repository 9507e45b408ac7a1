import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { BuildInfo } from './api/wire/discovery';

/** The repository root from this file's place in the sources (apps/controller/src), or dist/ when it runs from dist/apps/controller/src. */
const ROOT = join(__dirname, '../../..');

/** `git rev-parse HEAD` and whether tracked files differ from it, for the checkout at `root`; {} when git or the checkout is not there. */
export const gitInfo = (root: string): Pick<BuildInfo, 'gitCommit' | 'gitTreeState'> => {
  const git = (args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', timeout: 5_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const gitCommit = git(['rev-parse', 'HEAD']);
    if (!/^[0-9a-f]{40,64}$/.test(gitCommit)) return {};
    const gitTreeState = git(['status', '--porcelain', '--untracked-files=no']) === '' ? 'clean' : 'dirty';
    return { gitCommit, gitTreeState };
  } catch {
    return {};
  }
};

const parse = (text: string): BuildInfo => {
  const o = JSON.parse(text) as Record<string, unknown>;
  const str = (k: string) => (typeof o[k] === 'string' && o[k] !== '' ? (o[k] as string) : undefined);
  const state = str('gitTreeState');
  return {
    ...(str('buildDate') && !Number.isNaN(Date.parse(str('buildDate')!)) ? { buildDate: str('buildDate') } : {}),
    ...(str('gitCommit') ? { gitCommit: str('gitCommit') } : {}),
    ...(state === 'clean' || state === 'dirty' ? { gitTreeState: state } : {}),
  };
};

let cached: BuildInfo | undefined;

/**
 * What `GET /version` says of this server's build. Run from dist/: the
 * `dist/build-info.json` scripts/build.mjs wrote when it built (nothing
 * when it is missing or unreadable: versionInfo then says "unknown" as
 * upstream does). Run from the TypeScript sources (ts-jest, ts-node), the
 * code is compiled as the process starts: the build date is the process's
 * start and the commit is the checkout's.
 */
export const buildInfo = (): BuildInfo => {
  if (cached) return cached;
  if (basename(ROOT) === 'dist') {
    try {
      cached = parse(readFileSync(join(ROOT, 'build-info.json'), 'utf8'));
    } catch {
      cached = {};
    }
  } else {
    const started = new Date(Date.now() - process.uptime() * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    cached = { buildDate: started, ...gitInfo(ROOT) };
  }
  return cached;
};
