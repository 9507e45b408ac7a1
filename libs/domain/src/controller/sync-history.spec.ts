/** Spec §8 scenarios 38–49 (deletion/adoption, history) driven through `syncDaemonSet`. */
import type { ControllerRevision, Pod } from '../api/types';
import { CONTROLLER_REVISION_HASH_LABEL } from './pods';
import { newRevision, templateHash } from './revisions';
import { syncDaemonSet } from './sync';
import { aDaemonSet, nodes, T0 } from './testing/builders';
import { Cluster } from './testing/simulator';
import { toRfc3339 } from './time';

const cd = (s: { creates: number; deletes: number }) => [s.creates, s.deletes];

/** A running, ready rollout of `image` on 3 nodes. */
const rolledOut = (o: Parameters<typeof aDaemonSet>[0] = {}) => {
  const c = new Cluster(aDaemonSet(o), nodes(3));
  c.settle();
  c.markReady();
  c.settle();
  return c;
};

const orphan = <T extends Pod | ControllerRevision>(x: T): T => ({ ...x, metadata: { ...x.metadata, ownerReferences: [] } });

describe('deletion and adoption (§8.38–42)', () => {
  it.todo('§8.38 background delete: the garbage collector deletes pods and revisions (GC, not the controller core)');

  it('§8.39 foreground delete in progress: the controller does nothing and writes no status', () => {
    const c = rolledOut();
    const ds = { ...c.ds, metadata: { ...c.ds.metadata, deletionTimestamp: toRfc3339(T0), finalizers: ['foregroundDeletion'] } };
    const s = syncDaemonSet({ ds, nodes: nodes(4), pods: c.pods, revisions: c.revisions, now: T0 });
    expect(s).toMatchObject({ outcome: 'skipped', createPods: [], deletePods: [] });
    expect(s.status).toBeUndefined();
  });

  it('§8.40 orphan delete then re-create (new UID): pods and revision adopted, (0, 0), history still revision 1', () => {
    const c = rolledOut();
    const reborn = new Cluster(aDaemonSet({ uid: 'uid-foo-2' }), c.nodes, c.pods.map(orphan));
    reborn.revisions = c.revisions.map(orphan);
    const s = reborn.sync();
    expect(cd(s)).toEqual([0, 0]);
    expect(s.adoptPods).toHaveLength(3);
    expect(s.revisionActions).toEqual([{ type: 'adopt', name: c.revisions[0].metadata.name }]);
    expect(reborn.revisionNumbers()).toEqual([1]);
  });

  it('§8.41 re-created with another image: new revision 2; old pods at template generation 1 count as updated (quirk)', () => {
    const c = rolledOut();
    const reborn = new Cluster(aDaemonSet({ uid: 'uid-foo-2', image: 'nginx:2.0' }), c.nodes, c.pods.map(orphan));
    reborn.revisions = c.revisions.map(orphan);
    const s = reborn.sync();
    expect(cd(s)).toEqual([0, 0]);
    expect(reborn.revisionNumbers()).toEqual([1, 2]);
    expect(s.status).toMatchObject({ updatedNumberScheduled: 3, desiredNumberScheduled: 3 });
  });

  it('§8.41 …had the old DaemonSet been at template generation ≥ 2, its pods are replaced normally', () => {
    const c = rolledOut();
    c.setImage('nginx:1.5');
    c.settle(20);
    c.markReady();
    c.settle(20);
    c.markReady();
    c.settle(20);
    c.markReady();
    c.settle(20);
    const reborn = new Cluster(aDaemonSet({ uid: 'uid-foo-2', image: 'nginx:2.0' }), c.nodes, c.pods.map(orphan));
    reborn.revisions = c.revisions.map(orphan);
    const s = reborn.sync();
    expect(cd(s)).toEqual([0, 1]);
    expect(s.status?.updatedNumberScheduled).toBe(0);
  });

  it('§8.42 orphan delete, re-create with another image, then undo to the adopted revision 1: renumbered to 3', () => {
    const c = rolledOut();
    const reborn = new Cluster(aDaemonSet({ uid: 'uid-foo-2', image: 'nginx:2.0' }), c.nodes, c.pods.map(orphan));
    reborn.revisions = c.revisions.map(orphan);
    reborn.sync();
    reborn.setImage('nginx:1.0'); // kubectl rollout undo patches the template back to revision 1's
    const s = reborn.sync();
    expect(s.revisionActions).toContainEqual({ type: 'renumber', name: c.revisions[0].metadata.name, from: 1, to: 3 });
    expect(reborn.revisionNumbers()).toEqual([2, 3]);
  });
});

