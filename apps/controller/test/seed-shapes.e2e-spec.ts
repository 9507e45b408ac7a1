import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { type ApiHarness, KUBECTL, MANIFESTS, startApiHarness } from './api-harness';
import {
  SEED_CONTROLLERREVISIONS,
  SEED_FLUENTD_CREATING,
  SEED_FLUENTD_HISTORY,
  SEED_FLUENTD_MANIFEST,
  SEED_FLUENTD_REVISION_1,
  SEED_GET_DS,
  SEED_GET_POD_WIDE,
  SEED_GET_POD_WIDE_WATCH,
  SEED_NODES,
  SEED_ROLLOUT_HISTORY,
  SEED_ROLLOUT_STATUS,
  UPSTREAM_DESCRIBE_NODE,
  UPSTREAM_DESCRIBE_POD,
  UPSTREAM_DS_YAML,
  UPSTREAM_POD_YAML,
} from './fixtures/seed-listings';
import { describeShape, describeTable, type ShapeContext, tableShape, valueShape, watchLifecycles, yamlKeyPaths } from './listing-shape';

/**
 * Seed 001's walkthrough through the real kubectl, on five simulated nodes as
 * the seed's cluster has, each listing compared with the seed's real-cluster
 * listing by shape (listing-shape.ts): same headers, same columns, values of
 * the same kind. The seeds hold no describe or YAML output; those are compared
 * with what upstream's describers, defaulting, admission and kubelet print for
 * the same objects (fixtures/seed-listings.ts says from which code).
 *
 * kubectl runs here as a user runs it, with KUBECONFIG in the environment and
 * no flags of the test's own, so `--record` records the seed's command line.
 */
jest.setTimeout(120_000);

