import { isDomainError } from '../errors';
import type { ObjectEvent } from '../cluster/events';
import { NAMESPACE_KIND, SERVICE_ACCOUNT_KIND } from './core-kinds';
import type { StoredObject } from './kind-def';
import { evolveObject, objectDecider, type ObjectCommand } from './object.decider';

const ctx = { now: '2026-12-02T10:00:00Z', newUid: 'uid-1' };
const sa = (name = 'builder'): StoredObject => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'ci' } });

/** given events / when command / then events, folded as the view folds them. */
const given = (kind = SERVICE_ACCOUNT_KIND, ...events: ObjectEvent[]) => {
  const state = events.reduce<StoredObject | undefined>((s, e, i) => evolveObject(s, e, String(i + 1)), undefined);
  return { state, when: (cmd: ObjectCommand) => objectDecider(kind)(cmd, state, ctx) };
};
const created = (o: StoredObject): ObjectEvent => ({ type: 'ObjectCreated', data: { object: { ...o, metadata: { ...o.metadata, uid: 'u0', creationTimestamp: '2026-01-01T00:00:00Z' } } } });
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return isDomainError(e) ? e.code : 'not a DomainError';
  }
  return 'no error';
};

describe('the stored-object decider', () => {
  it('create records the object with its uid and creation time', () =>
    expect(given().when({ type: 'CreateObject', object: sa() })).toEqual([
      { type: 'ObjectCreated', data: { object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'ci', uid: 'uid-1', creationTimestamp: ctx.now } } } },
    ]));

  it('create keeps a uid the write path chose (a Secret is sealed under it before the command)', () => {
    const [e] = given().when({ type: 'CreateObject', object: { ...sa(), metadata: { ...sa().metadata, uid: 'sealed-under-this' } } });
    expect((e as { data: { object: StoredObject } }).data.object.metadata.uid).toBe('sealed-under-this');
  });

  it('create of an existing object is AlreadyExists', () => expect(code(() => given(SERVICE_ACCOUNT_KIND, created(sa())).when({ type: 'CreateObject', object: sa() }))).toBe('AlreadyExists'));

  it('update with a stale resourceVersion is a conflict; with the current one it records the whole object', () => {
    const g = given(SERVICE_ACCOUNT_KIND, created(sa()));
    expect(code(() => g.when({ type: 'UpdateObject', object: { ...sa(), automountServiceAccountToken: false }, expectedResourceVersion: '7' }))).toBe('Conflict');
    const events = g.when({ type: 'UpdateObject', object: { ...sa(), automountServiceAccountToken: false }, expectedResourceVersion: '1' });
    expect(events).toEqual([{ type: 'ObjectUpdated', data: { object: { ...sa(), metadata: { ...sa().metadata, uid: 'u0', creationTimestamp: '2026-01-01T00:00:00Z' }, automountServiceAccountToken: false } } }]);
  });

  it('an update that changes nothing appends nothing', () => {
    const g = given(SERVICE_ACCOUNT_KIND, created(sa()));
    expect(g.when({ type: 'UpdateObject', object: g.state! })).toEqual([]);
  });

  it('update of an absent object is NotFound, unless it is served from a base (a built-in namespace)', () => {
    const ns: StoredObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', uid: 'u-default', resourceVersion: '1', creationTimestamp: 'T0' } };
    expect(code(() => given(NAMESPACE_KIND).when({ type: 'UpdateObject', object: ns }))).toBe('NotFound');
    const [e] = given(NAMESPACE_KIND).when({ type: 'UpdateObject', object: { ...ns, metadata: { ...ns.metadata, labels: { a: 'b' } } }, base: ns, expectedResourceVersion: '1' });
    expect(e).toMatchObject({ type: 'ObjectUpdated', data: { object: { metadata: { uid: 'u-default', labels: { a: 'b' } } } } });
  });

  it('delete removes an ordinary object; a uid precondition that does not hold is a conflict', () => {
    const g = given(SERVICE_ACCOUNT_KIND, created(sa()));
    expect(code(() => g.when({ type: 'DeleteObject', reason: 'user', expectedUid: 'other' }))).toBe('Conflict');
    expect(g.when({ type: 'DeleteObject', reason: 'user', expectedUid: 'u0' })).toEqual([{ type: 'ObjectDeleted', data: { uid: 'u0', reason: 'user' } }]);
  });

  it('delete of a namespace begins its termination (phase Terminating); asked again, nothing; finalized, it goes', () => {
    const ns: StoredObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'logging' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
    const g = given(NAMESPACE_KIND, created(ns));
    const [requested] = g.when({ type: 'DeleteObject', reason: 'user' });
    expect(requested).toEqual({ type: 'ObjectDeletionRequested', data: { deletionTimestamp: ctx.now } });
    const terminating = given(NAMESPACE_KIND, created(ns), requested);
    expect(terminating.state).toMatchObject({ metadata: { deletionTimestamp: ctx.now, resourceVersion: '2' }, status: { phase: 'Terminating' } });
    expect(terminating.when({ type: 'DeleteObject', reason: 'user' })).toEqual([]);
    expect(terminating.when({ type: 'FinalizeObjectDeletion' })).toEqual([{ type: 'ObjectDeleted', data: { uid: 'u0', reason: 'finalized' } }]);
    expect(g.when({ type: 'FinalizeObjectDeletion' })).toEqual([]);
  });
});
