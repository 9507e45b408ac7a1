import { checkPreconditions } from './preconditions';
import { DAEMONSETS, PODS } from './status';

const stored = { metadata: { name: 'ds', uid: 'u-1', resourceVersion: '7' } };
const refused = (f: () => void) => {
  try {
    f();
  } catch (e) {
    return e as { code: string; message: string; details: unknown };
  }
  throw new Error('expected a Conflict');
};

describe('write preconditions: one rule, one code (409 Conflict)', () => {
  it.each([
    ['no preconditions', undefined],
    ['empty ones', { uid: '', resourceVersion: '' }],
    ['matching ones', { uid: 'u-1', resourceVersion: '7' }],
  ])('%s hold', (_, pre) => expect(() => checkPreconditions(DAEMONSETS, stored, pre)).not.toThrow());

  it.each([
    ['a stale resourceVersion on update', { resourceVersion: '6' }, 'update', 'Operation cannot be fulfilled on daemonsets.apps "ds": the object has been modified; please apply your changes to the latest version and try again'],
    ['a stale resourceVersion on delete', { resourceVersion: '6' }, 'delete', 'Precondition failed: ResourceVersion in precondition: 6, ResourceVersion in object meta: 7'],
    ['another uid (checked first)', { uid: 'u-2', resourceVersion: '6' }, 'delete', 'Precondition failed: UID in precondition: u-2, UID in object meta: u-1'],
  ] as const)('%s is a Conflict with upstream wording', (_, pre, verb, message) => {
    const e = refused(() => checkPreconditions(DAEMONSETS, stored, pre, verb));
    expect({ code: e.code, message: e.message, details: e.details }).toEqual({ code: 'Conflict', message, details: { name: 'ds', group: 'apps', kind: 'daemonsets' } });
  });

  it('names core resources without a group', () => {
    expect(refused(() => checkPreconditions(PODS, stored, { resourceVersion: '1' })).details).toEqual({ name: 'ds', kind: 'pods' });
  });
});