describe('history (§8.43–49)', () => {
  it('§8.43 a new DaemonSet gets one revision foo-<hash>, revision 1, owned by it', () => {
    const c = new Cluster(aDaemonSet({ annotations: { 'kubernetes.io/change-cause': 'create' } }), nodes(1));
    const s = c.sync();
    const hash = templateHash(c.ds.spec.template);
    expect(s.currentRevision).toEqual({ name: `foo-${hash}`, hash, revision: 1 });
    expect(c.revisions).toHaveLength(1);
    expect(c.revisions[0].metadata.annotations).toEqual(c.ds.metadata.annotations);
    expect(c.pods[0].metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]).toBe(hash);
  });

  it('§8.44 A→B creates revision 2; B→A creates nothing and renumbers 1 to 3; history lists 2, 3', () => {
    const c = rolledOut({ image: 'A' });
    c.setImage('B');
    c.sync();
    expect(c.revisionNumbers()).toEqual([1, 2]);
    const names = c.revisions.map((r) => r.metadata.name);
    c.setImage('A');
    const s = c.sync();
    expect(s.revisionActions.filter((a) => a.type === 'create')).toEqual([]);
    expect(c.revisions.map((r) => r.metadata.name).sort()).toEqual([...names].sort());
    expect(c.revisions.find((r) => r.metadata.name === names[0])?.revision).toBe(3);
    expect(c.revisionNumbers()).toEqual([2, 3]);
  });

  it.each<[string, (s: ReturnType<typeof aDaemonSet>['spec']) => void]>([
    ['maxUnavailable', (s) => (s.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2, maxSurge: 0 } })],
    ['minReadySeconds', (s) => (s.minReadySeconds = 5)],
    ['revisionHistoryLimit', (s) => (s.revisionHistoryLimit = 3)],
  ])('§8.45 changing only %s creates no revision and keeps the hash', (_n, mutate) => {
    const c = rolledOut();
    const hash = c.hash;
    c.updateSpec(mutate);
    c.ds = { ...c.ds, metadata: { ...c.ds.metadata, labels: { team: 'x' } } };
    const s = c.sync();
    expect(s.revisionActions).toEqual([]);
    expect(c.hash).toBe(hash);
  });

  it('§8.46 revisionHistoryLimit 1, OnDelete: revision 2 (unused) deleted; 1 (live pods) and 3 (current) kept', () => {
    const c = rolledOut({ onDelete: true, revisionHistoryLimit: 1 });
    c.setImage('v2');
    c.sync();
    c.setImage('v3');
    const s = c.sync();
    expect(s.revisionActions.filter((a) => a.type === 'delete')).toEqual([{ type: 'delete', name: expect.any(String), reason: 'history-limit' }]);
    expect(c.revisionNumbers()).toEqual([1, 3]);
  });

  it('§8.47 revisionHistoryLimit 0 after a finished rollout: only the current revision remains', () => {
    const c = rolledOut({ revisionHistoryLimit: 0 });
    c.setImage('v2');
    for (let i = 0; i < 6; i++) {
      c.settle();
      c.markReady();
    }
    c.sync();
    expect(c.revisions.map((r) => r.revision)).toEqual([2]);
  });

  it('§8.48 snapshot name taken by different data: collisionCount 1, sync fails; the next sync uses another name', () => {
    const ds = aDaemonSet();
    const squatter = { ...newRevision(aDaemonSet({ image: 'other' }), 'x', 1), metadata: { ...newRevision(ds, templateHash(ds.spec.template), 1).metadata, ownerReferences: [] } };
    const c = new Cluster(ds, nodes(1));
    c.revisions = [squatter];
    const failed = c.sync();
    expect(failed).toMatchObject({ outcome: 'failed', createPods: [], status: { collisionCount: 1 } });
    expect(failed.error).toContain('already exists');
    const ok = c.sync();
    expect(ok.outcome).toBe('synced');
    expect(ok.currentRevision?.name).toBe(`foo-${templateHash(ds.spec.template, 1)}`);
    expect(ok.createPods[0].hash).toBe(templateHash(ds.spec.template, 1));
  });

  it('§8.49 two revisions with identical data (2 and 4): 4 kept, 2 deleted, all pods relabelled to 4', () => {
    const c = rolledOut();
    const cur = c.revisions[0];
    const dup = (n: number, hash: string): ControllerRevision => ({ ...cur, metadata: { ...cur.metadata, name: `foo-${hash}`, labels: { ...cur.metadata.labels, [CONTROLLER_REVISION_HASH_LABEL]: hash } }, revision: n });
    c.revisions = [dup(2, 'dup2'), dup(4, 'dup4')];
    const s = c.sync();
    expect(s.revisionActions).toEqual([{ type: 'delete', name: 'foo-dup2', reason: 'duplicate' }]);
    expect(s.relabelPods.map((p) => p.hash)).toEqual(['dup4', 'dup4', 'dup4']);
    expect(c.pods.every((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === 'dup4')).toBe(true);
    expect(cd(s)).toEqual([0, 0]);
  });
});
