import { join } from 'node:path';
import { parse } from 'yaml';
import { type ApiHarness, kubectlLedger, MANIFESTS, rows, startApiHarness } from './api-harness';

/**
 * The kubectl plugin through the real kubectl: `kubectl ledger …` found on
 * PATH (bin/), against the whole server, with the kubeconfigs it writes.
 */
jest.setTimeout(60_000);

describe('kubectl ledger', () => {
  let h: ApiHarness;
  let before = 0; // a position while nginx-ds ran nginx:1.7.9
  let beforeTime = '';

  /** `kubectl ledger <args>` with KUBECONFIG (admin unless given). */
  const ledger = (args: string[], kubeconfig = h.kubeconfig) => kubectlLedger(args, kubeconfig);
  const ok = async (args: string[], kubeconfig?: string) => {
    const r = await ledger(args, kubeconfig);
    if (r.code !== 0) throw new Error(`kubectl ledger ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r;
  };
  const kubectl = async (args: string[]) => {
    const r = await h.kubectl(args);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  beforeAll(async () => {
    h = await startApiHarness({ nodes: 3, podStartMs: 50 });
    await kubectl(['apply', '-f', join(MANIFESTS, 'nginx-ds.yaml')]);
    await kubectl(['rollout', 'status', 'ds/nginx-ds', '--timeout=30s']);
    await new Promise((r) => setTimeout(r, 20));
    before = await h.head();
    beforeTime = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await kubectl(['set', 'image', 'ds/nginx-ds', 'nginx-ds=nginx:1.9.1']);
    await kubectl(['rollout', 'status', 'ds/nginx-ds', '--timeout=30s']);
  });
  afterAll(() => h?.dispose());

  it('kubectl finds the plugin; --help for the plugin and each verb', async () => {
    const top = await ok(['--help']);
    expect(top.stdout).toMatch(/^Verbs:\n {2}audit .*\n {2}at .*\n {2}diff .*\n {2}pause .*\n {2}resume .*\n {2}verify /m);
    for (const [verb, usage] of [
      ['audit', 'kubectl ledger audit ds/<name> [-n namespace] [--rollout N] [--events]'],
      ['at', 'kubectl ledger at <position|RFC3339 time> get <resource> [name] [-n namespace | -A] [-o wide|yaml|json|name]'],
      ['diff', 'kubectl ledger diff ds/<name> <revA> <revB> [-n namespace]'],
      ['pause', 'kubectl ledger pause ds/<name> [-n namespace]'],
      ['resume', 'kubectl ledger resume ds/<name> [-n namespace]'],
      ['verify', 'kubectl ledger verify'],
    ]) {
      const r = await ok([verb, '--help']);
      expect(r.stdout).toContain(`Usage:\n  ${usage}\n`);
      expect(r.stdout).toContain('--kubeconfig');
    }
    const bad = await ledger(['frobnicate']);
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringContaining('error: unknown verb "frobnicate"') });
  });

  it('at <position> get ds: the Table as it was, with -o wide, yaml, json and name', async () => {
    const [header, row] = rows((await ok(['at', String(before), 'get', 'ds', '-o', 'wide'])).stdout);
    expect(header).toEqual(['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
    expect(row[0]).toBe('nginx-ds');
    expect(row[9]).toBe('repository.test.com:8444/kubernetes/nginx/nginx:1.7.9');
    expect(rows(await kubectl(['get', 'ds', '-o', 'wide']))[1][9]).toBe('nginx:1.9.1'); // now

    const yaml = parse((await ok(['at', String(before), 'get', 'ds', 'nginx-ds', '-o', 'yaml'])).stdout);
    expect(yaml).toMatchObject({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'nginx-ds' } });
    expect(yaml.spec.template.spec.containers[0].image).toBe('repository.test.com:8444/kubernetes/nginx/nginx:1.7.9');
    expect(Number(yaml.metadata.resourceVersion)).toBeLessThanOrEqual(before);
    const json = JSON.parse((await ok(['at', String(before), 'get', 'pods', '-o', 'json'])).stdout);
    expect(json).toMatchObject({ apiVersion: 'v1', kind: 'List' });
    expect(json.items.map((p: any) => p.spec.containers[0].image)).toEqual(Array(3).fill('repository.test.com:8444/kubernetes/nginx/nginx:1.7.9'));
    expect((await ok(['at', String(before), 'get', 'ds/nginx-ds', '-o', 'name'])).stdout).toBe('daemonset.apps/nginx-ds\n');
  });

  it('at <RFC3339 time> resolves the time to a position through the server', async () => {
    const r = await ok(['at', beforeTime, 'get', 'ds', '-o', 'wide']);
    expect(r.stderr).toMatch(new RegExp(`^${beforeTime} is position ${before} \\(recorded `));
    expect(rows(r.stdout)[1][9]).toBe('repository.test.com:8444/kubernetes/nginx/nginx:1.7.9');
    const early = await ledger(['at', '2001-01-01T00:00:00Z', 'get', 'ds']);
    expect(early).toMatchObject({ code: 1, stderr: 'error: nothing was recorded at or before 2001-01-01T00:00:00Z\n' });
  });

  it('at … get -A adds the NAMESPACE column; a missing name is NotFound; a bad output is refused', async () => {
    const [header, ...pods] = rows((await ok(['at', String(before), 'get', 'pods', '-A'])).stdout);
    expect(header.slice(0, 3)).toEqual(['NAMESPACE', 'NAME', 'READY']);
    expect(pods.map((p) => p[0])).toEqual(['default', 'default', 'default']);
    expect(await ledger(['at', String(before), 'get', 'ds', 'nope'])).toMatchObject({
      code: 1,
      stderr: `Error from server (NotFound): daemonsets.apps "nope" not found at position ${before}\n`,
    });
    expect((await ledger(['at', String(before), 'get', 'ds', '-o', 'table'])).stderr).toMatch(/^error: unable to match a printer suitable for the output format "table"/);
    expect((await ledger(['at', String((await h.head()) + 1000), 'get', 'ds'])).stderr).toMatch(/^Error from server \(Timeout\): Too large resource version/);
  });

  it('diff ds/<name> <revA> <revB>: the template change as a unified diff of YAML', async () => {
    const r = await ok(['diff', 'ds/nginx-ds', '1', '2']);
    expect(r.stdout).toMatch(/^--- daemonset\/nginx-ds revision 1 \(nginx-ds-[0-9a-f]{10}\)\n\+\+\+ daemonset\/nginx-ds revision 2 \(nginx-ds-[0-9a-f]{10}\)\n@@ /);
    expect(r.stdout).toContain('\n   spec:\n     containers:\n-      - image: repository.test.com:8444/kubernetes/nginx/nginx:1.7.9\n+      - image: nginx:1.9.1\n         imagePullPolicy: IfNotPresent\n');
    const missing = await ledger(['diff', 'ds/nginx-ds', '1', '7']);
    expect(missing).toMatchObject({ code: 1, stderr: 'error: daemonset default/nginx-ds has no revision 7 (revisions: 1, 2)\n' });
  });

  it('audit ds/<name>: the rollouts as a Table, and one replayed node by node with the log positions', async () => {
    const [header, ...list] = rows((await ok(['audit', 'ds/nginx-ds'])).stdout);
    expect(header).toEqual(['NAME', 'DAEMONSET', 'FROM', 'TO', 'STATE', 'UPDATED', 'STARTED', 'DURATION', 'BY', 'CAUSE']);
    expect(list.map((r) => r.slice(0, 6))).toEqual([
      ['nginx-ds-1', 'nginx-ds', '<none>', '1', 'Complete', '3/3'],
      ['nginx-ds-2', 'nginx-ds', '1', '2', 'Complete', '3/3'],
    ]);

    const r = await ok(['audit', 'ds/nginx-ds', '--rollout', '2', '--events'], h.viewerKubeconfig);
    expect(r.stdout).toMatch(/^Revision: +1 → 2 \([0-9a-f]{10}\)$/m);
    expect(r.stdout).toMatch(/^Requested: +user:admin$/m);
    expect(r.stdout).toMatch(/^State: +Complete: 3\/3 updated, 3 available, 0 unavailable$/m);
    const [replay, events] = r.stdout.split(/^Events \(correlation [-0-9a-f]+\):$/m);
    // Every node's new pod: created by the controller, Ready as its kubelet reported, each at a log position…
    const steps = rows(replay.slice(replay.indexOf('NODE'))).slice(1);
    const created = steps.filter((s) => s.includes('NewPodCreated'));
    expect(created).toHaveLength(3);
    expect(steps.filter((s) => s.includes('Ready') && /^node-agent:node-\d$/.test(s[s.indexOf('Ready') + 3]))).toHaveLength(3);
    // …which is where the log holds that pod's PodCreated.
    const log = rows(events).slice(1);
    for (const s of created) {
      const at = s[s.indexOf('NewPodCreated') + 2];
      expect(log.find((e) => e[0] === at)?.slice(2, 5)).toEqual(['daemonset-controller', expect.stringMatching(/^pod\/nginx-ds-[a-z0-9]{5}$/), 'PodCreated']);
    }
    // The rollouts resource travels in time like any other.
    expect(rows((await ok(['at', String(before), 'get', 'rollouts'])).stdout).slice(1).map((x) => x[0])).toEqual(['nginx-ds-1']);
    expect(await ledger(['audit', 'ds/nginx-ds', '--rollout', '7'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/^Error from server \(NotFound\): .*nginx-ds-7/) });
  });

  it('verify: OK with counts, for the viewer too', async () => {
    for (const kubeconfig of [h.kubeconfig, h.viewerKubeconfig]) {
      const r = await ok(['verify'], kubeconfig);
      expect(r.stdout).toMatch(/^OK: \d+ events up to position \d+\n/);
      expect(r.stdout).toContain('1 daemonsets, 2 controllerrevisions created, 0 renumbered: revision numbers only grow');
      expect(r.stdout).toContain('positions without holes; hash chain verified from the first event');
    }
  });

  it('/ledger/v1/position and /verify: Status errors, tokens', async () => {
    const bad = await h.raw('/ledger/v1/position?time=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    expect((await h.raw('/ledger/v1/position?time=2001-01-01T00:00:00Z', { token: h.tokens.viewer })).json()).toEqual({
      kind: 'LogPosition',
      apiVersion: 'ledger.daemonledger.io/v1',
      time: '2001-01-01T00:00:00.000Z',
      position: 0,
      recordedAt: null,
    });
    expect((await h.raw('/ledger/v1/verify', { token: null })).status).toBe(401);
    expect((await h.raw('/ledger/v1/verify', { method: 'POST', token: h.tokens.viewer })).status).toBe(403);
  });

  it('verify: a revision number reused in the log is reported at its position, exit 1', async () => {
    const rev = (await h.raw('/apis/apps/v1/namespaces/default/controllerrevisions')).json<{ items: any[] }>().items.find((r) => r.revision === 1);
    const { resourceVersion: _rv, ...metadata } = rev.metadata;
    const { position } = await h.embedded.store.append('controllerrevision-default.nginx-ds-again', [
      {
        id: '00000000-0000-4000-8000-00000000e2e1',
        type: 'ControllerRevisionCreated',
        data: { revision: { ...rev, metadata: { ...metadata, name: 'nginx-ds-again', uid: 'again' } } },
        metadata: { actor: 'test' },
      },
    ]);
    const r = await ledger(['verify']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`VIOLATION at position ${position} (revision-monotonic): controllerrevision default/nginx-ds-again created as revision 1: daemonset default/nginx-ds already had revision 2`);
    expect(r.stdout).toMatch(new RegExp(`^> ${position} .* test +controllerrevision-default\\.nginx-ds-again +0 +ControllerRevisionCreated$`, 'm'));
  });
});
