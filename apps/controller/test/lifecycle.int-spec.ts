import { DAEMONSETS_API, MERGE_PATCH, NODES_API, PODS_API } from '../src/api/local-api';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { openEventStore } from '@daemonledger/event-store';
import { clusterViewAt } from '@daemonledger/projections';
import { simulatedNode } from '@daemonledger/node-agent';
import { startHarness, manifest, type Harness } from './harness';

const user = { user: 'test' };
const onNodes = (h: Harness) => h.pods().filter((p) => !p.metadata.deletionTimestamp).map((p) => p.spec.nodeName).sort();

describe('DaemonSet lifecycle through the log', () => {
  let h: Harness;
  afterEach(async () => h?.dispose());

  it('node join, label change, taint, cordon and leave move daemon pods as upstream does', async () => {
    h = await startHarness({ nodes: 3 });
    const ds = manifest('nginx-ds.yaml');
    ds.spec.template.spec.nodeSelector = { disk: 'ssd' };
    await h.apply(ds);
    await h.settle();
    expect(onNodes(h)).toEqual([]);

    await h.writes.patch(NODES_API, '', 'node-1', { metadata: { labels: { disk: 'ssd' } } }, { ...MERGE_PATCH, ...user });
    await h.settle();
    expect(onNodes(h)).toEqual(['node-1']);

    await h.fleet.join(simulatedNode(7, { disk: 'ssd' }));
    await h.settle();
    expect(onNodes(h)).toEqual(['node-1', 'node-7']);

    // A NoSchedule taint the pod does not tolerate: the running pod stays (misscheduled), none is created.
    await h.writes.patch(NODES_API, '', 'node-7', { spec: { taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] } }, { ...MERGE_PATCH, ...user });
    await h.settle();
    expect(onNodes(h)).toEqual(['node-1', 'node-7']);
    expect(h.ds('nginx-ds')!.status).toMatchObject({ desiredNumberScheduled: 1, numberMisscheduled: 1 });

    // NoExecute: the pod goes.
    await h.writes.patch(NODES_API, '', 'node-7', { spec: { taints: [{ key: 'dedicated', value: 'x', effect: 'NoExecute' }] } }, { ...MERGE_PATCH, ...user });
    await h.settle();
    expect(onNodes(h)).toEqual(['node-1']);

    // Cordon does not evict daemon pods (the unschedulable taint is tolerated by default).
    await h.writes.patch(NODES_API, '', 'node-1', { spec: { unschedulable: true } }, { ...MERGE_PATCH, ...user });
    await h.settle();
    expect(onNodes(h)).toEqual(['node-1']);

    // The label goes away: the pod goes.
    await h.writes.patch(NODES_API, '', 'node-1', { metadata: { labels: { disk: null } } }, { ...MERGE_PATCH, ...user });
    await h.settle();
    expect(h.pods()).toEqual([]);
  }, 30_000);

  it('a node leaving takes its pod with it; a pod deleted by a user comes back', async () => {
    h = await startHarness({ nodes: 3 });
    await h.apply(manifest('nginx-ds.yaml'));
    await h.settle();
    await h.writes.delete(NODES_API, '', 'node-2', {}, user);
    await h.settle();
    expect(onNodes(h)).toEqual(['node-0', 'node-1']);

    const victim = h.pods().find((p) => p.spec.nodeName === 'node-0')!;
    await h.writes.delete(PODS_API, 'default', victim.metadata.name!, {}, user);
    await h.settle();
    const replacement = h.pods().find((p) => p.spec.nodeName === 'node-0')!;
    expect(replacement.metadata.name).not.toBe(victim.metadata.name);
    expect(onNodes(h)).toEqual(['node-0', 'node-1']);
  }, 30_000);

  it.each([
    ['§8.38 Background', 0, 0],
    ['§8.39 Foreground', 0, 0],
    ['§8.40 Orphan', 3, 1],
  ] as const)('%s delete: the DaemonSet goes, leaving %i pods and %i revisions', async (name, pods, revisions) => {
    const policy = name.split(' ')[1] as 'Background' | 'Foreground' | 'Orphan';
    h = await startHarness({ nodes: 3 });
    await h.apply(manifest('nginx-ds.yaml'));
    await h.settle();
    await h.writes.delete(DAEMONSETS_API, 'default', 'nginx-ds', { propagationPolicy: policy }, user);
    await h.settle();
    expect(h.ds('nginx-ds')).toBeUndefined();
    expect(h.pods()).toHaveLength(pods);
    expect(h.state.view.revisionsIn('default')).toHaveLength(revisions);
    if (policy === 'Orphan') {
      expect(h.pods().every((p) => !p.metadata.ownerReferences?.length)).toBe(true);
    }
  }, 30_000);

  it('§8.40 orphan delete then re-create (§8.41 same template): the new DaemonSet adopts pods and revision, restarts nothing', async () => {
    h = await startHarness({ nodes: 3 });
    await h.apply(manifest('nginx-ds.yaml'));
    await h.settle();
    const before = h.pods().map((p) => p.metadata.uid).sort();
    await h.writes.delete(DAEMONSETS_API, 'default', 'nginx-ds', { propagationPolicy: 'Orphan' }, user);
    await h.settle();
    await h.apply(manifest('nginx-ds.yaml'));
    await h.settle();
    const ds = h.ds('nginx-ds')!;
    expect(h.pods().map((p) => p.metadata.uid).sort()).toEqual(before);
    expect(h.pods().every((p) => p.metadata.ownerReferences?.[0]?.uid === ds.metadata.uid)).toBe(true);
    const revs = h.state.view.revisionsIn('default');
    expect(revs.map((r) => [r.revision, r.metadata.ownerReferences?.[0]?.uid])).toEqual([[1, ds.metadata.uid]]);
  }, 30_000);

  it('OnDelete: a new template reaches only the pods someone deletes', async () => {
    h = await startHarness({ nodes: 3 });
    const ds = manifest('nginx-ds.yaml');
    ds.spec.updateStrategy = { type: 'OnDelete' };
    await h.apply(ds);
    await h.settle();
    await h.writes.setImage('default', 'nginx-ds', { '*': 'nginx:1.9.1' }, { user: 'test' });
    await h.settle();
    expect(h.pods().map((p) => p.spec.containers[0].image)).not.toContain('nginx:1.9.1');
    expect(h.ds('nginx-ds')!.status!.updatedNumberScheduled).toBe(0);
    const victim = h.pods().find((p) => p.spec.nodeName === 'node-1')!;
    await h.writes.delete(PODS_API, 'default', victim.metadata.name!, {}, user);
    await h.settle();
    expect(h.pods().find((p) => p.spec.nodeName === 'node-1')!.spec.containers[0].image).toBe('nginx:1.9.1');
    expect(h.ds('nginx-ds')!.status!.updatedNumberScheduled).toBe(1);
  }, 30_000);

  it('failure injection: a crash-looping new image stalls the rollout at maxUnavailable and is recorded as stalled', async () => {
    h = await startHarness({ nodes: 4, failures: [{ mode: 'crash', image: 'busybox' }] });
    await h.apply(manifest('nginx-ds.yaml'));
    await h.settle();
    await h.writes.setImage('default', 'nginx-ds', { '*': 'busybox:1.36' }, { user: 'test' });
    await h.until(() => h.state.view.rolloutsOf('default', 'nginx-ds').at(-1)?.state === 'stalled');
    const crashing = h.pods().filter((p) => p.spec.containers[0].image === 'busybox:1.36');
    expect(crashing).toHaveLength(1);
    expect(crashing[0].status?.containerStatuses?.[0].state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(h.ds('nginx-ds')!.status).toMatchObject({ updatedNumberScheduled: 1, numberAvailable: 3, numberUnavailable: 1 });
  }, 30_000);

  it('§8.25/§8.26 a pod that ends Failed is deleted with FailedDaemonPod and replaced, with a doubling back-off per node', async () => {
    h = await startHarness({ nodes: 1, failures: [{ mode: 'fail', image: 'busybox' }] });
    const ds = manifest('nginx-ds.yaml');
    ds.spec.template.spec.containers[0].image = 'busybox:1.36';
    await h.apply(ds);
    await h.until(() => h.state.view.events.list('default').filter((e) => e.reason === 'FailedDaemonPod').length >= 3, 15_000);
    const warnings = h.state.view.events.list('default').filter((e) => e.reason === 'FailedDaemonPod');
    expect(warnings[0]).toMatchObject({ type: 'Warning', involvedObject: { kind: 'DaemonSet', name: 'nginx-ds' } });
    expect(warnings[0].message).toMatch(/^Found failed daemon pod default\/nginx-ds-\w{5} on node node-0, will try to kill it$/);
    // The first failed pod goes at once, the next only after 1 s, the one after that after 2 s more.
    const created = (await h.store.readAll({})).filter((e) => e.type === 'PodCreated').map((e) => Date.parse(e.recordedAt));
    expect(created.length).toBeGreaterThanOrEqual(3);
    expect(created[2] - created[1]).toBeGreaterThanOrEqual(900);
  }, 30_000);

  it('a new template mid-rollout supersedes the running rollout; no pod of the middle revision is created after it', async () => {
    h = await startHarness({ nodes: 5, podStartMs: 40 });
    await h.apply(manifest('nginx-ds.yaml'));
    await h.until(() => h.ds('nginx-ds')?.status?.numberAvailable === 5);
    await h.writes.setImage('default', 'nginx-ds', { '*': 'nginx:1.9.1' }, { user: 'test' });
    await h.until(() => h.pods().some((p) => p.spec.containers[0].image === 'nginx:1.9.1'));
    await h.writes.setImage('default', 'nginx-ds', { '*': 'nginx:1.10.0' }, { user: 'test' });
    const supersededAt = h.state.view.position;
    await h.until(() => h.ds('nginx-ds')?.status?.updatedNumberScheduled === 5 && h.ds('nginx-ds')?.status?.numberAvailable === 5);
    expect(h.pods().every((p) => p.spec.containers[0].image === 'nginx:1.10.0')).toBe(true);
    expect(h.state.view.rolloutsOf('default', 'nginx-ds').map((r) => r.state)).toEqual(['completed', 'superseded', 'completed']);
    const created = (await h.store.readAll({})).filter((e) => e.type === 'PodCreated');
    const middle = created.filter((e) => JSON.stringify(e.data).includes('nginx:1.9.1'));
    expect(middle.length).toBeLessThanOrEqual(1); // maxUnavailable 1: at most the one pod already on its way
    expect(middle.every((e) => e.position < supersededAt)).toBe(true);
  }, 30_000);

  it('invariant 6: a Background delete whose garbage collection a crash cut short is finished at the next start', async () => {
    h = await startHarness({ nodes: 3 });
    await h.apply(manifest('nginx-ds.yaml'));
    await h.settle();
    const dir = h.dir;
    const ds = h.ds('nginx-ds')!;
    const stream = 'daemonset-default.nginx-ds';
    const revision = h.state.view.streamRevisions.get(stream)!;
    await h.close();
    // The delete is in the log, the garbage collector never ran: what a kill -9 right after it leaves.
    const store = await openEventStore({ kind: 'sqlite', file: join(dir, 'events.sqlite') });
    await store.append(stream, [{ id: randomUUID(), type: 'DaemonSetDeleted', data: { uid: ds.metadata.uid, propagationPolicy: 'Background' }, metadata: { actor: 'user:test' } }], { expectedRevision: revision });
    await store.close();
    h = await startHarness({ nodes: 3, dir });
    await h.until(() => h.pods().length === 0 && h.state.view.revisionsIn('default').length === 0);
    expect(h.ds('nginx-ds')).toBeUndefined();
  }, 30_000);

  it('invariant 5: the live projection equals a replay of the log from zero, and "at position P" equals what was live at P', async () => {
    h = await startHarness({ nodes: 4 });
    await h.apply(manifest('nginx-ds.yaml'));
    await h.settle();
    const atP = h.state.view.position;
    const liveAtP = JSON.parse(JSON.stringify(h.state.view.snapshot()));
    await h.writes.setImage('default', 'nginx-ds', { '*': 'nginx:1.9.1' }, { user: 'test' });
    await h.settle();
    const rebuilt = await clusterViewAt(h.store, await h.store.headPosition());
    expect(rebuilt.snapshot()).toEqual(h.state.view.snapshot());
    const past = await clusterViewAt(h.store, atP);
    expect(JSON.parse(JSON.stringify(past.snapshot()))).toEqual(liveAtP);
  }, 30_000);
});
