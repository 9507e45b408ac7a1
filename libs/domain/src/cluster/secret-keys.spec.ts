import { secretKeysInUse } from './secret-keys';

const secret = (name: string, uid?: string, deleting = false) => ({
  metadata: { name, namespace: 'default', ...(uid ? { uid } : {}), ...(deleting ? { deletionTimestamp: '2026-12-02T10:00:00Z' } : {}) },
});

describe('secretKeysInUse: the data keys start-up keeps', () => {
  it.each([
    ['no Secret alive: none', [], []],
    ['each live Secret keeps its own key (its uid)', [secret('a', 'u-a'), secret('b', 'u-b')], ['u-a', 'u-b']],
    ['a Secret being deleted is still alive: its key stays', [secret('a', 'u-a', true)], ['u-a']],
    ['an object without uid keeps nothing', [secret('a')], []],
  ])('%s', (_name, secrets, keep) => expect([...secretKeysInUse(secrets)].sort()).toEqual(keep));
});