const IMAGE_1_24 = 'repository.test.com:8444/kubernetes/nginx/nginx:1.24.0';
const OUR_NODES = ['node-0', 'node-1', 'node-2', 'node-3', 'node-4'];
const IP = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
/** `Node: <name>/<host IP>` and `InternalIP: <ip>`: a node and an IP, whatever the node's name looks like. */
const values: ShapeContext['values'] = {
  Node: (v) => v.replace(/^[^/]+\//, '<node>/').replace(IP, '<ip>'),
  InternalIP: (v) => v.replace(IP, '<ip>'),
};
const SEED: ShapeContext = { nodes: SEED_NODES, values };
const OURS: ShapeContext = { nodes: OUR_NODES, values };

describe('the seeds’ listings, shape by shape, through the real kubectl', () => {
  let h: ApiHarness;

  const run = (args: string[], timeoutMs = 60_000): Promise<{ stdout: string; stderr: string; code: number }> =>
    new Promise((resolve) =>
      execFile(KUBECTL, args, { env: { ...process.env, KUBECONFIG: h.kubeconfig, HOME: h.dir }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
        resolve({ stdout: String(stdout), stderr: String(stderr), code: err ? 1 : 0 }),
      ),
    );
  /** `kubectl <args>` left running (a watch): stop() ends it and resolves with what it printed. */
  const start = (args: string[]) => {
    const child = spawn(KUBECTL, args, { env: { ...process.env, KUBECONFIG: h.kubeconfig, HOME: h.dir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    return {
      stop: async () => {
        if (child.exitCode === null) child.kill('SIGTERM');
        await exited;
        return stdout;
      },
    };
  };
  const ok = async (...args: string[]) => {
    const r = await run(args);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };

  beforeAll(async () => {
    h = await startApiHarness({ nodes: 5, podStartMs: 300, podStopMs: 300 });
    await ok('apply', '-f', join(MANIFESTS, 'nginx-ds.yaml'));
    await ok('rollout', 'status', 'daemonset/nginx-ds', '--timeout=60s');
  });
  afterAll(() => h?.dispose());

  it('kubectl get daemonset (seed 001)', async () => {
    const ours = tableShape(await ok('get', 'daemonset'), OURS);
    expect(ours).toEqual(tableShape(SEED_GET_DS, SEED));
  });

  it('kubectl get pod -o wide (seed 001)', async () => {
    const ours = tableShape(await ok('get', 'pod', '-o', 'wide'), OURS);
    expect(ours).toEqual(tableShape(SEED_GET_POD_WIDE, SEED));
  });

  // Describe and YAML first: the objects as a fresh `kubectl apply` leaves them, as the upstream listings are.
  describe('kubectl describe pod (the fields upstream’s describePod prints for seed 001’s pod)', () => {
    let text = '';
    beforeAll(async () => {
      const name = (await ok('get', 'pod', '-o', 'jsonpath={.items[0].metadata.name}')).trim();
      text = await ok('describe', 'pod', name);
    });

    it('the same key lines, in order, with values of the same kind', () =>
      expect(describeShape(text, OURS, ['Labels'])).toEqual(describeShape(UPSTREAM_DESCRIBE_POD, SEED, ['Labels'])));

    it('the service account token mounted, as ServiceAccount admission mounts it', () =>
      expect(describeTable(text, 'Mounts:').map((r) => valueShape(r.join('  '), OURS))).toEqual(describeTable(UPSTREAM_DESCRIBE_POD, 'Mounts:').map((r) => valueShape(r.join('  '), SEED))));

    it('the conditions a v1.32 kubelet reports, in its order', () =>
      expect(describeTable(text, 'Conditions:').map((r) => r[0])).toEqual(describeTable(UPSTREAM_DESCRIBE_POD, 'Conditions:').map((r) => r[0])));

    it('events from the scheduler and the kubelet, with upstream’s reasons and messages', () => {
      const [header, ...events] = describeTable(text, 'Events:');
      expect(header).toEqual(describeTable(UPSTREAM_DESCRIBE_POD, 'Events:')[0]);
      const expected = describeTable(UPSTREAM_DESCRIBE_POD, 'Events:').slice(1);
      const shape = (rows: string[][], ctx: ShapeContext) => rows.map(([type, reason, , from, message]) => [type, reason, from, valueShape(message.replace(/\d+(?:\.\d+)?m?s\b/g, '<d>'), ctx)].join(' | '));
      // kubectl sorts events by time with an unstable sort: events of the same second (Scheduled and Pulling
      // often are, on a real cluster too) come in either order, so the rows are compared as a set.
      expect(shape(events, OURS).sort()).toEqual(shape(expected, SEED).sort());
    });
  });

  describe('kubectl describe node (the fields upstream’s describeNode prints for seed 001’s node)', () => {
    let text = '';
    beforeAll(async () => {
      text = await ok('describe', 'node', 'node-0');
    });
    const FREE = ['Labels', 'Annotations', 'Events', 'Machine ID', 'System UUID', 'Boot ID', 'Kernel Version', 'OS Image', 'Container Runtime Version', 'Kubelet Version', 'Kube-Proxy Version'];
    const noHugePages = (lines: string[]) => lines.filter((l) => !l.trim().startsWith('hugepages-'));

    it('the same key lines, in order, with values of the same kind (Lease: holder and renew time)', () =>
      expect(noHugePages(describeShape(text, OURS, FREE))).toEqual(describeShape(UPSTREAM_DESCRIBE_NODE, SEED, FREE)));

    it('conditions in the kubelet’s order: the pressure conditions, then Ready', () =>
      expect(describeTable(text, 'Conditions:').map((r) => r[0])).toEqual(describeTable(UPSTREAM_DESCRIBE_NODE, 'Conditions:').map((r) => r[0])));

    it('conditions carry real heartbeat and transition times, not Go’s zero time', () => {
      const times = (t: string, ctx: ShapeContext) => describeTable(t, 'Conditions:').slice(1).map((r) => [r[0], valueShape(r[2], ctx), valueShape(r[3], ctx)]);
      expect(times(text, OURS).sort()).toEqual(times(UPSTREAM_DESCRIBE_NODE, SEED).sort());
    });
  });

  describe('kubectl get -o yaml: the keys a v1.32 API server and kubelet leave', () => {
    const paths = (yaml: string) => yamlKeyPaths(yaml, ['metadata.managedFields']);

    it('a daemon pod (ServiceAccount admission, defaults, kubelet status)', async () => {
      const name = (await ok('get', 'pod', '-o', 'jsonpath={.items[0].metadata.name}')).trim();
      const ours = paths(await ok('get', 'pod', name, '-o', 'yaml'));
      const upstream = paths(UPSTREAM_POD_YAML);
      expect({ missing: upstream.filter((p) => !ours.includes(p)), extra: ours.filter((p) => !upstream.includes(p)) }).toEqual({ missing: [], extra: [] });
    });

    it('the DaemonSet (omitempty status fields left out)', async () => {
      const ours = paths(await ok('get', 'ds', 'nginx-ds', '-o', 'yaml'));
      const upstream = paths(UPSTREAM_DS_YAML);
      expect({ missing: upstream.filter((p) => !ours.includes(p)), extra: ours.filter((p) => !upstream.includes(p)) }).toEqual({ missing: [], extra: [] });
    });
  });

  describe('kubectl set image … --record=true, watched with kubectl get pod -o wide -w and rollout status (seed 001)', () => {
    let watch = '';
    let status = '';
    beforeAll(async () => {
      const watching = start(['get', 'pod', '-o', 'wide', '-w']);
      await new Promise((r) => setTimeout(r, 1500));
      try {
        await ok('set', 'image', 'ds', 'nginx-ds', `nginx-ds=${IMAGE_1_24}`, '--record=true');
        status = await ok('rollout', 'status', 'ds', 'nginx-ds', '--timeout=60s');
        // The last pod's deletion reaches the watch after the rollout is done.
        await new Promise((r) => setTimeout(r, 1500));
      } finally {
        watch = await watching.stop();
      }
    });

    const seedLives = watchLifecycles(SEED_GET_POD_WIDE_WATCH, SEED);
    const isNew = (states: string[]) => states[0].startsWith('0/1 Pending ');
    const seedNew = seedLives.filter((l) => isNew(l.states));
    const seedOld = seedLives.filter((l) => !isNew(l.states));

    it('the seed itself: five new pods with one lifecycle, five old pods that end 0/1 Terminating', () => {
      expect(seedNew).toHaveLength(5);
      expect(new Set(seedNew.map((l) => l.states.join(' → '))).size).toBe(1);
      expect(seedOld.map((l) => l.states.at(-1))).toEqual(Array(5).fill('0/1 Terminating 0 <age> <ip> <node> <none> <none>'));
    });

    it('the same columns as the seed', () => expect(tableShape(watch, OURS).header).toEqual(tableShape(SEED_GET_POD_WIDE_WATCH, SEED).header));

    it('every new pod goes Pending, bound, ContainerCreating without an IP, then Running with one, as in the seed', () => {
      const lives = watchLifecycles(watch, OURS).filter((l) => isNew(l.states));
      expect(lives).toHaveLength(5);
      for (const life of lives) expect({ pod: life.name, states: life.states }).toEqual({ pod: life.name, states: seedNew[0].states });
    });

    it('every replaced pod is last printed not ready, 0/1 Terminating, as in the seed', () => {
      const old = watchLifecycles(watch, OURS).filter((l) => !isNew(l.states));
      expect(old).toHaveLength(5);
      // Since v1.27 the kubelet moves a deleted pod to a terminal phase once its
      // containers stopped, which printPod shows as Completed (exit 0): the same state, newer wording.
      const seedLast = seedOld[0].states.at(-1)!;
      const allowed = [seedLast, seedLast.replace('0/1 Terminating ', '0/1 Completed ')];
      for (const life of old) {
        const last = life.states.at(-1)!;
        expect({ pod: life.name, last }).toEqual({ pod: life.name, last: allowed.includes(last) ? last : seedLast });
      }
    });

    it('rollout status prints the seed’s lines, counting up, and ends as the seed ends', () => {
      const seedLines = new Set(SEED_ROLLOUT_STATUS.trim().split('\n'));
      const lines = status.trim().split('\n').filter((l) => l !== 'Waiting for daemon set spec update to be observed...');
      for (const l of lines) expect(seedLines).toContain(l);
      expect(lines.at(-1)).toBe(SEED_ROLLOUT_STATUS.trim().split('\n').at(-1));
      const counts = lines.map((l) => Number(/(\d+) (?:out )?of 5/.exec(l)?.[1] ?? 5));
      expect(counts).toEqual([...counts].sort((a, b) => a - b));
    });

    it('rollout history records the command line, as in the seed, exactly', async () => expect(await ok('rollout', 'history', 'daemonset', 'nginx-ds')).toBe(SEED_ROLLOUT_HISTORY));
  });

  it('kubectl get controllerrevision -l app=nginx-ds after rollout undo --to-revision=1 (seed 001: revisions 2 and 3)', async () => {
    await ok('rollout', 'undo', 'daemonset', 'nginx-ds', '--to-revision=1');
    await ok('rollout', 'status', 'ds', 'nginx-ds', '--timeout=60s');
    const byRevision = (t: { header: string[]; rows: string[][] }) => ({ header: t.header, rows: [...t.rows].sort((a, b) => a[2].localeCompare(b[2])) });
    expect(byRevision(tableShape(await ok('get', 'controllerrevision', '-l', 'app=nginx-ds'), OURS))).toEqual(byRevision(tableShape(SEED_CONTROLLERREVISIONS, SEED)));
  });

  describe('seed 004: fluentd-elasticsearch in kube-system, applied twice, its history and revision 1', () => {
    let creating = '';
    beforeAll(async () => {
      const watching = start(['get', 'pods', '-n', 'kube-system', '-w']);
      await new Promise((r) => setTimeout(r, 1000));
      try {
        expect(await ok('apply', '-f', h.file('fluentd-seed-004.yaml', SEED_FLUENTD_MANIFEST))).toBe('daemonset.apps/fluentd-elasticsearch created\n');
        expect((await ok('rollout', 'status', 'ds/fluentd-elasticsearch', '-n', 'kube-system', '--timeout=60s')).trim().split('\n').at(-1)).toBe(
          'daemon set "fluentd-elasticsearch" successfully rolled out',
        );
      } finally {
        creating = await watching.stop();
      }
    });

    it('get pods -n kube-system: the seed’s columns, and a new daemon pod 0/1 ContainerCreating as the seed caught it', () => {
      const seed = tableShape(SEED_FLUENTD_CREATING, SEED);
      const ours = tableShape(creating, OURS);
      expect(ours.header).toEqual(seed.header);
      expect(ours.rows).toContainEqual(seed.rows[0]);
    });

    it('rollout history --revision=1, line for line (the seed lost the indentation)', async () => {
      const lines = (t: string) => t.split('\n').map((l) => l.trim()).filter(Boolean);
      expect(lines(await ok('rollout', 'history', 'ds', 'fluentd-elasticsearch', '--revision=1', '-n', 'kube-system'))).toEqual(lines(SEED_FLUENTD_REVISION_1));
    });

    it('a second apply with a new template is "configured", and history lists both revisions without a change-cause, exactly', async () => {
      const changed = SEED_FLUENTD_MANIFEST.replace('memory: 300Mi', 'memory: 400Mi');
      expect(await ok('apply', '-f', h.file('fluentd-seed-004-2.yaml', changed))).toBe('daemonset.apps/fluentd-elasticsearch configured\n');
      expect(await ok('rollout', 'history', 'ds/fluentd-elasticsearch', '-n', 'kube-system')).toBe(`${SEED_FLUENTD_HISTORY}\n`);
      expect(await ok('rollout', 'undo', 'ds', 'fluentd-elasticsearch', '--to-revision=1', '-n', 'kube-system')).toBe('daemonset.apps/fluentd-elasticsearch rolled back\n');
    });
  });
});
