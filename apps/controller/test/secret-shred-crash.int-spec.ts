import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openEventStore } from '@daemonledger/event-store';
import { objectStream } from '@daemonledger/domain/cluster/streams';
import { clusterViewAt } from '@daemonledger/projections';
import { FileSecretSealer, SECRET_KEYS_DIR } from '../src/infrastructure/file-secret-sealer';
import type { SealedSecretData } from '../src/infrastructure/secret-sealer.port';
import { clusterUpcasters } from '../src/infrastructure/upcasters';
import { type ApiHarness, startApiHarness } from './api-harness';

/**
 * Crypto-shredding survives a crash between the append of a Secret's
 * deletion and the destruction of its key: the server is stopped, the
 * ObjectDeleted the API would have appended is appended to the real SQLite
 * log (the shred never runs, as when the process dies right after the
 * append), and the restarted server destroys the key before it serves; the
 * data is then unreadable by time travel and by the key files alike.
 */
jest.setTimeout(120_000);

const keyFiles = (dir: string) => readdirSync(join(dir, SECRET_KEYS_DIR, 'data-keys')).filter((n) => /^[0-9a-f]{64}$/.test(n));

describe('crypto-shredding across a crash (real SQLite log, real key files)', () => {
  let h: ApiHarness | undefined;
  let dir = '';
  let uid = '';
  let keptUid = '';
  let createdAt = 0;
  let sealed: SealedSecretData;

  beforeAll(async () => {
    const first = await startApiHarness({ nodes: 1 });
    dir = first.dir;
    const create = async (name: string, token: string) => {
      const body = { apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: { token } };
      const r = await first.raw('/api/v1/namespaces/default/secrets', { method: 'POST', body });
      expect([r.status, r.status === 201 ? '' : r.body]).toEqual([201, '']);
      return r.json<{ metadata: { uid: string } }>().metadata.uid;
    };
    uid = await create('doomed', 'hunter2');
    keptUid = await create('kept', 'swordfish');
    createdAt = await first.head();
    await first.stop();

    // The crash: the deletion reached the log, the shred did not run.
    const store = await openEventStore({ kind: 'sqlite', file: join(dir, 'events.sqlite') }, clusterUpcasters());
    const stream = objectStream('secret', 'default', 'doomed');
    const [created] = await store.readStream(stream);
    sealed = (created.data as { object: { sealedData: SealedSecretData } }).object.sealedData;
    await store.append(stream, [{ id: randomUUID(), type: 'ObjectDeleted', data: { uid, reason: 'user' }, metadata: { actor: 'user:admin', wallTime: new Date().toISOString() } }], { expectedRevision: created.revision });
    await store.close();
  });
  afterAll(async () => {
    await h?.dispose();
  });

  it('before the restart the key is still on disk and opens the data (the state a crash leaves)', () => {
    expect(keyFiles(dir)).toHaveLength(2);
    expect(new FileSecretSealer(join(dir, SECRET_KEYS_DIR)).open(sealed)).toEqual({ token: Buffer.from('hunter2').toString('base64') });
  });

  it('the restarted server has destroyed the key by the time it serves; the live Secret keeps its own', async () => {
    h = await startApiHarness({ nodes: 1, dir });
    expect(keyFiles(dir)).toHaveLength(1);
    const sealer = new FileSecretSealer(join(dir, SECRET_KEYS_DIR));
    expect(sealer.open(sealed)).toBeUndefined();
    expect((await h.raw('/api/v1/namespaces/default/secrets/doomed')).status).toBe(404);
    const kept = (await h.raw('/api/v1/namespaces/default/secrets/kept')).json<{ metadata: { uid: string }; data: Record<string, string> }>();
    expect(kept).toMatchObject({ metadata: { uid: keptUid }, data: { token: Buffer.from('swordfish').toString('base64') } });
  });

  it('time travel to before the deletion finds the Secret, its metadata and no data', async () => {
    const past = await h!.raw(`/api/v1/namespaces/default/secrets?resourceVersion=${createdAt}&resourceVersionMatch=Exact`);
    expect(past.status).toBe(200);
    const doomed = past.json<{ items: { metadata: { name: string; uid: string }; data?: unknown }[] }>().items.find((s) => s.metadata.name === 'doomed');
    expect(doomed?.metadata.uid).toBe(uid);
    expect(doomed).not.toHaveProperty('data');
    // The log still holds the sealed bytes; no key under DATA_DIR opens them.
    const then = await clusterViewAt(h!.embedded.store, createdAt);
    expect(then.object('secret', 'default', 'doomed')).toHaveProperty('sealedData.keyId', uid);
    expect(new FileSecretSealer(join(dir, SECRET_KEYS_DIR)).open(sealed)).toBeUndefined();
  });
});
