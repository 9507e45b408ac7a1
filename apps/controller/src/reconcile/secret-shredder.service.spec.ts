import type { RecordedEvent } from '@daemonledger/event-store/event-store.port';
import { objectStream } from '@daemonledger/domain/cluster/streams';
import { ClusterView } from '@daemonledger/projections';
import type { SealedSecretData, SecretSealer } from '../infrastructure/secret-sealer.port';
import type { ClusterState } from '../projections/cluster-state.service';
import { CaughtUp, Recorded } from '../projections/recorded';
import { SecretShredder } from './secret-shredder.service';

/** A sealer that records what it was asked to destroy. */
class RecordingSealer implements SecretSealer {
  readonly shredded: string[] = [];
  readonly sweeps: string[][] = [];
  seal(keyId: string): SealedSecretData {
    return { keyId, alg: 'AES-256-GCM', nonce: '', ciphertext: '' };
  }
  open(): Record<string, string> | undefined {
    return undefined;
  }
  shred(keyId: string): void {
    this.shredded.push(keyId);
  }
  shredAllExcept(keep: ReadonlySet<string>): number {
    this.sweeps.push([...keep].sort());
    return 0;
  }
}

let position = 0;
const recorded = (streamId: string, type: string, data: unknown): RecordedEvent => ({
  id: `e${++position}`,
  type,
  schemaVersion: 1,
  data,
  metadata: {},
  streamId,
  revision: 0,
  position,
  recordedAt: '2026-12-02T10:00:00Z',
});
const secretCreated = (name: string, uid: string) =>
  recorded(objectStream('secret', 'default', name), 'ObjectCreated', { object: { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default', uid } } });

const setUp = () => {
  const view = new ClusterView();
  const sealer = new RecordingSealer();
  const shredder = new SecretShredder(sealer, { view } as unknown as ClusterState);
  return { view, sealer, shredder };
};

describe('SecretShredder', () => {
  it('destroys the key of a Secret whose deletion is recorded, and nothing for other kinds', () => {
    const { sealer, shredder } = setUp();
    shredder.handle(new Recorded(recorded(objectStream('secret', 'default', 'a'), 'ObjectDeleted', { uid: 'u-a', reason: 'user' }), []));
    shredder.handle(new Recorded(recorded(objectStream('configmap', 'default', 'c'), 'ObjectDeleted', { uid: 'u-c', reason: 'user' }), []));
    expect(sealer.shredded).toEqual(['u-a']);
  });

  it('on catching up at start-up, keeps only the keys of the Secrets alive in the view, at once (before start resolves)', () => {
    const { view, sealer, shredder } = setUp();
    view.apply(secretCreated('alive', 'u-alive'));
    view.apply(secretCreated('gone', 'u-gone'));
    view.apply(recorded(objectStream('secret', 'default', 'gone'), 'ObjectDeleted', { uid: 'u-gone', reason: 'user' }));
    shredder.handle(new CaughtUp(view.position));
    expect(sealer.sweeps).toEqual([['u-alive']]);
  });

  it('sweeps once per process: a later CaughtUp (a create may be in flight by then) sweeps nothing', () => {
    const { view, sealer, shredder } = setUp();
    shredder.handle(new CaughtUp(view.position));
    shredder.handle(new CaughtUp(view.position));
    expect(sealer.sweeps).toHaveLength(1);
  });
});
