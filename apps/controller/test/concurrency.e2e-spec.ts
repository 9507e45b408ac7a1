import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { daemonSetStream } from '@daemonledger/domain/cluster/streams';
import type { RecordedEvent } from '@daemonledger/event-store/event-store.port';
import { type ApiHarness, MANIFESTS, startApiHarness } from './api-harness';

/**
 * Concurrent writers on one DaemonSet over the real HTTPS API (DESIGN
 * invariant 4 and "no accepted change is ever lost"): 20 clients PUT with the
 * resourceVersion they read and retry on 409, 20 more apply server-side with
 * field managers of their own, all at once while the controller writes
 * status. Judged from the log: every accepted write is there, based on the
 * object it read, in each client's order; every 409 was stale; the rollouts
 * the writes cause finish.
 */
jest.setTimeout(180_000);

const DS = '/apis/apps/v1/namespaces/default/daemonsets';
const NAME = 'nginx-ds';
const WRITERS = 20;
const APPLIERS = 20;
/** Each PUT client makes this many accepted changes, one after the other, so its own order can be checked. */
const ROUNDS = 2;

interface Accepted {
  client: string;
  round: number;
  /** The resourceVersion the write was based on (the one it sent). */
  sent?: string;
  /** The resourceVersion answered: the position of the write's event. */
  answered: number;
}

const annotationKey = (i: number) => `concurrency.test/put-${i}`;
const labelKey = (i: number) => `applier-${i}`;

