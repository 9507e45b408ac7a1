import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { MANIFESTS, startApiHarness, type ApiHarness } from './api-harness';

/** A second real client: @kubernetes/client-node lists and watches DaemonSets. */
describe('@kubernetes/client-node against DaemonLedger', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness({ nodes: 3, podStartMs: 20 });
    const applied = await h.kubectl(['apply', '-f', join(MANIFESTS, 'nginx-ds.yaml')]);
    expect(applied.code).toBe(0);
    await h.until(async () => (await h.raw('/apis/apps/v1/namespaces/default/daemonsets/nginx-ds')).json<any>().status?.numberAvailable === 3);
  });
  afterAll(() => h?.dispose());

  it('lists DaemonSets and watches a rolling update through the official client', async () => {
    const child = spawn(process.execPath, [join(__dirname, 'client-node-check.mjs'), h.kubeconfig], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const waitFor = (re: RegExp, ms = 20_000) =>
      new Promise<void>((resolve, reject) => {
        const t0 = Date.now();
        const tick = () => (re.test(out) ? resolve() : Date.now() - t0 > ms ? reject(new Error(`no ${re} in:\n${out}\n${err}`)) : setTimeout(tick, 20));
        tick();
      });
    try {
      await waitFor(/^WATCHING$/m);
      expect(out).toMatch(/^LIST \d+ nginx-ds=3$/m);
      expect((await h.kubectl(['set', 'image', 'ds/nginx-ds', 'nginx-ds=nginx:1.9.1'])).code).toBe(0);
      // The spec change arrives first, then status updates until the rollout is observed and done.
      await waitFor(/^EVENT MODIFIED nginx-ds \d+ image=nginx:1\.9\.1 updated=3 observed=true$/m);
      const rvs = [...out.matchAll(/^EVENT MODIFIED nginx-ds (\d+) /gm)].map((m) => Number(m[1]));
      expect(rvs.length).toBeGreaterThan(1);
      expect(rvs.every((rv, i) => i === 0 || rv > rvs[i - 1])).toBe(true);
    } finally {
      child.stdin.end();
      child.kill();
    }
  }, 60_000);
});
