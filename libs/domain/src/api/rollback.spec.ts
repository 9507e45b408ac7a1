import type { ControllerRevision, DaemonSet } from './types';
import { rollbackRequest } from './rollback';

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
