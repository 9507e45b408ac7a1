import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type ApiHarness, KUBECTL, MANIFESTS, rows, startApiHarness } from './api-harness';

/**
 * ledger.daemonledger.io/v1 rollouts with the real kubectl: discovery, the
 * Table, label and field selectors, watch, the per-node timeline, describe,
 * time travel, the audit subresource, and writes refused with 405.
 */
jest.setTimeout(90_000);

const NGINX = join(MANIFESTS, 'nginx-ds.yaml');
const BASE = '/apis/ledger.daemonledger.io/v1/namespaces/default/rollouts';

describe('kubectl reads rollouts (ledger.daemonledger.io/v1)', () => {
  let h: ApiHarness;
  let beforeSetImage = 0;

  const ok = async (args: string[], opts?: Parameters<ApiHarness['kubectl']>[1]) => {
    const r = await h.kubectl(args, opts);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r;
  };
  const rolledOut = async () => expect((await ok(['rollout', 'status', 'ds/nginx-ds', '--timeout=30s'])).stdout).toMatch(/successfully rolled out/);
  const state = async (name: string) => (await ok(['get', 'rollout', name, '-o', 'jsonpath={.status.state}'])).stdout;

  beforeAll(async () => {
    h = await startApiHarness({ nodes: 3, podStartMs: 100 });
    await ok(['apply', '-f', NGINX]);
    await rolledOut();
    await h.until(async () => (await state('nginx-ds-1')) === 'Complete', 20_000, 'rollout 1 complete');
    beforeSetImage = await h.head();
    await ok(['set', 'image', 'ds/nginx-ds', 'nginx-ds=nginx:1.9.1', '--record']);
    await rolledOut();
    await h.until(async () => (await state('nginx-ds-2')) === 'Complete', 20_000, 'rollout 2 complete');
  });
  afterAll(() => h?.dispose());

  it('api-resources lists rollouts in the ledger group, read-only', async () => {
    const [header, ...resources] = rows((await ok(['api-resources', '--api-group=ledger.daemonledger.io', '-o', 'wide'])).stdout);
    expect(header).toEqual(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', 'VERBS', 'CATEGORIES']);
    expect(resources).toEqual([['rollouts', 'ro', 'ledger.daemonledger.io/v1', 'true', 'Rollout', 'get,list,watch']]);
  });

  it('get rollouts prints the Table columns, one row per rollout', async () => {
    const [header, first, second] = rows((await ok(['get', 'rollouts'])).stdout);
    expect(header).toEqual(['NAME', 'DAEMONSET', 'FROM', 'TO', 'STATE', 'UPDATED', 'STARTED', 'DURATION', 'BY', 'CAUSE']);
    expect(first.slice(0, 6)).toEqual(['nginx-ds-1', 'nginx-ds', '<none>', '1', 'Complete', '3/3']);
    expect(second.slice(0, 6)).toEqual(['nginx-ds-2', 'nginx-ds', '1', '2', 'Complete', '3/3']);
    expect(second[6]).toMatch(/^\d+s$/);
    expect(second[7]).toMatch(/^\d+s$/);
    expect(second[8]).toBe('user:admin');
    expect(second[9]).toMatch(/^kubectl set image ds\/nginx-ds nginx-ds=nginx:1\.9\.1 .*--record=true$/);
    expect(rows((await ok(['get', 'ro'])).stdout).map((r) => r[0])).toEqual(['NAME', 'nginx-ds-1', 'nginx-ds-2']);
  });

  it('selects by DaemonSet label and by field', async () => {
    expect(rows((await ok(['get', 'rollouts', '-l', 'ledger.daemonledger.io/daemonset=nginx-ds', '-o', 'name'])).stdout).flat()).toEqual([
      'rollout.ledger.daemonledger.io/nginx-ds-1',
      'rollout.ledger.daemonledger.io/nginx-ds-2',
    ]);
    const none = await ok(['get', 'rollouts', '-l', 'ledger.daemonledger.io/daemonset=other']);
    expect(none.stderr).toBe('No resources found in default namespace.\n');
    const byName = rows((await ok(['get', 'rollouts', '-A', '--field-selector', 'metadata.name=nginx-ds-2'])).stdout);
    expect(byName.slice(1).map((r) => r.slice(0, 2))).toEqual([['default', 'nginx-ds-2']]);
    expect(rows((await ok(['get', 'rollouts', '--field-selector', 'status.state=Stalled'])).stdout)).toEqual([]);
  });

  it('get rollout -o json holds the per-node timeline with log positions', async () => {
    const r = JSON.parse((await ok(['get', 'rollout', 'nginx-ds-2', '-o', 'json'])).stdout);
    expect(r).toMatchObject({
      apiVersion: 'ledger.daemonledger.io/v1',
      kind: 'Rollout',
      metadata: { name: 'nginx-ds-2', namespace: 'default', labels: { 'ledger.daemonledger.io/daemonset': 'nginx-ds' } },
      spec: { daemonSet: 'nginx-ds', rollout: 2, fromRevision: 1, toRevision: 2, strategy: 'RollingUpdate', maxUnavailable: 1, maxSurge: 0, nodeCount: 3, requestedBy: 'user:admin' },
      status: { state: 'Complete', desired: 3, updated: 3, available: 3, unavailable: 0 },
    });
    expect(Number(r.metadata.resourceVersion)).toBe(r.status.lastPosition);
    expect(r.status.nodes.map((n: { node: string }) => n.node)).toEqual(['node-0', 'node-1', 'node-2']);
    for (const n of r.status.nodes) {
      const steps = n.steps.map((s: { step: string }) => s.step);
      expect(steps).toEqual(expect.arrayContaining(['OldPodStopRequested', 'OldPodDeleted', 'NewPodCreated', 'Scheduled', 'Started', 'Ready', 'Available']));
      expect(steps.indexOf('OldPodStopRequested')).toBeLessThan(steps.indexOf('NewPodCreated'));
      const positions = n.steps.map((s: { position: number }) => s.position);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      expect(positions[0]).toBeGreaterThan(beforeSetImage);
      expect(n.oldPod).toMatch(/^nginx-ds-[a-z0-9]{5}$/);
      expect(n.newPod).toMatch(/^nginx-ds-[a-z0-9]{5}$/);
    }
    // maxUnavailable 1 over 3 nodes: two of them waited for the first.
    const waited = r.status.nodes.filter((n: { steps: { step: string }[] }) => n.steps.some((s) => s.step === 'WaitingForMaxUnavailable'));
    expect(waited.length).toBeGreaterThanOrEqual(1);
  });

  it('describe rollout prints the object', async () => {
    const out = (await ok(['describe', 'rollout', 'nginx-ds-2'])).stdout;
    expect(out).toMatch(/^Name:\s+nginx-ds-2$/m);
    expect(out).toMatch(/^Labels:\s+ledger\.daemonledger\.io\/daemonset=nginx-ds$/m);
    expect(out).toMatch(/^Kind:\s+Rollout$/m);
    expect(out).toMatch(/^\s+Daemon Set:\s+nginx-ds$/m);
    expect(out).toMatch(/^\s+State:\s+Complete$/m);
    expect(out).toMatch(/^\s+Step:\s+OldPodStopRequested$/m);
  });

  it('the audit subresource lists the correlated events in log order, PodCreated among them', async () => {
    const audit = JSON.parse((await ok(['get', '--raw', `${BASE}/nginx-ds-2/audit`])).stdout);
    expect(audit).toMatchObject({ apiVersion: 'ledger.daemonledger.io/v1', kind: 'RolloutAudit', metadata: { name: 'nginx-ds-2', namespace: 'default' } });
    expect(audit.correlationId).toEqual(expect.any(String));
    const positions = audit.entries.map((e: { position: number }) => e.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(positions.length);
    const created = audit.entries.filter((e: { event: string }) => e.event === 'PodCreated');
    expect(created).toHaveLength(3);
    for (const e of created) {
      expect(e).toMatchObject({ actor: 'daemonset-controller', object: expect.stringMatching(/^pod\/nginx-ds-/), detail: expect.stringMatching(/^on node-\d image nginx:1\.9\.1 hash /) });
    }
    expect(audit.entries.map((e: { event: string }) => e.event)).toEqual(expect.arrayContaining(['DaemonSetSpecChanged', 'RolloutStarted', 'PodDeletionRequested', 'PodStatusReported', 'RolloutCompleted']));
    expect(audit.entries.find((e: { event: string }) => e.event === 'DaemonSetSpecChanged').actor).toBe('user:admin');
    const asViewer = JSON.parse((await ok(['get', '--raw', `${BASE}/nginx-ds-2/audit`], { kubeconfig: h.viewerKubeconfig })).stdout);
    expect(asViewer.entries).toEqual(audit.entries); // the read-only token may look
    const missing = await h.kubectl(['get', '--raw', `${BASE}/nginx-ds-99/audit`]);
    expect(missing.stderr).toMatch(/NotFound|not found/);
  });

  it('time travel: the rollouts as they were before set image', async () => {
    const past = JSON.parse((await ok(['get', '--raw', `${BASE}?resourceVersion=${beforeSetImage}&resourceVersionMatch=Exact`])).stdout);
    expect(past.items.map((r: { metadata: { name: string } }) => r.metadata.name)).toEqual(['nginx-ds-1']);
    expect(past.metadata.resourceVersion).toBe(String(beforeSetImage));
  });

  it('writes are refused with 405 and append nothing', async () => {
    const head = await h.head();
    const del = await h.kubectl(['delete', 'rollout', 'nginx-ds-1']);
    expect(del.code).not.toBe(0);
    expect(del.stderr).toMatch(/MethodNotAllowed|not supported|not allow/);
    const raw = await h.raw(`${BASE}/nginx-ds-1`, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { spec: { rollout: 9 } } });
    expect(raw.status).toBe(405);
    expect(raw.json()).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed', code: 405 });
    expect(await h.head()).toBe(head);
  });

  it('get rollouts -w shows a new rollout as it starts and completes', async () => {
    // kubectl runs until killed: read its output as it comes, act once the watch has listed.
    const child = spawn(KUBECTL, [`--kubeconfig=${h.kubeconfig}`, `--cache-dir=${join(h.dir, 'kube-cache')}`, 'get', 'rollouts', '-w'], { env: { ...process.env, KUBECONFIG: '' } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    try {
      await h.until(() => /nginx-ds-2 /.test(out), 20_000, 'the watch lists the rollouts');
      await ok(['set', 'image', 'ds/nginx-ds', 'nginx-ds=nginx:1.10.0']);
      await h.until(() => rows(out).some((l) => l[0] === 'nginx-ds-3' && l[4] === 'Complete'), 30_000, 'rollout 3 complete in the watch');
    } finally {
      child.kill();
    }
    const lines = rows(out);
    expect(lines[0]).toEqual(['NAME', 'DAEMONSET', 'FROM', 'TO', 'STATE', 'UPDATED', 'STARTED', 'DURATION', 'BY', 'CAUSE']);
    const third = lines.filter((l) => l[0] === 'nginx-ds-3');
    expect(third[0].slice(1, 5)).toEqual(['nginx-ds', '2', '3', 'Progressing']);
    expect(third.at(-1)!.slice(4, 6)).toEqual(['Complete', '3/3']);
  });

  it('a bad image: the rollout stalls with the pull error, the other nodes wait for maxUnavailable; undo supersedes it', async () => {
    await ok(['set', 'image', 'ds/nginx-ds', 'nginx-ds=nginx:1.91']);
    await h.until(async () => (await state('nginx-ds-4')) === 'Stalled', 20_000, 'rollout 4 stalled');
    expect(rows((await ok(['get', 'rollouts', '--field-selector', 'status.state=Stalled', '-o', 'name'])).stdout).flat()).toEqual(['rollout.ledger.daemonledger.io/nginx-ds-4']);
    const r = JSON.parse((await ok(['get', 'rollout', 'nginx-ds-4', '-o', 'json'])).stdout);
    expect(r.status.message).toMatch(/ErrImagePull/);
    const failing = r.status.nodes.filter((n: { steps: { step: string }[] }) => n.steps.some((s) => s.step === 'PullFailed'));
    expect(failing).toHaveLength(1);
    expect(failing[0].steps.find((s: { step: string }) => s.step === 'PullFailed')).toMatchObject({ actor: `node-agent:${failing[0].node}`, message: expect.stringMatching(/^ErrImagePull: /) });
    const waiting = r.status.nodes.filter((n: { node: string }) => n.node !== failing[0].node);
    expect(waiting).toHaveLength(2);
    for (const n of waiting) expect(n.steps.map((s: { step: string }) => s.step)).toEqual(['WaitingForMaxUnavailable']);

    await ok(['rollout', 'undo', 'ds/nginx-ds']);
    await rolledOut();
    await h.until(async () => (await state('nginx-ds-5')) === 'Complete', 20_000, 'rollout 5 complete');
    const superseded = JSON.parse((await ok(['get', 'rollout', 'nginx-ds-4', '-o', 'json'])).stdout);
    expect(superseded.status).toMatchObject({ state: 'Superseded', message: expect.stringMatching(/^superseded by rollout 5/), endedAt: expect.any(String) });
  });
});
