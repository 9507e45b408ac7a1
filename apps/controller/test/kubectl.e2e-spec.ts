import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ApiHarness, MANIFESTS, rows, startApiHarness } from './api-harness';

/**
 * The seed workflows with the real kubectl (kubectl-wire.md §10), in the
 * order a newcomer types them. One server for the file; each step builds on
 * the previous one.
 */
jest.setTimeout(60_000);

const NGINX = join(MANIFESTS, 'nginx-ds.yaml');
const FLUENTD = join(MANIFESTS, 'fluentd-elasticsearch-apps-v1.yaml');

describe('kubectl drives DaemonLedger', () => {
  let h: ApiHarness;
  let k: ApiHarness['kubectl'];
  let createdAt = 0;

  const ok = async (args: string[], opts?: Parameters<ApiHarness['kubectl']>[1]) => {
    const r = await k(args, opts);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r;
  };
  const image = async () => (await ok(['get', 'ds', 'nginx-ds', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).stdout;
  const rolledOut = async () => expect((await ok(['rollout', 'status', 'ds/nginx-ds', '--timeout=30s'])).stdout).toMatch(/daemon set "nginx-ds" successfully rolled out/);

  beforeAll(async () => {
    h = await startApiHarness({ nodes: 3, podStartMs: 100 });
    k = h.kubectl;
  });
  afterAll(() => h?.dispose());

  it('apply -f creates the DaemonSet, and rollout status waits for it', async () => {
    expect((await ok(['apply', '-f', NGINX])).stdout).toBe('daemonset.apps/nginx-ds created\n');
    createdAt = await h.head();
    await rolledOut();
    expect((await ok(['apply', '-f', NGINX])).stdout).toBe('daemonset.apps/nginx-ds unchanged\n');
  });

  it('get ds / -o wide print the server-side Table columns', async () => {
    const [header, row] = rows((await ok(['get', 'ds'])).stdout);
    expect(header).toEqual(['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE']);
    expect(row.slice(0, 7)).toEqual(['nginx-ds', '3', '3', '3', '3', '3', '<none>']);
    const wide = rows((await ok(['get', 'ds', '-o', 'wide'])).stdout);
    expect(wide[0].slice(-3)).toEqual(['CONTAINERS', 'IMAGES', 'SELECTOR']);
    expect(wide[1].slice(-3)).toEqual(['nginx-ds', 'repository.test.com:8444/kubernetes/nginx/nginx:1.7.9', 'app=nginx-ds']);
  });

  it('get pods -o wide --show-labels shows IP, NODE and the daemon labels', async () => {
    const [header, ...pods] = rows((await ok(['get', 'pods', '-o', 'wide', '--show-labels'])).stdout);
    expect(header).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES', 'LABELS']);
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p[0]).toMatch(/^nginx-ds-[a-z0-9]{5}$/);
      expect(p.slice(1, 4)).toEqual(['1/1', 'Running', '0']);
      expect(p[5]).toMatch(/^10\.244\.\d+\.\d+$/);
      expect(p[6]).toMatch(/^node-\d$/);
      expect(p[9]).toMatch(/^app=nginx-ds,controller-revision-hash=[0-9a-f]{10},pod-template-generation=1$/);
    }
    expect(new Set(pods.map((p) => p[6])).size).toBe(3);
  });

  it('describe ds counts the pods and lists the controller events', async () => {
    const out = (await ok(['describe', 'ds', 'nginx-ds'])).stdout;
    expect(out).toMatch(/^Name:\s+nginx-ds$/m);
    expect(out).toMatch(/^Desired Number of Nodes Scheduled: 3$/m);
    expect(out).toContain('Pods Status:  3 Running / 0 Waiting / 0 Succeeded / 0 Failed');
    expect(out).toMatch(/Port:\s+80\/TCP/);
    expect(out).toMatch(/Normal\s+SuccessfulCreate\s+\S+\s+daemonset-controller\s+Created pod: nginx-ds-/);
  });

  it('set image --record rolls out a new revision and rollout status reports progress', async () => {
    const set = await ok(['set', 'image', 'ds/nginx-ds', 'nginx-ds=nginx:1.9.1', '--record']);
    expect(set.stdout).toBe('daemonset.apps/nginx-ds image updated\n');
    expect(set.stderr).toContain('Flag --record has been deprecated');
    const status = await ok(['rollout', 'status', 'ds/nginx-ds', '--timeout=30s']);
    expect(status.stdout).toMatch(/Waiting for daemon set "nginx-ds" rollout to finish: \d out of 3 new pods have been updated\.\.\./);
    expect(status.stdout).toMatch(/daemon set "nginx-ds" successfully rolled out\n$/);
  });

  it('rollout history shows CHANGE-CAUSE, and --revision=N the template of that revision', async () => {
    const history = (await ok(['rollout', 'history', 'ds/nginx-ds'])).stdout;
    expect(history).toMatch(/^daemonset\.apps\/nginx-ds \nREVISION  CHANGE-CAUSE\n1         <none>\n2         kubectl set image ds\/nginx-ds nginx-ds=nginx:1\.9\.1 .*--record=true\n\n$/);
    const rev1 = (await ok(['rollout', 'history', 'ds/nginx-ds', '--revision=1'])).stdout;
    expect(rev1).toContain('daemonset.apps/nginx-ds with revision #1\nPod Template:\n');
    expect(rev1).toContain('Image:\trepository.test.com:8444/kubernetes/nginx/nginx:1.7.9');
  });

  it('rollout undo goes back and renumbers the old revision; --to-revision picks one', async () => {
    expect((await ok(['rollout', 'undo', 'ds/nginx-ds'])).stdout).toBe('daemonset.apps/nginx-ds rolled back\n');
    await rolledOut();
    expect(await image()).toBe('repository.test.com:8444/kubernetes/nginx/nginx:1.7.9');
    await h.until(async () => /^3 /m.test((await ok(['rollout', 'history', 'ds/nginx-ds'])).stdout), 10_000, 'revision 1 renumbered to 3');
    const history = rows((await ok(['rollout', 'history', 'ds/nginx-ds'])).stdout);
    expect(history.slice(2).map((r) => r[0])).toEqual(['2', '3']);

    expect((await ok(['rollout', 'undo', 'ds/nginx-ds', '--to-revision=3'])).stdout).toBe(
      'daemonset.apps/nginx-ds skipped rollback (current template already matches revision 3)\n',
    );
    const missing = await k(['rollout', 'undo', 'ds/nginx-ds', '--to-revision=99']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('error: unable to find specified revision 99 in history\n');
    expect((await ok(['rollout', 'undo', 'ds/nginx-ds', '--to-revision=2'])).stdout).toBe('daemonset.apps/nginx-ds rolled back\n');
    await rolledOut();
    expect(await image()).toBe('nginx:1.9.1');
  });

  it('get controllerrevision -l shows CONTROLLER and REVISION, in name order', async () => {
    await h.until(async () => rows((await ok(['get', 'controllerrevision', '-l', 'app=nginx-ds'])).stdout).some((r) => r[2] === '4'), 10_000, 'revision 4');
    const [header, ...revs] = rows((await ok(['get', 'controllerrevision', '-l', 'app=nginx-ds'])).stdout);
    expect(header).toEqual(['NAME', 'CONTROLLER', 'REVISION', 'AGE']);
    expect(revs.map((r) => r[1])).toEqual(['daemonset.apps/nginx-ds', 'daemonset.apps/nginx-ds']);
    expect(revs.map((r) => r[2]).sort()).toEqual(['3', '4']);
    expect(revs.map((r) => r[0])).toEqual([...revs.map((r) => r[0])].sort());
  });

  it('edit with a scripted EDITOR patches the image', async () => {
    const editor = h.script('editor.sh', '#!/bin/sh\nsed -i "s#image: nginx:1.9.1#image: nginx:1.10.0#" "$1"\n');
    expect((await ok(['edit', 'ds/nginx-ds'], { env: { EDITOR: editor } })).stdout).toBe('daemonset.apps/nginx-ds edited\n');
    expect(await image()).toBe('nginx:1.10.0');
    await rolledOut();
  });

  it('the nginx:1.91 typo stalls the rollout, and undo recovers it', async () => {
    await ok(['set', 'image', 'ds/nginx-ds', 'nginx-ds=nginx:1.91']);
    await h.until(async () => /ErrImagePull|ImagePullBackOff/.test((await ok(['get', 'pods'])).stdout), 15_000, 'a pod failing to pull');
    const stalled = await k(['rollout', 'status', 'ds/nginx-ds', '--timeout=1s']);
    expect(stalled.code).toBe(1);
    expect(stalled.stdout).toContain('Waiting for daemon set "nginx-ds" rollout to finish: ');
    expect(stalled.stderr).toContain('error: timed out waiting for the condition');
    expect((await ok(['rollout', 'undo', 'ds/nginx-ds'])).stdout).toBe('daemonset.apps/nginx-ds rolled back\n');
    await rolledOut();
    expect(await image()).toBe('nginx:1.10.0');
    expect((await ok(['get', 'pods'])).stdout).not.toMatch(/ErrImagePull|ImagePullBackOff/);
  });

  it('delete --cascade=orphan keeps the pods; a re-created DaemonSet adopts them', async () => {
    const before = rows((await ok(['get', 'pods'])).stdout).slice(1).map((r) => r[0]);
    expect((await ok(['delete', 'ds', 'nginx-ds', '--cascade=orphan'])).stdout).toBe('daemonset.apps "nginx-ds" deleted\n');
    expect((await k(['get', 'ds'])).stderr).toBe('No resources found in default namespace.\n');
    expect(rows((await ok(['get', 'pods'])).stdout).slice(1).map((r) => r[0])).toEqual(before);
    expect(rows((await ok(['get', 'controllerrevision'])).stdout).slice(1).every((r) => r[1] === '<none>')).toBe(true);

    const yaml = (await ok(['get', 'controllerrevision', '-o', 'name'])).stdout;
    expect(yaml).toMatch(/controllerrevision\.apps\/nginx-ds-/);
    const manifest = h.file('nginx-1.10.yaml', (await import('node:fs')).readFileSync(NGINX, 'utf8').replace(/image: .*$/m, 'image: nginx:1.10.0'));
    expect((await ok(['create', '-f', manifest])).stdout).toBe('daemonset.apps/nginx-ds created\n');
    const uid = (await ok(['get', 'ds', 'nginx-ds', '-o', 'jsonpath={.metadata.uid}'])).stdout;
    await h.until(async () => {
      const owners = (await ok(['get', 'pods', '-o', 'jsonpath={range .items[*]}{.metadata.ownerReferences[0].uid}{"\\n"}{end}'])).stdout.trim().split('\n');
      return owners.length === 3 && owners.every((o) => o === uid);
    }, 15_000, 'pods adopted');
    // Same template: the orphans are kept, not replaced.
    expect(rows((await ok(['get', 'pods'])).stdout).slice(1).map((r) => r[0])).toEqual(before);
    await rolledOut();
  });

  it('get pods -w --output-watch-events streams the replacement of a deleted pod', async () => {
    const [victim] = rows((await ok(['get', 'pods', '-o', 'name'])).stdout)[0][0].split('/').slice(1);
    const watching = k(['get', 'pods', '-w', '--output-watch-events'], { timeoutMs: 4000 });
    await new Promise((r) => setTimeout(r, 1500));
    expect((await ok(['delete', 'pod', victim])).stdout).toBe(`pod "${victim}" deleted\n`);
    const out = rows((await watching).stdout);
    expect(out[0]).toEqual(['EVENT', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(out.filter((r) => r[0] === 'ADDED').length).toBeGreaterThanOrEqual(3);
    expect(out).toContainEqual(expect.arrayContaining(['MODIFIED', victim, 'Terminating']));
    expect(out.some((r) => r[0] === 'DELETED' && r[1] === victim)).toBe(true);
    expect(out.some((r) => r[0] === 'ADDED' && r[1] !== victim && out.findIndex((x) => x[1] === r[1]) > out.findIndex((x) => x[0] === 'DELETED'))).toBe(true);
    await rolledOut();
  });

  it('node label / taint / cordon / uncordon', async () => {
    expect((await ok(['label', 'node', 'node-1', 'disktype=ssd'])).stdout).toBe('node/node-1 labeled\n');
    expect((await ok(['get', 'nodes', '-l', 'disktype=ssd', '-o', 'name'])).stdout).toBe('node/node-1\n');
    expect((await ok(['taint', 'nodes', 'node-1', 'dedicated=infra:NoSchedule'])).stdout).toBe('node/node-1 tainted\n');
    expect((await ok(['get', 'node', 'node-1', '-o', 'jsonpath={.spec.taints}'])).stdout).toBe('[{"effect":"NoSchedule","key":"dedicated","value":"infra"}]');
    expect((await ok(['taint', 'nodes', 'node-1', 'dedicated=infra:NoSchedule-'])).stdout).toBe('node/node-1 untainted\n');
    expect((await ok(['cordon', 'node-2'])).stdout).toBe('node/node-2 cordoned\n');
    expect((await ok(['cordon', 'node-2'])).stdout).toBe('node/node-2 already cordoned\n');
    expect(rows((await ok(['get', 'nodes'])).stdout).find((r) => r[0] === 'node-2')?.[1]).toBe('Ready,SchedulingDisabled');
    expect((await ok(['uncordon', 'node-2'])).stdout).toBe('node/node-2 uncordoned\n');
    expect(rows((await ok(['get', 'nodes'])).stdout).find((r) => r[0] === 'node-2')?.[1]).toBe('Ready');
  });

  it('create -f node.yaml gets a daemon pod on the new node; delete node removes it', async () => {
    const node = h.file('node.yaml', 'apiVersion: v1\nkind: Node\nmetadata:\n  name: n9\n  labels:\n    disktype: ssd\n');
    expect((await ok(['create', '-f', node])).stdout).toBe('node/n9 created\n');
    const onN9 = async () => rows((await ok(['get', 'pods', '-o', 'wide'])).stdout).filter((r) => r[6] === 'n9' && r[2] === 'Running');
    await h.until(async () => (await onN9()).length === 1, 15_000, 'a Running daemon pod on n9');
    expect(rows((await ok(['get', 'nodes'])).stdout).find((r) => r[0] === 'n9')?.[1]).toBe('Ready');
    expect((await ok(['delete', 'node', 'n9'])).stdout).toBe('node "n9" deleted\n');
    await h.until(async () => rows((await ok(['get', 'pods', '-o', 'wide'])).stdout).every((r) => r[6] !== 'n9'), 15_000, 'the pod of n9 gone');
    expect((await k(['get', 'node', 'n9'])).stderr).toBe('Error from server (NotFound): nodes "n9" not found\n');
  });

  it('-n kube-system and -A', async () => {
    expect((await ok(['apply', '-n', 'kube-system', '-f', FLUENTD])).stdout).toBe('daemonset.apps/fluentd-elasticsearch created\n');
    expect(rows((await ok(['get', 'ds', '-n', 'kube-system'])).stdout)[1][0]).toBe('fluentd-elasticsearch');
    const all = rows((await ok(['get', 'ds', '-A'])).stdout);
    expect(all[0].slice(0, 2)).toEqual(['NAMESPACE', 'NAME']);
    expect(all.slice(1).map((r) => `${r[0]}/${r[1]}`)).toEqual(['default/nginx-ds', 'kube-system/fluentd-elasticsearch']);
    expect((await k(['get', 'ds', 'x', '-n', 'nope'])).stderr).toBe('Error from server (NotFound): namespaces "nope" not found\n');
    expect((await k(['get', 'rs'])).stderr).toBe('No resources found in default namespace.\n');
  });

  it('the read-only token reads but may not write, and a refused write appends nothing', async () => {
    const viewer = { kubeconfig: h.viewerKubeconfig };
    expect(rows((await ok(['get', 'ds'], viewer)).stdout)[1][0]).toBe('nginx-ds');
    const head = await h.head();
    const refused = await k(['delete', 'ds', 'nginx-ds'], viewer);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'Error from server (Forbidden): daemonsets.apps "nginx-ds" is forbidden: User "viewer" cannot delete resource "daemonsets" in API group "apps" in the namespace "default"\n',
    );
    const viaToken = await k(['--token', h.tokens.viewer, 'label', 'node', 'node-0', 'team=x']);
    expect(viaToken.stderr).toBe(
      'Error from server (Forbidden): nodes "node-0" is forbidden: User "viewer" cannot patch resource "nodes" in API group "" at the cluster scope\n',
    );
    const wrong = await k(['--token', 'not-a-token', 'get', 'ds']);
    expect(wrong.stderr).toContain('error: You must be logged in to the server (Unauthorized)');
    expect(await h.head()).toBe(head);
  });

  it('rejected writes append nothing: invalid, unknown field, already exists', async () => {
    const head = await h.head();
    const bad = h.file('bad.yaml', 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: bad-ds\nspec:\n  template:\n    metadata:\n      labels: {app: bad}\n    spec:\n      containers:\n      - name: c\n        image: busybox\n');
    const invalid = await k(['create', '-f', bad]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^The DaemonSet "bad-ds" is invalid: /);
    const unknown = h.file('unknown.yaml', (await import('node:fs')).readFileSync(NGINX, 'utf8').replace('revisionHistoryLimit: 10', 'revisionHistoryLimit: 10\n  foo: bar').replace('name: nginx-ds ', 'name: other-ds '));
    const strict = await k(['create', '-f', unknown]);
    expect(strict.stderr).toContain('strict decoding error: unknown field "spec.foo"');
    const exists = await k(['create', '-f', NGINX]);
    expect(exists.stderr).toMatch(/Error from server \(AlreadyExists\): error when creating ".*nginx-ds\.yaml": daemonsets\.apps "nginx-ds" already exists/);
    expect(await h.head()).toBe(head);
  });

  it('apply --server-side: field ownership, conflicts, --force-conflicts, and fields a manager stops applying', async () => {
    const manifest = (image: string, labels: Record<string, string>) => {
      const file = join(h.dir, `ssa-${Object.keys(labels).length}-${image.replace(/\W/g, '')}.json`);
      const body = {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'ssa-agent', namespace: 'kube-system', labels: { app: 'ssa-agent', ...labels } },
        spec: {
          selector: { matchLabels: { app: 'ssa-agent' } },
          template: { metadata: { labels: { app: 'ssa-agent' } }, spec: { containers: [{ name: 'agent', image }] } },
        },
      };
      writeFileSync(file, JSON.stringify(body));
      return file;
    };
    const first = manifest('nginx:1.25.0', { team: 'obs' });
    expect((await ok(['apply', '--server-side', '-f', first])).stdout).toBe('daemonset.apps/ssa-agent serverside-applied\n');
    const managed = JSON.parse((await ok(['get', 'ds', 'ssa-agent', '-n', 'kube-system', '-o', 'json', '--show-managed-fields'])).stdout).metadata.managedFields;
    expect(managed).toEqual([expect.objectContaining({ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1' })]);
    expect(managed[0].fieldsV1['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"agent"}']).toEqual({ '.': {}, 'f:image': {}, 'f:name': {} });
    // Another manager setting the image kubectl owns: a conflict, and the object unchanged.
    const spec = async () => (await ok(['get', 'ds', 'ssa-agent', '-n', 'kube-system', '-o', 'jsonpath={.metadata.generation} {.spec.template.spec.containers[0].image} {.metadata.managedFields[*].manager}'])).stdout;
    const before = await spec();
    expect(before).toBe('1 nginx:1.25.0 kubectl');
    const conflict = await k(['apply', '--server-side', '--field-manager=ci', '-f', manifest('nginx:1.26.0', {})]);
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.template.spec.containers[name="agent"].image');
    expect(await spec()).toBe(before);
    expect((await ok(['apply', '--server-side', '--field-manager=ci', '--force-conflicts', '-f', manifest('nginx:1.26.0', {})])).code).toBe(0);
    expect((await ok(['get', 'ds', 'ssa-agent', '-n', 'kube-system', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).stdout).toBe('nginx:1.26.0');
    // kubectl drops the label it applied and the image it lost: the label goes (no one else owns it), the image stays ci's.
    expect((await ok(['apply', '--server-side', '-f', manifest('nginx:1.26.0', {})])).code).toBe(0);
    const after = JSON.parse((await ok(['get', 'ds', 'ssa-agent', '-n', 'kube-system', '-o', 'json', '--show-managed-fields'])).stdout);
    expect(after.metadata.labels).toEqual({ app: 'ssa-agent' });
    expect(after.metadata.managedFields.map((m: { manager: string; operation: string }) => `${m.manager}/${m.operation}`)).toEqual(['kubectl/Apply', 'ci/Apply']);
    // An imperative change moves ownership to its manager (kubectl-set).
    await ok(['set', 'image', 'ds/ssa-agent', '-n', 'kube-system', 'agent=nginx:1.27.0']);
    const set = JSON.parse((await ok(['get', 'ds', 'ssa-agent', '-n', 'kube-system', '-o', 'json', '--show-managed-fields'])).stdout).metadata.managedFields;
    expect(set.map((m: { manager: string; operation: string }) => `${m.manager}/${m.operation}`)).toEqual(['kubectl/Apply', 'ci/Apply', 'kubectl-set/Update']);
    await ok(['delete', 'ds', 'ssa-agent', '-n', 'kube-system']);
  });

  it('apply --server-side takes over a client-side-applied object (kubectl migrates its managed fields)', async () => {
    const managers = async () => JSON.parse((await ok(['get', 'ds', 'fluentd-elasticsearch', '-n', 'kube-system', '-o', 'json', '--show-managed-fields'])).stdout).metadata.managedFields.map((m: { manager: string; operation: string }) => `${m.manager}/${m.operation}`);
    await k(['delete', 'ds', 'fluentd-elasticsearch', '-n', 'kube-system', '--ignore-not-found']);
    await ok(['apply', '-n', 'kube-system', '-f', FLUENTD]);
    expect(await managers()).toEqual(['kubectl-client-side-apply/Update']);
    expect((await ok(['apply', '--server-side', '-n', 'kube-system', '-f', FLUENTD])).stdout).toBe('daemonset.apps/fluentd-elasticsearch serverside-applied\n');
    // kubectl hands the client-side manager's fields to itself, and the last-applied annotation to kubectl-last-applied.
    expect(await managers()).toEqual(['kubectl/Apply', 'kubectl-last-applied/Apply']);
  });

  it('auth can-i and auth whoami answer for both tokens (kubectl sends these reviews as protobuf)', async () => {
    const viewer = { kubeconfig: h.viewerKubeconfig };
    expect((await ok(['auth', 'can-i', 'delete', 'daemonsets'])).stdout).toBe('yes\n');
    const no = await k(['auth', 'can-i', 'delete', 'daemonsets'], viewer);
    expect([no.code, no.stdout]).toEqual([1, 'no\n']);
    expect((await ok(['auth', 'can-i', 'watch', 'pods', '-A'], viewer)).stdout).toBe('yes\n');
    expect((await ok(['auth', 'can-i', 'get', '/metrics'], viewer)).stdout).toBe('yes\n');
    const rules = (await ok(['auth', 'can-i', '--list'], viewer)).stdout;
    expect(rules).toMatch(/^\*\.\*\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
    expect((await ok(['auth', 'whoami'], viewer)).stdout).toMatch(/^Username\s+viewer$/m);
    expect((await ok(['auth', 'whoami'])).stdout).toMatch(/^Groups\s+\[system:masters system:authenticated\]$/m);
  });

  it('logs: the simulated container’s life, with --timestamps, --tail and -f; upstream’s errors for a bad container', async () => {
    const pods = JSON.parse((await ok(['get', 'pods', '-l', 'app=nginx-ds', '-o', 'json'])).stdout).items as { metadata: { name: string }; spec: { nodeName: string }; status: { phase: string } }[];
    const running = pods.find((p) => p.status.phase === 'Running')!;
    const name = running.metadata.name;
    const log = await ok(['logs', name, '--timestamps']);
    expect(log.stdout).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+Z \\[daemonledger\\] simulated container nginx-ds started: image \\S+, node ${running.spec.nodeName}, pod IP 10\\.244\\.`));
    expect((await ok(['logs', name, '--tail=0'])).stdout).toBe('');
    expect((await k(['logs', name, '-c', 'sidecar'])).stderr).toBe(`error: container sidecar is not valid for pod ${name}\n`); // kubectl's own check
    expect((await k(['get', '--raw', `/api/v1/namespaces/default/pods/${name}/log?container=sidecar`])).stderr).toBe(`Error from server (BadRequest): container sidecar is not valid for pod ${name}\n`);
    expect((await k(['exec', name, '--', 'ls'])).stderr).toBe(
      `Error from server (BadRequest): pods/exec is not available for pod ${name}: DaemonLedger's simulated kubelets run no container processes (exec, attach and port-forward need a real kubelet)\n`,
    );
    // -f follows until the pod goes: its stop shows, then the stream ends.
    const follow = k(['logs', '-f', name], { timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 500));
    await ok(['delete', 'pod', name, '--wait=false']);
    const followed = await follow;
    expect(followed.code).toBe(0);
    // The kubelet kills the container and may report it terminated before the pod goes (issue 14).
    expect(followed.stdout).toMatch(/started: .*\n\[daemonledger\] received SIGTERM: stopping within 30s\n(\[daemonledger\] exited with code 0 \(Completed\)\n)?$/);
    await rolledOut();
  });

  it('get --raw with resourceVersionMatch=Exact reads the past', async () => {
    const raw = await ok(['get', '--raw', `/apis/apps/v1/namespaces/default/daemonsets?resourceVersion=${createdAt}&resourceVersionMatch=Exact`]);
    const list = JSON.parse(raw.stdout);
    expect(list.metadata.resourceVersion).toBe(String(createdAt));
    expect(list.items.map((d: { spec: { template: { spec: { containers: { image: string }[] } } } }) => d.spec.template.spec.containers[0].image)).toEqual([
      'repository.test.com:8444/kubernetes/nginx/nginx:1.7.9',
    ]);
    const future = await k(['get', '--raw', '/apis/apps/v1/namespaces/default/daemonsets?resourceVersion=99999999&resourceVersionMatch=Exact']);
    expect(future.stderr).toMatch(/^Error from server \(Timeout\): Too large resource version: 99999999, current: \d+\n$/);
    const noRv = await k(['get', '--raw', '/apis/apps/v1/namespaces/default/daemonsets?resourceVersionMatch=Exact']);
    expect(noRv.stderr).toBe('The ListOptions "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided\n');
  });
});
