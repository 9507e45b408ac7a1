import type { ControllerRevision, DaemonSet } from './types';
import { rollbackRequest, rollbackToHash } from './rollback';

const ds = { metadata: { name: 'ds', uid: 'ds-uid' } } as DaemonSet;
const revision = (n: number, image: string, owner = 'ds-uid'): ControllerRevision =>
  ({
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: { name: `ds-${n}`, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'ds', uid: owner, controller: true }] },
    revision: n,
    data: { spec: { template: { $patch: 'replace', spec: { containers: [{ name: 'c', image }] } } } },
  }) as ControllerRevision;

const history = [revision(3, 'c:3'), revision(1, 'c:1'), revision(2, 'c:2'), revision(9, 'other:9', 'someone-else')];

describe('kubectl rollout undo, as the client decides it', () => {
  it('0 picks the second highest of the DaemonSet own revisions and sends its data as a strategic merge patch', () => {
    const r = rollbackRequest(ds, history, 0);
    expect(r).toEqual({ skipped: false, revision: 2, contentType: 'application/strategic-merge-patch+json', patch: JSON.stringify(revision(2, 'c:2').data) });
  });

  it('--to-revision=N picks N; the current one is skipped', () => {
    expect(rollbackRequest(ds, history, 1)).toMatchObject({ skipped: false, revision: 1 });
    expect(rollbackRequest(ds, history, 3)).toEqual({ skipped: true, revision: 3 });
  });

  it.each([
    ['a revision of another owner', history, 9, 'unable to find specified revision 9 in history'],
    ['a negative revision', history, -1, 'unable to find specified revision -1 in history'],
    ['undo with one revision', [revision(1, 'c:1')], 0, 'no last revision to roll back to'],
  ])('refuses %s (400)', (_, revs, to, message) => {
    expect(() => rollbackRequest(ds, revs, to)).toThrow(expect.objectContaining({ code: 'BadRequest', message }));
  });
});

describe('the rollback on-stall makes (rollbackToHash)', () => {
  const hashed = history.map((r) => ({ ...r, metadata: { ...r.metadata, labels: { 'controller-revision-hash': `h${r.revision}` } } }));

  it('undoes to the revision with that hash, recording why as the change-cause', () => {
    const r = rollbackToHash(ds, hashed, 'h2', 'auto-rollback: rollout 4 made no progress');
    expect(r).toMatchObject({ revision: 2, contentType: 'application/strategic-merge-patch+json' });
    expect(JSON.parse(r!.patch)).toEqual({
      spec: { template: { $patch: 'replace', spec: { containers: [{ name: 'c', image: 'c:2' }] } } },
      metadata: { annotations: { 'kubernetes.io/change-cause': 'auto-rollback: rollout 4 made no progress' } },
    });
  });

  it('nothing when the revision is gone (history pruned), is another DaemonSet\'s, or is the current one', () => {
    expect(rollbackToHash(ds, hashed, 'h7', 'x')).toBeUndefined();
    expect(rollbackToHash(ds, hashed, 'h9', 'x')).toBeUndefined();
    expect(rollbackToHash(ds, hashed, 'h3', 'x')).toBeUndefined();
  });
});