describe('concurrent writers on one DaemonSet', () => {
  let h: ApiHarness;
  const accepted: Accepted[] = [];
  const stale: { client: string; sent: string }[] = [];
  const unexpected: string[] = [];
  let stream: RecordedEvent[] = [];

  beforeAll(async () => {
    h = await startApiHarness({ nodes: 3, podStartMs: 20 });
    const body = parse(readFileSync(join(MANIFESTS, 'nginx-ds.yaml'), 'utf8'));
    expect((await h.raw(DS, { method: 'POST', body })).status).toBe(201);

    const put = async (i: number) => {
      for (let round = 1; round <= ROUNDS; round++) {
        for (;;) {
          const read = await h.raw(`${DS}/${NAME}`);
          if (read.status !== 200) {
            unexpected.push(`put-${i} GET ${read.status}`);
            return;
          }
          const ds = read.json<any>();
          const sent: string = ds.metadata.resourceVersion;
          const template = ds.spec.template;
          template.metadata.annotations = { ...template.metadata.annotations, [annotationKey(i)]: String(round) };
          const res = await h.raw(`${DS}/${NAME}`, { method: 'PUT', body: ds });
          if (res.status === 200) {
            accepted.push({ client: `put-${i}`, round, sent, answered: Number(res.json<any>().metadata.resourceVersion) });
            break;
          }
          if (res.status === 409 && res.json<any>().reason === 'Conflict') stale.push({ client: `put-${i}`, sent });
          else {
            unexpected.push(`put-${i} PUT ${res.status} ${res.body}`);
            return;
          }
        }
      }
    };

    const apply = async (i: number) => {
      const config = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: NAME, labels: { [labelKey(i)]: 'yes' } } };
      const res = await h.raw(`${DS}/${NAME}?fieldManager=applier-${i}`, { method: 'PATCH', body: config, contentType: 'application/apply-patch+yaml' });
      if (res.status === 200) accepted.push({ client: `applier-${i}`, round: 1, answered: Number(res.json<any>().metadata.resourceVersion) });
      else unexpected.push(`applier-${i} ${res.status} ${res.body}`);
    };

    await Promise.all([...Array.from({ length: WRITERS }, (_, i) => put(i)), ...Array.from({ length: APPLIERS }, (_, i) => apply(i))]);
    stream = await h.embedded.store.readStream(daemonSetStream('default', NAME));
    process.stdout.write(`concurrency: ${accepted.length} writes accepted, ${stale.length} stale PUTs answered 409, ${stream.length} events on the DaemonSet's stream\n`);
  });
  afterAll(() => h?.dispose());

  it('every write is either accepted or a 409 Conflict; appliers without a precondition are never refused', () => {
    expect(unexpected).toEqual([]);
    expect(accepted.filter((a) => a.client.startsWith('put-'))).toHaveLength(WRITERS * ROUNDS);
    expect(accepted.filter((a) => a.client.startsWith('applier-'))).toHaveLength(APPLIERS);
    // Forty writers on one object: some PUTs must have raced (the test would prove nothing otherwise).
    expect(stale.length).toBeGreaterThan(0);
  });

  it('each accepted PUT was based on the object as it stood just before its own change (no stale write accepted)', () => {
    const positions = stream.map((e) => e.position);
    for (const a of accepted.filter((x) => x.sent !== undefined)) {
      const at = positions.indexOf(a.answered);
      expect({ client: a.client, round: a.round, found: at > 0 }).toEqual({ client: a.client, round: a.round, found: true });
      expect({ client: a.client, round: a.round, basedOn: positions[at - 1] }).toEqual({ client: a.client, round: a.round, basedOn: Number(a.sent) });
    }
  });

  it('every 409 answered a resourceVersion the object had already moved past', () => {
    const last = stream[stream.length - 1].position;
    for (const s of stale) expect({ ...s, stale: Number(s.sent) < last }).toEqual({ ...s, stale: true });
  });

  it('each accepted change is in the log at the position answered, in each client order', () => {
    const byPosition = new Map(stream.map((e) => [e.position, e]));
    for (const a of accepted) {
      const event = byPosition.get(a.answered) as RecordedEvent<any> | undefined;
      if (a.client.startsWith('put-')) {
        expect({ client: a.client, type: event?.type }).toEqual({ client: a.client, type: 'DaemonSetSpecChanged' });
        const i = Number(a.client.slice('put-'.length));
        expect(event!.data.spec.template.metadata.annotations[annotationKey(i)]).toBe(String(a.round));
      } else {
        const i = Number(a.client.slice('applier-'.length));
        expect({ client: a.client, label: event?.data.labels?.[labelKey(i)] }).toEqual({ client: a.client, label: 'yes' });
      }
    }
    for (let i = 0; i < WRITERS; i++) {
      const mine = accepted.filter((a) => a.client === `put-${i}`).sort((x, y) => x.round - y.round);
      expect(mine.map((a) => a.answered)).toEqual([...mine.map((a) => a.answered)].sort((x, y) => x - y));
    }
  });

  it('no accepted change is lost: the object holds all of them, and each applier owns its label', async () => {
    const ds = (await h.raw(`${DS}/${NAME}`)).json<any>();
    for (let i = 0; i < WRITERS; i++) expect(ds.spec.template.metadata.annotations[annotationKey(i)]).toBe(String(ROUNDS));
    for (let i = 0; i < APPLIERS; i++) {
      expect(ds.metadata.labels[labelKey(i)]).toBe('yes');
      const owner = ds.metadata.managedFields.find((m: any) => m.manager === `applier-${i}` && m.operation === 'Apply');
      expect(owner?.fieldsV1?.['f:metadata']?.['f:labels']?.[`f:${labelKey(i)}`]).toEqual({});
    }
    // One generation per accepted template change, on top of the first.
    expect(ds.metadata.generation).toBe(1 + WRITERS * ROUNDS);
  });

  it('the rollouts they caused finish on the last template', async () => {
    await h.until(
      async () => {
        const ds = (await h.raw(`${DS}/${NAME}`)).json<any>();
        const s = ds.status;
        return s.observedGeneration === ds.metadata.generation && s.desiredNumberScheduled === 3 && s.updatedNumberScheduled === 3 && s.numberAvailable === 3;
      },
      60_000,
      'the last rollout',
    );
    const pods = (await h.raw('/api/v1/namespaces/default/pods?labelSelector=app%3Dnginx-ds')).json<any>().items.filter((p: any) => !p.metadata.deletionTimestamp);
    expect(pods).toHaveLength(3);
    for (const p of pods) for (let i = 0; i < WRITERS; i++) expect(p.metadata.annotations?.[annotationKey(i)]).toBe(String(ROUNDS));
  });
});
