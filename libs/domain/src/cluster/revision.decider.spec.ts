import type { ControllerRevision } from '../api/types';
import { evolveRevision } from './evolve';
import { decideRevision } from './revision.decider';

const ctx = { now: '2026-11-22T10:00:00Z', newUid: 'r-uid' };
const rev: ControllerRevision = { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'foo-abc', namespace: 'default' }, data: {}, revision: 1 };

describe('ControllerRevision decider', () => {
  const created = evolveRevision(undefined, decideRevision({ type: 'CreateRevision', revision: rev }, undefined, ctx)[0], '1')!;

  it('invariant 3: a revision number may only be raised — renumbering 1 → 3 works, 3 → 2 is refused', () => {
    const three = evolveRevision(created, decideRevision({ type: 'RenumberRevision', to: 3 }, created, ctx)[0], '2')!;
    expect(three.revision).toBe(3);
    expect(() => decideRevision({ type: 'RenumberRevision', to: 2 }, three, ctx)).toThrow(/may only increase/);
  });

  it('a user update records number, labels, annotations and owner in one decision; nothing for no change', () => {
    const owner = { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'foo', uid: 'u', controller: true };
    const events = decideRevision({ type: 'UpdateRevisionMetadata', revision: 2, labels: { a: 'b' }, annotations: { note: 'x' }, ownerReference: owner }, created, ctx);
    expect(events.map((e) => e.type)).toEqual(['ControllerRevisionRenumbered', 'ControllerRevisionLabelsChanged', 'ControllerRevisionAnnotationsChanged', 'ControllerRevisionOwnerChanged']);
    const after = events.reduce<ControllerRevision | undefined>((r, e, i) => evolveRevision(r, e, String(2 + i)), created)!;
    expect(after).toMatchObject({ revision: 2, metadata: { labels: { a: 'b' }, annotations: { note: 'x' }, ownerReferences: [owner] } });
    expect(decideRevision({ type: 'UpdateRevisionMetadata', revision: 2, labels: { a: 'b' }, annotations: { note: 'x' } }, after, ctx)).toEqual([]);
    expect(() => decideRevision({ type: 'UpdateRevisionMetadata', revision: 1, labels: {}, annotations: {} }, after, ctx)).toThrow(/may only increase/);
  });

  it('a user update for a stale resourceVersion is a Conflict and records nothing', () => {
    expect(() => decideRevision({ type: 'UpdateRevisionMetadata', revision: 1, labels: { a: 'b' }, annotations: {}, expectedResourceVersion: '0' }, created, ctx)).toThrow(
      expect.objectContaining({ code: 'Conflict', message: expect.stringMatching(/^Operation cannot be fulfilled on controllerrevisions.apps "foo-abc": the object has been modified/) }),
    );
    expect(decideRevision({ type: 'UpdateRevisionMetadata', revision: 1, labels: { a: 'b' }, annotations: {}, expectedResourceVersion: '1' }, created, ctx).map((e) => e.type)).toEqual(['ControllerRevisionLabelsChanged']);
  });

  it('creating a name that exists is AlreadyExists (a replayed create is harmless)', () => {
    expect(() => decideRevision({ type: 'CreateRevision', revision: rev }, created, ctx)).toThrow(/already exists/);
  });
});
