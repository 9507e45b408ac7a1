import { join } from 'node:path';
import { type ApiHarness, kubectlExpecting, kubectlLedger, MANIFESTS, rows, startApiHarness } from './api-harness';

/**
 * Rollout controls beyond upstream (README "Rollout controls"), with the real
 * kubectl and the plugin, on five nodes: a bad value refused without an
 * append; pause (a new node still gets the current revision, rollout status
 * keeps waiting) and resume; a partition that keeps the lowest-named nodes
 * on the old revision until it is removed; each decision in the rollout's audit.
 * One server for the file; steps build on each other.
 */
jest.setTimeout(120_000);

const OLD = 'repository.test.com:8444/kubernetes/nginx/nginx:1.7.9';
const NEW = 'nginx:1.9.1';

describe('rollout controls through kubectl', () => {
  let h: ApiHarness;
  const { ok, fails } = kubectlExpecting(() => h);
  const ledger = async (args: string[]) => {
    const r = await kubectlLedger(args, h.kubeconfig);
    if (r.code !== 0) throw new Error(`kubectl ledger ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  };
  /** Node → image of its live daemon pod. */
  const images = async () => {
    const pods = JSON.parse(await ok(['get', 'pods', '-l', 'app=nginx-ds', '-o', 'json'])).items as any[];
    return new Map(pods.filter((p) => !p.metadata.deletionTimestamp).map((p) => [p.spec.nodeName as string, p.spec.containers[0].image as string]));
  };
  const rolloutState = async () => rows(await ok(['get', 'rollouts'])).at(-1)!;
  const waitingStatus = async () => {
    const r = await h.kubectl(['rollout', 'status', 'ds/nginx-ds', '--timeout=2s']);
    expect(r.code).not.toBe(0);
    return r.stdout;
  };
  const settle = () => new Promise((r) => setTimeout(r, 1500));

  beforeAll(async () => {
    h = await startApiHarness({ nodes: 5, podStartMs: 50, podStopMs: 50 });
    await ok(['apply', '-f', join(MANIFESTS, 'nginx-ds.yaml')]);
    await ok(['rollout', 'status', 'ds/nginx-ds', '--timeout=60s']);
  });
  afterAll(() => h?.dispose());

  it('a bad value is refused with a Status naming the annotation, and nothing is appended', async () => {
    const head = await h.head();
    const stderr = await fails(['annotate', 'ds', 'nginx-ds', 'rollout.daemonledger.io/partition=some']);
    expect(stderr).toContain('The DaemonSet "nginx-ds" is invalid');
    expect(stderr).toContain('metadata.annotations[rollout.daemonledger.io/partition]');
    expect(await fails(['annotate', 'ds', 'nginx-ds', 'rollout.daemonledger.io/on-stall=explode'])).toContain('rollout.daemonledger.io/on-stall');
    expect(await h.head()).toBe(head);
  });

  it('paused: a template change replaces no pod, a new node gets the current revision, rollout status keeps waiting', async () => {
    expect(await ledger(['pause', 'ds/nginx-ds'])).toBe('daemonset.apps/nginx-ds paused\n');
    expect((await kubectlLedger(['pause', 'ds/nginx-ds'], h.kubeconfig)).stderr).toBe('error: daemonsets.apps "nginx-ds" is already paused\n');
    await ok(['set', 'image', 'ds/nginx-ds', `nginx-ds=${NEW}`]);
    await settle();
    expect([...(await images()).values()]).toEqual([OLD, OLD, OLD, OLD, OLD]);
    await h.until(async () => (await rolloutState())[4] === 'Paused', 20_000, 'rollout 2 Paused');

    await ok(['create', '-f', h.file('node.yaml', 'apiVersion: v1\nkind: Node\nmetadata:\n  name: node-5\n')]);
    await h.until(async () => (await images()).get('node-5') === NEW, 30_000, 'a pod of the current revision on the new node');
    expect(await waitingStatus()).toContain('Waiting for daemon set "nginx-ds" rollout to finish: 1 out of 6 new pods have been updated...');
  });

  it('a partition keeps the lowest-named nodes on the old revision (OpenKruise’s rule) and the rollout holds; removing it finishes the rollout', async () => {
    await ok(['annotate', 'ds', 'nginx-ds', 'rollout.daemonledger.io/partition=2']);
    expect(await ledger(['resume', 'ds/nginx-ds'])).toBe('daemonset.apps/nginx-ds resumed\n');
    await h.until(async () => (await rolloutState())[4] === 'Holding', 60_000, 'rollout 2 Holding');
    // OpenKruise's rule: 6 nodes, partition 2, so 4 may run the new revision. node-5 already does (it
    // joined while paused); the rest of the room goes from the highest name down: node-4, node-3, node-2.
    expect([...(await images()).entries()].sort()).toEqual([
      ['node-0', OLD],
      ['node-1', OLD],
      ['node-2', NEW],
      ['node-3', NEW],
      ['node-4', NEW],
      ['node-5', NEW],
    ]);
    expect(await waitingStatus()).toContain('4 out of 6 new pods have been updated');

    await ok(['annotate', 'ds', 'nginx-ds', 'rollout.daemonledger.io/partition-']);
    await ok(['rollout', 'status', 'ds/nginx-ds', '--timeout=60s']);
    expect([...(await images()).values()].every((i) => i === NEW)).toBe(true);
    expect((await rolloutState())[4]).toBe('Complete');
  });

  it('the audit says when the rollout paused, resumed, held and why', async () => {
    const audit = await ledger(['audit', 'ds/nginx-ds', '--rollout', '2', '--events']);
    const order = ['RolloutStarted', 'RolloutPaused', 'RolloutPartitionChanged', 'RolloutResumed', 'RolloutHeld', 'RolloutPartitionChanged', 'RolloutCompleted'];
    const seen = audit.split('\n').map((l) => order.find((t) => new RegExp(`\\b${t}\\b`).test(l))).filter(Boolean);
    expect(seen).toEqual(order);
    expect(audit).toContain('2 node(s) kept on the old revision by partition 2');
    expect(audit).toContain('partition 0 → 2');
  });

  it('progress deadline with on-stall rollback: the seed\'s nginx:1.91 typo is undone to the last revision that was fully available', async () => {
    await ok(['annotate', 'ds', 'nginx-ds', 'rollout.daemonledger.io/progress-deadline-seconds=3', 'rollout.daemonledger.io/on-stall=rollback']);
    await ok(['set', 'image', 'ds/nginx-ds', 'nginx-ds=nginx:1.91']);
    await h.until(async () => rows(await ok(['get', 'rollouts'])).some((r) => r[0] === 'nginx-ds-3' && r[4] === 'RolledBack'), 60_000, 'rollout 3 RolledBack');
    await ok(['rollout', 'status', 'ds/nginx-ds', '--timeout=60s']);
    expect([...(await images()).values()].every((i) => i === NEW)).toBe(true);
    // The undo's change-cause says why; the rollout it started records it (and who asked).
    expect(await ok(['get', 'ds', 'nginx-ds', '-o', 'jsonpath={.metadata.annotations.kubernetes\\.io/change-cause}'])).toMatch(
      /^auto-rollback: rollout 3 made no progress: DaemonSet "nginx-ds" has timed out progressing: no progress for 3s/,
    );
    const rollouts = rows(await ledger(['audit', 'ds/nginx-ds']));
    expect(rollouts.find((r) => r[0] === 'nginx-ds-4')?.slice(4, 6)).toEqual(['Complete', '6/6']);
    expect(rollouts.find((r) => r[0] === 'nginx-ds-4')?.join(' ')).toContain('user:rollout-controller');
    // The DaemonSet's Progressing condition, and the Events kubectl describe shows.
    await h.until(async () => (await ok(['get', 'ds', 'nginx-ds', '-o', 'jsonpath={.status.conditions[?(@.type=="Progressing")].reason}'])) === 'NewRevisionAvailable', 20_000, 'Progressing True again');
    const events = JSON.parse(await ok(['get', 'events', '-o', 'json'])).items as any[];
    expect(events.filter((e) => e.reason === 'ProgressDeadlineExceeded' && e.involvedObject.name === 'nginx-ds').map((e) => e.type)).toEqual(['Warning']);
    expect(events.find((e) => e.reason === 'RolledBack')?.message).toMatch(/^Rolled back to revision \d+: rollout 3 made no progress/);
    // The audit: the stall, the deadline, the rollback, in log order.
    const audit = await ledger(['audit', 'ds/nginx-ds', '--rollout', '3', '--events']);
    const order = ['RolloutStarted', 'RolloutDeadlineExceeded', 'RolloutAutoRolledBack'];
    expect(audit.split('\n').map((l) => order.find((t) => new RegExp(`\\b${t}\\b`).test(l))).filter(Boolean)).toEqual(order);
    // Metrics: the rollout is counted as rolled back.
    expect((await h.raw('/metrics')).body).toMatch(/^daemonledger_rollouts\{state="rolledback"\} 1$/m);
  });

  it('on-stall pause: past the deadline the controller pauses the DaemonSet instead', async () => {
    await ok(['annotate', 'ds', 'nginx-ds', '--overwrite', 'rollout.daemonledger.io/on-stall=pause']);
    await ok(['set', 'image', 'ds/nginx-ds', 'nginx-ds=nginx:1.91']);
    await h.until(async () => (await ok(['get', 'ds', 'nginx-ds', '-o', 'jsonpath={.metadata.annotations.rollout\\.daemonledger\\.io/paused}'])) === 'true', 60_000, 'paused by the controller');
    await h.until(async () => (await rolloutState())[4] === 'Paused', 20_000, 'the rollout Paused');
    expect(await ok(['get', 'ds', 'nginx-ds', '-o', 'jsonpath={.status.conditions[?(@.type=="Progressing")].status}'])).toBe('False');
  });
});

describe('the canary control through kubectl', () => {
  let h: ApiHarness;
  const { ok } = kubectlExpecting(() => h);
  const audit = async (n: number) => {
    const r = await kubectlLedger(['audit', 'ds/nginx-ds', '--rollout', String(n), '--events'], h.kubeconfig);
    expect(r.code).toBe(0);
    return r.stdout;
  };
  const seen = (text: string, order: string[]) => text.split('\n').map((l) => order.find((t) => new RegExp(`\\b${t}\\b`).test(l))).filter(Boolean);
  const stateOf = async (rollout: string) => rows(await ok(['get', 'rollouts'])).find((r) => r[0] === rollout)?.[4];

  beforeAll(async () => {
    h = await startApiHarness({ nodes: 4, podStartMs: 50, podStopMs: 50 });
    await ok(['apply', '-f', join(MANIFESTS, 'nginx-ds.yaml')]);
    await ok(['rollout', 'status', 'ds/nginx-ds', '--timeout=60s']);
  });
  afterAll(() => h?.dispose());

  it('canary 1 with a hold: one node first, held, passed, then the rest', async () => {
    await ok(['annotate', 'ds', 'nginx-ds', 'rollout.daemonledger.io/canary=1', 'rollout.daemonledger.io/canary-hold-seconds=2']);
    await ok(['set', 'image', 'ds/nginx-ds', `nginx-ds=${NEW}`]);
    await h.until(async () => (await stateOf('nginx-ds-2')) === 'Holding', 30_000, 'the canary held');
    const images = JSON.parse(await ok(['get', 'pods', '-l', 'app=nginx-ds', '-o', 'json'])).items.map((p: any) => p.spec.containers[0].image);
    expect(images.filter((i: string) => i === NEW)).toHaveLength(1);
    await ok(['rollout', 'status', 'ds/nginx-ds', '--timeout=60s']);
    const log = await audit(2);
    expect(seen(log, ['RolloutStarted', 'RolloutCanaryHeld', 'RolloutCanaryPassed', 'RolloutCompleted'])).toEqual(['RolloutStarted', 'RolloutCanaryHeld', 'RolloutCanaryPassed', 'RolloutCompleted']);
    expect(log).toMatch(/canary passed, updated 1\/4/);
  });

  it('a canary pod lost during the hold fails the canary, and on-stall rolls back', async () => {
    await ok(['annotate', 'ds', 'nginx-ds', '--overwrite', 'rollout.daemonledger.io/canary-hold-seconds=60', 'rollout.daemonledger.io/progress-deadline-seconds=120', 'rollout.daemonledger.io/on-stall=rollback']);
    await ok(['set', 'image', 'ds/nginx-ds', 'nginx-ds=nginx:1.25']);
    await h.until(async () => (await stateOf('nginx-ds-3')) === 'Holding', 30_000, 'the canary held');
    const canary = JSON.parse(await ok(['get', 'pods', '-l', 'app=nginx-ds', '-o', 'json'])).items.find((p: any) => p.spec.containers[0].image === 'nginx:1.25');
    await ok(['delete', 'pod', canary.metadata.name, '--wait=false']);
    await h.until(async () => (await stateOf('nginx-ds-3')) === 'RolledBack', 30_000, 'rolled back');
    await ok(['rollout', 'status', 'ds/nginx-ds', '--timeout=60s']);
    const images = JSON.parse(await ok(['get', 'pods', '-l', 'app=nginx-ds', '-o', 'json'])).items.map((p: any) => p.spec.containers[0].image);
    expect(new Set(images)).toEqual(new Set([NEW]));
    const log = await audit(3);
    expect(seen(log, ['RolloutCanaryHeld', 'RolloutCanaryFailed', 'RolloutAutoRolledBack'])).toEqual(['RolloutCanaryHeld', 'RolloutCanaryFailed', 'RolloutAutoRolledBack']);
    expect(log).toContain(`canary failed: canary pod(s) ${canary.metadata.name} went away during the hold`);
  });
});
