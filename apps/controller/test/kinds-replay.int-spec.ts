import { join } from 'node:path';
import { openEventStore, SqliteSnapshotStore } from '@daemonledger/event-store';
import type { EventStore } from '@daemonledger/event-store/event-store.port';
import { type ClusterView, clusterViewAt, History } from '@daemonledger/projections';
import { verifyLog } from '../src/history/verify-log';
import { type ApiHarness, MANIFESTS, startApiHarness } from './api-harness';

/**
 * Invariant 5 for the stored kinds: a namespace with a DaemonSet, a Service,
 * a ConfigMap, a Secret and RBAC objects comes and goes; the live view, the
 * views restored from snapshots plus their tails, and the replay from zero
 * agree at every position, and a past read sees the namespace as it was.
 */
jest.setTimeout(120_000);

const plain = (v: ClusterView) => JSON.parse(JSON.stringify({ ...v.snapshot(), events: v.events.list(), streamRevisions: [...v.streamRevisions].sort() }));

describe('replay of the stored kinds (real SQLite file)', () => {
  let h: ApiHarness;
  let store: EventStore;
  let snapshots: SqliteSnapshotStore;
  let live: unknown;
  let head = 0;
  let withNamespace = 0;

  beforeAll(async () => {
    h = await startApiHarness({ nodes: 2, podStartMs: 20, env: { SNAPSHOT_EVERY_EVENTS: '10' } });
    const ok = async (args: string[]) => {
      const r = await h.kubectl(args);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
    };
    await ok(['apply', '-f', h.file('ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: agents\n')]);
    await ok(['apply', '-n', 'agents', '-f', join(MANIFESTS, 'nginx-ds.yaml')]);
    await ok(['rollout', 'status', '-n', 'agents', 'ds/nginx-ds', '--timeout=30s']);
    const objects = [
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: conf\n  namespace: agents\ndata:\n  a: "1"',
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: token\n  namespace: agents\nstringData:\n  t: s3cret',
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: agents\nspec:\n  ports:\n  - port: 80',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\nrules:\n- apiGroups: [""]\n  resources: ["pods"]\n  verbs: ["get"]',
    ].join('\n---\n');
    await ok(['apply', '-f', h.file('objects.yaml', objects)]);
    await ok(['label', 'cm', 'conf', '-n', 'agents', 'x=y']);
    withNamespace = await h.head();
    await ok(['delete', 'ns', 'agents', '--timeout=60s']);
    await h.until(async () => (await h.kubectl(['get', 'sa,cm', '-A', '-o', 'name'])).stdout.split('\n').filter(Boolean).length === 8, 10_000, 'defaults settled');
    head = await h.head();
    live = plain(h.embedded.state.view);
    await h.stop();
    store = await openEventStore({ kind: 'sqlite', file: join(h.dir, 'events.sqlite') });
    snapshots = new SqliteSnapshotStore({ file: join(h.dir, 'events.sqlite') });
  });
  afterAll(async () => {
    await snapshots?.close();
    await store?.close();
    await h?.dispose();
  });

  it('the live view equals the replay of the whole log', async () => {
    expect(plain(await clusterViewAt(store, head))).toEqual(live);
  });

  it('views from snapshots plus their tails equal the replay from zero, at every position', async () => {
    expect((await snapshots.list()).length).toBeGreaterThanOrEqual(2);
    const history = new History(store, { snapshots });
    for (let p = 1; p <= head; p += 3) expect({ p, view: plain(await history.viewAt(p)) }).toEqual({ p, view: plain(await clusterViewAt(store, p)) });
  });

  it('the verifier reads the whole log, stored kinds included, and finds it sound', async () => {
    const report = await verifyLog(store, { densePositions: true });
    expect({ ok: report.ok, events: report.events }).toEqual({ ok: true, events: head });
  });

  it('time travel sees the namespace and its objects come and go; a partial read of one kind agrees', async () => {
    const then = await clusterViewAt(store, withNamespace);
    expect(then.object('namespace', '', 'agents')?.status).toEqual({ phase: 'Active' });
    expect(then.object('configmap', 'agents', 'conf')?.metadata.labels).toEqual({ x: 'y' });
    expect(then.object('service', 'agents', 'web')?.spec).toMatchObject({ clusterIP: '10.96.1.1' });
    // The Secret's data is in the log sealed only.
    expect(then.object('secret', 'agents', 'token')).not.toHaveProperty('data');
    expect(then.object('secret', 'agents', 'token')).toHaveProperty('sealedData.alg', 'AES-256-GCM');
    const now = await clusterViewAt(store, head);
    expect(now.object('namespace', '', 'agents')).toBeUndefined();
    expect(now.objectsOf('configmap', 'agents')).toEqual([]);
    expect(now.object('clusterrole', '', 'reader')).toBeDefined();
    const history = new History(store, { snapshots });
    expect(JSON.parse(JSON.stringify((await history.viewAt(withNamespace, 'configmap')).objectsOf('configmap')))).toEqual(JSON.parse(JSON.stringify(then.objectsOf('configmap'))));
  });
});
