import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { SEED_GET_POD_WIDE, SEED_NODES, SEED_ROLLOUT_HISTORY, SEED_ROLLOUT_STATUS } from './fixtures/seed-listings';
import { tableShape } from './listing-shape';

/**
 * `npm run demo` as a user runs it with its output redirected (a CI log,
 * `| tee`): the demo's own source under the swc hook, stdout a pipe.
 */
jest.setTimeout(120_000);

const ROOT = join(__dirname, '../../..');

/** The demo with `env` over this process's environment, without DATA_DIR (so on a throwaway directory it removes). */
const runDemo = (env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string; code: number }> => {
  const base: NodeJS.ProcessEnv = { ...process.env, SIM_POD_START_MS: '100', ...env };
  delete base.DATA_DIR;
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      ['-r', join(ROOT, 'libs/testing/swc-register.js'), join(ROOT, 'apps/controller/src/demo.ts')],
      { cwd: ROOT, env: base, timeout: 110_000, maxBuffer: 8 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ stdout: String(stdout), stderr: String(stderr), code: err ? 1 : 0 }),
    ),
  );
};

/** The lines a step printed: from its `$ <command>` line to the next step. */
const stepOutput = (out: string, command: string, nth = 0): string[] => {
  const blocks = out.split(/\n(?=\$ )/).filter((b) => b.startsWith(`$ ${command}\n`));
  return (blocks[nth] ?? '').split('\n').slice(1);
};

describe('npm run demo, output to a pipe', () => {
  let out = '';
  beforeAll(async () => {
    // NO_COLOR empty counts as unset: only the pipe turns colour off here.
    const r = await runDemo({ NO_COLOR: '' });
    if (r.code !== 0) throw new Error(`demo failed: ${r.stderr}`);
    out = r.stdout;
  });

  it('writes no ANSI escape codes when stdout is not a terminal', () => {
    expect(out).toContain('$ kubectl apply -f infra/manifests/nginx-ds.yaml --record');
    expect(out).not.toContain('\x1b[');
  });

  it('apply --record records its change-cause, so rollout history shows it for revision 1', () => {
    const history = stepOutput(out, 'kubectl rollout history daemonset/nginx-ds');
    expect(history.slice(0, 4)).toEqual([
      'daemonset.apps/nginx-ds ',
      'REVISION  CHANGE-CAUSE',
      '1         kubectl apply --filename=infra/manifests/nginx-ds.yaml --record=true',
      '2         kubectl set image daemonset/nginx-ds nginx-ds=nginx:1.9.1 --record=true',
    ]);
  });

  it('kubectl get pod prints kubectl’s columns; -o wide adds the wide ones', () => {
    const pods = stepOutput(out, 'kubectl get pod').filter((l) => l.trim());
    expect(pods[0].split(/\s{2,}/)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(pods[0]).toMatch(/^NAME {13}READY {3}STATUS {3,}RESTARTS {3}AGE$/);
    expect(pods.slice(1).filter((l) => /^nginx-ds-[a-z0-9]{5}\s/.test(l))).toHaveLength(5);
    expect(pods.slice(1).some((l) => /\s0\/1\s+(ErrImagePull|ImagePullBackOff)\s+0\s+\d+s$/.test(l))).toBe(true);
    const wide = stepOutput(out, 'kubectl get pod -o wide').filter((l) => l.trim());
    expect(wide[0].split(/\s{2,}/)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    for (const row of wide.slice(1)) expect(row).toMatch(/^nginx-ds-[a-z0-9]{5}   1\/1     Running   0          \d+s\s+10\.244\.\d+\.\d+\s+node-\d\s+<none>\s+<none>$/);
  });

  describe('compared with the seeds’ real-cluster listings by shape (seed 001, five nodes too)', () => {
    it('kubectl get pod -o wide: the seed’s columns, widths aside, and values of the same kinds', () => {
      const ours = tableShape(stepOutput(out, 'kubectl get pod -o wide').join('\n'), { nodes: ['node-0', 'node-1', 'node-2', 'node-3', 'node-4'] });
      expect(ours).toEqual(tableShape(SEED_GET_POD_WIDE, { nodes: SEED_NODES }));
    });

    it('kubectl rollout status: only lines kubectl prints, with the seed’s wording', () => {
      const shape = (l: string) => l.replace(/\d+ out of \d+/, '<n> out of <n>').replace(/\d+ of \d+/, '<n> of <n>');
      const seed = new Set(SEED_ROLLOUT_STATUS.trim().split('\n').map(shape));
      const upstreamOnly = ['Waiting for daemon set spec update to be observed...', 'error: timed out waiting for the condition'];
      const lines = out.split(/\n(?=\$ )/).filter((b) => b.startsWith('$ kubectl rollout status ')).flatMap((b) => b.split('\n').slice(1).filter((l) => l.trim()));
      expect(lines.length).toBeGreaterThan(4);
      for (const l of lines) expect([...seed, ...upstreamOnly]).toContain(shape(l));
    });

    it('kubectl rollout history: the seed’s layout (kind/name line with its trailing space, REVISION and CHANGE-CAUSE, a blank line)', () => {
      const seed = SEED_ROLLOUT_HISTORY.split('\n');
      const ours = stepOutput(out, 'kubectl rollout history daemonset/nginx-ds');
      expect(ours.slice(0, 2)).toEqual(seed.slice(0, 2));
      const rows = ours.slice(2, ours.indexOf(''));
      expect(rows.length).toBeGreaterThanOrEqual(2);
      for (const r of rows) expect(r).toMatch(/^\d {9}(<none>|kubectl \S.*)$/);
      expect(ours[rows.length + 2]).toBe('');
    });
  });
});

