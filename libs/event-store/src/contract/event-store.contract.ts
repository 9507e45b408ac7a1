/**
 * The one behavioural contract of the EventStore port. Every adapter runs it:
 * memory (memory-event-store.spec.ts), SQLite on a real file and EventStoreDB
 * (the *.int-spec.ts files). It never assumes an empty store or dense
 * positions, so it also runs against a long-lived EventStoreDB server: every
 * test writes to its own fresh streams and only looks at those.
 */
import { randomUUID } from 'node:crypto';
import { isDomainError } from '@daemonledger/domain/errors';
import type { EventStore, NewEvent, RecordedEvent } from '../event-store.port';
import type { EventStoreOptions } from '../internal/validation';
import { UpcasterRegistry } from '../upcaster-registry';

export type EventStoreFactory = (options: EventStoreOptions) => Promise<EventStore>;

const UPCAST_TYPE = 'ContractUpcastTested';

/** v1 {name} → v2 {name, size} → v3 {fullName, size}. */
const contractUpcasters = (): UpcasterRegistry =>
  new UpcasterRegistry()
    .register(UPCAST_TYPE, 1, (d: { name: string }) => ({ ...d, size: 1 }))
    .register(UPCAST_TYPE, 2, (d: { name: string; size: number }) => ({ fullName: `ns/${d.name}`, size: d.size }));

export const anEvent = (data: Record<string, unknown> = {}, type = 'ContractTested', extra: Partial<NewEvent> = {}): NewEvent => ({
  id: randomUUID(),
  type,
  data: { n: 0, ...data },
  metadata: { correlationId: 'corr-1', causationId: 'cmd-1', actor: 'user:test', wallTime: '2024-01-02T03:04:05.000Z' },
  ...extra,
});
const events = (count: number, from = 0): NewEvent[] => Array.from({ length: count }, (_, i) => anEvent({ n: from + i }));

const until = async (cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

const rejection = async (p: Promise<unknown>): Promise<unknown> => {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection, but the call succeeded');
};

const expectDomainError = async (p: Promise<unknown>, codes: string[], text?: RegExp): Promise<void> => {
  const error = await rejection(p);
  expect(isDomainError(error)).toBe(true);
  expect(codes).toContain((error as { code: string }).code);
  if (text) expect((error as Error).message).toMatch(text);
};

export const describeEventStoreContract = (
  name: string,
  factory: EventStoreFactory,
  capabilities: { atomicMultiStream: boolean; hashChain?: boolean } = { atomicMultiStream: true },
): void => {
  const hashChain = capabilities.hashChain ?? true;
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let run: string;
    const opened: EventStore[] = [];
    const open = async (options: EventStoreOptions = {}) => {
      const s = await factory({ upcasters: contractUpcasters(), ...options });
      opened.push(s);
      return s;
    };
    /** A stream name unique to this test run (the store may be shared with other runs). */
    const stream = (label: string) => `contract-${label}-${run}`;
    const mine = (es: RecordedEvent[]) => es.filter((e) => e.streamId.endsWith(run));

    beforeEach(async () => {
      run = randomUUID().slice(0, 8);
      store = await open();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    describe('append and read a stream', () => {
      it('stores id, type, schema version, data, metadata, revision, position and recordedAt', async () => {
        const e = anEvent({ image: 'nginx:1.25' });
        const before = Date.now();
        const result = await store.append(stream('fields'), [e], { expectedRevision: 'no_stream' });
        const [read] = await store.readStream(stream('fields'));
        expect(read).toMatchObject({
          id: e.id,
          type: 'ContractTested',
          schemaVersion: 1,
          data: { n: 0, image: 'nginx:1.25' },
          metadata: e.metadata,
          streamId: stream('fields'),
          revision: 0,
          position: result.position,
        });
        expect(result).toEqual({ nextExpectedRevision: 0, position: read.position });
        expect(Date.parse(read.recordedAt)).toBeGreaterThanOrEqual(before - 1000);
        expect(new Date(read.recordedAt).toISOString()).toBe(read.recordedAt);
      });

      it('gives dense revisions and increasing positions, and reports the batch’s last one', async () => {
        const first = await store.append(stream('dense'), events(3));
        const second = await store.append(stream('dense'), events(2, 3), { expectedRevision: 2 });
        expect(first.nextExpectedRevision).toBe(2);
        expect(second.nextExpectedRevision).toBe(4);
        expect(second.position).toBeGreaterThan(first.position);
        const read = await store.readStream(stream('dense'));
        expect(read.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
        expect(read.map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2, 3, 4]);
        for (let i = 1; i < read.length; i++) expect(read[i].position).toBeGreaterThan(read[i - 1].position);
        expect(read[2].position).toBe(first.position);
        expect(read[4].position).toBe(second.position);
      });

      it('reads an unknown stream as empty', async () => {
        expect(await store.readStream(stream('never-written'))).toEqual([]);
      });

      it('reads forwards from a revision with maxCount, and backwards from the end or a revision', async () => {
        await store.append(stream('window'), events(6));
        const n = (es: RecordedEvent[]) => es.map((e) => e.revision);
        expect(n(await store.readStream(stream('window'), { fromRevision: 2, maxCount: 3 }))).toEqual([2, 3, 4]);
        expect(n(await store.readStream(stream('window'), { fromRevision: 9 }))).toEqual([]);
        expect(n(await store.readStream(stream('window'), { direction: 'backwards' }))).toEqual([5, 4, 3, 2, 1, 0]);
        expect(n(await store.readStream(stream('window'), { direction: 'backwards', maxCount: 2 }))).toEqual([5, 4]);
        expect(n(await store.readStream(stream('window'), { direction: 'backwards', fromRevision: 3, maxCount: 2 }))).toEqual([3, 2]);
        expect(n(await store.readStream(stream('window'), { direction: 'backwards', fromRevision: 99, maxCount: 1 }))).toEqual([5]);
        expect(n(await store.readStream(stream('window'), { maxCount: 0 }))).toEqual([]);
      });
    });

    describe('global order', () => {
      it('reads all in append order, forwards and backwards, from an exclusive position', async () => {
        const start = await store.headPosition();
        const written: string[] = [];
        for (let i = 0; i < 5; i++) {
          for (const label of ['a', 'b', 'c']) {
            const batch = events(2, i * 2);
            written.push(...batch.map((e) => e.id));
            await store.append(stream(label), batch);
          }
        }
        const forwards = mine(await store.readAll({ fromPosition: start }));
        expect(forwards.map((e) => e.id)).toEqual(written);
        for (let i = 1; i < forwards.length; i++) expect(forwards[i].position).toBeGreaterThan(forwards[i - 1].position);
        expect(await store.headPosition()).toBe(forwards[forwards.length - 1].position);

        const backwards = mine(await store.readAll({ direction: 'backwards', maxCount: 1000 })).slice(0, written.length);
        expect(backwards.map((e) => e.id)).toEqual([...written].reverse());

        const pivot = forwards[10].position;
        const after = mine(await store.readAll({ fromPosition: pivot, maxCount: 3 }));
        expect(after.map((e) => e.id)).toEqual(written.slice(11, 14));
        const before = mine(await store.readAll({ fromPosition: pivot, direction: 'backwards', maxCount: 3 }));
        expect(before.map((e) => e.id)).toEqual(written.slice(7, 10).reverse());
        expect(await store.readAll({ fromPosition: await store.headPosition() })).toEqual([]);
      });

      it('reads a range up to an inclusive toPosition, of the streams named by prefix, paging by maxCount', async () => {
        const start = await store.headPosition();
        for (let i = 0; i < 4; i++) {
          await store.append(stream(`pick${i % 2}`), events(2, i * 2));
          await store.append(stream('other'), events(3, i * 3));
        }
        const all = mine(await store.readAll({ fromPosition: start }));
        expect(all).toHaveLength(20);
        const upTo = all[11].position;
        const ranged = mine(await store.readAll({ fromPosition: start, toPosition: upTo }));
        expect(ranged.map((e) => e.id)).toEqual(all.slice(0, 12).map((e) => e.id));
        expect(mine(await store.readAll({ fromPosition: upTo, toPosition: upTo }))).toEqual([]);

        const prefixes = [`contract-pick0-${run}`, `contract-pick1-${run}`];
        const picked = all.filter((e) => e.streamId.startsWith('contract-pick'));
        expect(picked).toHaveLength(8);
        const filtered = await store.readAll({ fromPosition: start, streamPrefixes: prefixes });
        expect(filtered.map((e) => e.id)).toEqual(picked.map((e) => e.id));
        expect(filtered[0]).toEqual(picked[0]);
        // Pages of 3 read on from the last position returned, and stop at toPosition.
        const paged: RecordedEvent[] = [];
        for (let from = start; ; ) {
          const page = await store.readAll({ fromPosition: from, toPosition: upTo, streamPrefixes: prefixes, maxCount: 3 });
          paged.push(...page);
          if (page.length < 3) break;
          from = page[page.length - 1].position;
        }
        expect(paged.map((e) => e.id)).toEqual(picked.filter((e) => e.position <= upTo).map((e) => e.id));
        expect(await store.readAll({ fromPosition: start, streamPrefixes: [`contract-none-${run}`] })).toEqual([]);
      });

      it('rejects toPosition and streamPrefixes on backward reads, and empty prefixes, with BadRequest', async () => {
        await expectDomainError(store.readAll({ direction: 'backwards', toPosition: 3 }), ['BadRequest']);
        await expectDomainError(store.readAll({ direction: 'backwards', streamPrefixes: ['a'] }), ['BadRequest']);
        await expectDomainError(store.readAll({ streamPrefixes: [''] }), ['BadRequest']);
        await expectDomainError(store.readAll({ toPosition: -1 }), ['BadRequest']);
      });

      it('reports the head position of the newest event', async () => {
        const { position } = await store.append(stream('head'), events(3));
        expect(await store.headPosition()).toBe(position);
        const [newest] = await store.readAll({ direction: 'backwards', maxCount: 1 });
        expect(newest.position).toBe(position);
      });
    });

    describe('expected revision', () => {
      it('accepts any, no_stream, -1, stream_exists and the exact revision when they hold', async () => {
        await store.append(stream('ok'), events(1), { expectedRevision: 'no_stream' });
        await store.append(stream('ok'), events(1), { expectedRevision: 'stream_exists' });
        await store.append(stream('ok'), events(1), { expectedRevision: 1 });
        await store.append(stream('ok'), events(1), { expectedRevision: 'any' });
        await store.append(stream('ok'), events(1));
        await store.append(stream('ok-minus-one'), events(1), { expectedRevision: -1 });
        expect(await store.readStream(stream('ok'))).toHaveLength(5);
      });

      it.each([
        ['no_stream on an existing stream', 'no_stream' as const, /expected no stream but the stream is at revision 1/],
        ['-1 on an existing stream', -1, /expected no stream but the stream is at revision 1/],
        ['a stale exact revision', 0, /expected revision 0 but the stream is at revision 1/],
        ['a future exact revision', 7, /expected revision 7 but the stream is at revision 1/],
      ])('rejects %s with VersionConflict naming stream, expected and actual', async (_, expectedRevision, text) => {
        await store.append(stream('conflict'), events(2));
        const error = await rejection(store.append(stream('conflict'), events(1), { expectedRevision }));
        expect(isDomainError(error, 'VersionConflict')).toBe(true);
        expect((error as Error).message).toContain(stream('conflict'));
        expect((error as Error).message).toMatch(text);
        expect(await store.readStream(stream('conflict'))).toHaveLength(2);
      });

      it('rejects stream_exists and an exact revision on a missing stream', async () => {
        await expectDomainError(
          store.append(stream('missing'), events(1), { expectedRevision: 'stream_exists' }),
          ['VersionConflict'],
          /expected an existing stream but the stream does not exist/,
        );
        await expectDomainError(
          store.append(stream('missing'), events(1), { expectedRevision: 0 }),
          ['VersionConflict'],
          /expected revision 0 but the stream does not exist/,
        );
        expect(await store.readStream(stream('missing'))).toEqual([]);
      });

      it('lets exactly one of two concurrent writers with the same expected revision win', async () => {
        await store.append(stream('race'), events(1));
        const results = await Promise.allSettled(
          Array.from({ length: 5 }, (_, i) => store.append(stream('race'), events(2, i * 10), { expectedRevision: 0 })),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(isDomainError(r.reason, 'VersionConflict')).toBe(true);
        expect((await store.readStream(stream('race'))).map((e) => e.revision)).toEqual([0, 1, 2]);
      });
    });

    describe('idempotency by event id', () => {
      it('stores a re-appended batch once and returns the original result', async () => {
        const batch = events(3);
        const first = await store.append(stream('retry'), batch, { expectedRevision: 'no_stream' });
        const again = await store.append(stream('retry'), batch, { expectedRevision: 'no_stream' });
        const anyAgain = await store.append(stream('retry'), batch);
        expect(again).toEqual(first);
        expect(anyAgain).toEqual(first);
        expect(await store.readStream(stream('retry'))).toHaveLength(3);
      });

      it('treats a retry as success even after the stream moved on', async () => {
        const batch = events(2);
        const first = await store.append(stream('retry-later'), batch, { expectedRevision: 'no_stream' });
        await store.append(stream('retry-later'), events(1), { expectedRevision: 1 });
        expect(await store.append(stream('retry-later'), batch, { expectedRevision: 'no_stream' })).toEqual(first);
        expect(await store.readStream(stream('retry-later'))).toHaveLength(3);
      });

      it('rejects a batch mixing stored and new ids, or repeating an id, and appends nothing', async () => {
        const batch = events(2);
        await store.append(stream('mixed'), batch);
        const head = await store.headPosition();
        await expectDomainError(store.append(stream('mixed'), [batch[0], batch[1], anEvent()], { expectedRevision: 'no_stream' }), [
          'Conflict',
          'VersionConflict',
        ]);
        const dup = anEvent();
        await expectDomainError(store.append(stream('mixed'), [dup, dup]), ['Conflict', 'BadRequest']);
        expect(await store.readStream(stream('mixed'))).toHaveLength(2);
        expect(await store.headPosition()).toBe(head);
      });
    });

    describe('appendMany', () => {
      it('appends to several streams in one call, in order, one result per request', async () => {
        const results = await store.appendMany([
          { streamId: stream('many-a'), events: events(2), expectedRevision: 'no_stream' },
          { streamId: stream('many-b'), events: events(1), expectedRevision: 'no_stream' },
          { streamId: stream('many-a'), events: events(1, 2), expectedRevision: 1 },
        ]);
        expect(results.map((r) => r.nextExpectedRevision)).toEqual([1, 0, 2]);
        expect(results[0].position).toBeLessThan(results[1].position);
        expect(results[1].position).toBeLessThan(results[2].position);
        const a = await store.readStream(stream('many-a'));
        expect(a.map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2]);
        expect(await store.readStream(stream('many-b'))).toHaveLength(1);
      });

      it('is an idempotent retry when repeated whole', async () => {
        const requests = [
          { streamId: stream('many-retry-a'), events: events(1), expectedRevision: 'no_stream' as const },
          { streamId: stream('many-retry-b'), events: events(2), expectedRevision: 'no_stream' as const },
        ];
        const first = await store.appendMany(requests);
        expect(await store.appendMany(requests)).toEqual(first);
        expect(await store.readStream(stream('many-retry-b'))).toHaveLength(2);
      });

      describe('conditions (events: [] with a numeric expected revision)', () => {
        it('stores the other requests when the condition holds, and writes nothing to its stream', async () => {
          await store.append(stream('fence'), events(2));
          const [condition, written] = await store.appendMany([
            { streamId: stream('fence'), events: [], expectedRevision: 1 },
            { streamId: stream('fenced-a'), events: events(1), expectedRevision: 'no_stream' },
          ]);
          expect(condition.nextExpectedRevision).toBe(1);
          expect(written.nextExpectedRevision).toBe(0);
          expect(await store.readStream(stream('fence'))).toHaveLength(2);
          expect(await store.readStream(stream('fenced-a'))).toHaveLength(1);
        });

        it('rejects the whole batch when the condition fails (a deposed leader), naming its stream', async () => {
          await store.append(stream('fence'), events(1));
          await store.append(stream('fence'), events(1, 1), { expectedRevision: 0 }); // another leader took the lease
          const head = await store.headPosition();
          await expectDomainError(
            store.appendMany([
              { streamId: stream('fence'), events: [], expectedRevision: 0 },
              { streamId: stream('fenced-b'), events: events(1), expectedRevision: 'no_stream' },
            ]),
            ['VersionConflict'],
            new RegExp(stream('fence')),
          );
          expect(await store.readStream(stream('fenced-b'))).toHaveLength(0);
          expect(await store.headPosition()).toBe(head);
        });

        it('fails on a stream that does not exist', async () => {
          await expectDomainError(
            store.appendMany([
              { streamId: stream('fence-none'), events: [], expectedRevision: 0 },
              { streamId: stream('fenced-c'), events: events(1) },
            ]),
            ['VersionConflict'],
          );
          expect(await store.readStream(stream('fenced-c'))).toHaveLength(0);
        });

        it('is BadRequest without a numeric expected revision, and for append', async () => {
          await expectDomainError(store.appendMany([{ streamId: stream('fence-any'), events: [] }]), ['BadRequest']);
          await expectDomainError(store.appendMany([{ streamId: stream('fence-any'), events: [], expectedRevision: 'any' }]), ['BadRequest']);
          await expectDomainError(store.append(stream('fence-any'), [], { expectedRevision: 0 }), ['BadRequest']);
        });
      });

      if (capabilities.atomicMultiStream) {
        it('rejects every request when one has the wrong expected revision (all or nothing)', async () => {
          await store.append(stream('many-x'), events(1));
          const head = await store.headPosition();
          await expectDomainError(
            store.appendMany([
              { streamId: stream('many-y'), events: events(1), expectedRevision: 'no_stream' },
              { streamId: stream('many-x'), events: events(1), expectedRevision: 'no_stream' },
            ]),
            ['VersionConflict'],
          );
          expect(await store.readStream(stream('many-y'))).toHaveLength(0);
          expect(await store.headPosition()).toBe(head);
        });
      }
    });

    describe('subscribeToAll', () => {
      it('catches up, then goes live without gaps or duplicates while appends race the switch', async () => {
        const start = await store.headPosition();
        for (let b = 0; b < 12; b++) await store.append(stream(`sub-${b % 4}`), events(100, b * 100));
        const seen: RecordedEvent[] = [];
        let inFlight = 0;
        let maxInFlight = 0;
        let caughtUp = 0;
        const sub = store.subscribeToAll({
          fromPosition: start,
          onEvent: async (e) => {
            inFlight++;
            maxInFlight = Math.max(maxInFlight, inFlight);
            if (seen.length % 97 === 0) await new Promise((r) => setTimeout(r, 1));
            if (e.streamId.endsWith(run)) seen.push(e);
            inFlight--;
          },
          onCaughtUp: () => caughtUp++,
        });
        // Writers race the catch-up: appends land while the subscriber is still reading history.
        await until(() => seen.length > 0, 'the first delivered event');
        for (let b = 0; b < 20; b++) {
          await store.append(stream(`sub-${b % 3}`), events(5, 10_000 + b * 5));
          if (b % 5 === 0) await new Promise((r) => setImmediate(r));
        }
        await until(() => seen.length >= 1300, 'all 1300 events');
        await store.append(stream('sub-live'), events(3));
        await until(() => seen.length >= 1303, 'three live events');
        await sub.close();
        const expected = mine(await store.readAll({ fromPosition: start }));
        expect(seen.map((e) => e.id)).toEqual(expected.map((e) => e.id));
        expect(new Set(seen.map((e) => e.id)).size).toBe(1303);
        for (let i = 1; i < seen.length; i++) expect(seen[i].position).toBeGreaterThan(seen[i - 1].position);
        expect(maxInFlight).toBe(1);
        expect(caughtUp).toBeGreaterThan(0);
      });

      it('delivers only events after an exclusive fromPosition and stops after close', async () => {
        await store.append(stream('from'), events(3));
        const { position } = await store.append(stream('from'), events(2, 3));
        const seen: RecordedEvent[] = [];
        const sub = store.subscribeToAll({ fromPosition: position, onEvent: (e) => void (e.streamId.endsWith(run) && seen.push(e)) });
        await store.append(stream('from'), events(1, 5));
        await until(() => seen.length === 1, 'the live event');
        expect((seen[0].data as { n: number }).n).toBe(5);
        await sub.close();
        await store.append(stream('from'), events(1, 6));
        await new Promise((r) => setTimeout(r, 100));
        expect(seen).toHaveLength(1);
      });

      it('stops and reports through onError when onEvent throws', async () => {
        const start = await store.headPosition();
        await store.append(stream('boom'), events(3));
        let calls = 0;
        const errors: Error[] = [];
        store.subscribeToAll({
          fromPosition: start,
          onEvent: (e) => {
            if (!e.streamId.endsWith(run)) return;
            calls++;
            throw new Error('projection exploded');
          },
          onError: (e) => errors.push(e),
        });
        await until(() => errors.length === 1, 'onError');
        expect(errors[0].message).toContain('projection exploded');
        await store.append(stream('boom'), events(1));
        await new Promise((r) => setTimeout(r, 50));
        expect(calls).toBe(1);
      });
    });

    describe('upcasting', () => {
      it('reads an event written at v1 as v3 through the registered chain, everywhere', async () => {
        const start = await store.headPosition();
        const v1 = anEvent({}, UPCAST_TYPE, { schemaVersion: 1, data: { name: 'nginx-ds' } });
        const current = anEvent({}, UPCAST_TYPE, { data: { fullName: 'ns/fluentd', size: 3 } });
        await store.append(stream('upcast'), [v1, current]);
        const expectV3 = (es: RecordedEvent[]) => {
          expect(es.map((e) => [e.schemaVersion, e.data])).toEqual([
            [3, { fullName: 'ns/nginx-ds', size: 1 }],
            [3, { fullName: 'ns/fluentd', size: 3 }],
          ]);
        };
        expectV3(await store.readStream(stream('upcast')));
        expectV3(mine(await store.readAll({ fromPosition: start })));
        const seen: RecordedEvent[] = [];
        const sub = store.subscribeToAll({ fromPosition: start, onEvent: (e) => void (e.streamId.endsWith(run) && seen.push(e)) });
        await until(() => seen.length === 2, 'two upcast events');
        await sub.close();
        expectV3(seen);
      });
    });

    describe('bad input appends nothing', () => {
      const tooBig = { blob: 'x'.repeat(2048) };
      it.each<[string, () => [string, NewEvent[], object?]]>([
        ['an empty stream name', () => ['', [anEvent()]]],
        ['a stream name with a slash', () => [`pods/${run}`, [anEvent()]]],
        ['a system ($) stream name', () => [`$all-${run}`, [anEvent()]]],
        ['a stream name with spaces', () => [`pod ${run}`, [anEvent()]]],
        ['an over-long stream name', () => [`a${'b'.repeat(251)}`, [anEvent()]]],
        ['an empty batch', () => [stream('bad'), []]],
        ['a non-uuid id', () => [stream('bad'), [anEvent(), { ...anEvent(), id: 'not-a-uuid' }]]],
        ['a bad event type', () => [stream('bad'), [anEvent({}, 'Pod Created')]]],
        ['a $ event type', () => [stream('bad'), [anEvent({}, '$metadata')]]],
        ['schema version 0', () => [stream('bad'), [anEvent({}, 'ContractTested', { schemaVersion: 0 })]]],
        ['non-object data', () => [stream('bad'), [{ ...anEvent(), data: 'text' }]]],
        ['array data', () => [stream('bad'), [{ ...anEvent(), data: [1, 2] }]]],
        ['unserialisable data', () => [stream('bad'), [{ ...anEvent(), data: { big: BigInt(1) } }]]],
        ['non-object metadata', () => [stream('bad'), [{ ...anEvent(), metadata: 'x' as never }]]],
        ['an oversized event', () => [stream('bad'), [anEvent(), anEvent(tooBig)]]],
        ['a bad expected revision', () => [stream('bad'), [anEvent()], { expectedRevision: 1.5 }]],
        ['an unknown expected revision keyword', () => [stream('bad'), [anEvent()], { expectedRevision: 'latest' }]],
      ])('rejects %s with BadRequest', async (_, input) => {
        const small = await open({ maxEventBytes: 1024 });
        const head = await small.headPosition();
        const [streamId, batch, options] = input();
        await expectDomainError(small.append(streamId, batch, options as never), ['BadRequest']);
        expect(await small.headPosition()).toBe(head);
        expect(await small.readStream(stream('bad'))).toEqual([]);
      });

      it('says which event is oversized and what the limit is', async () => {
        const small = await open({ maxEventBytes: 1024 });
        await expectDomainError(small.append(stream('big'), [anEvent(), anEvent(tooBig)]), ['BadRequest'], /events\[1\].*over the 1024-byte limit/);
      });

      it.each([
        ['a negative fromRevision', (s: EventStore) => s.readStream(stream('r'), { fromRevision: -1 })],
        ['a fractional maxCount', (s: EventStore) => s.readAll({ maxCount: 1.5 })],
        ['an unknown direction', (s: EventStore) => s.readAll({ direction: 'sideways' as never })],
        ['a bad stream name on read', (s: EventStore) => s.readStream('no/slashes')],
      ])('rejects reads with %s', async (_, read) => {
        await expectDomainError(read(store), ['BadRequest']);
      });
    });

    describe('verifyIntegrity', () => {
      it('passes a clean log, counting every event up to the head, with progress as it goes', async () => {
        await store.append(stream('verify-a'), events(3));
        await store.appendMany([
          { streamId: stream('verify-b'), events: events(2) },
          { streamId: stream('verify-a'), events: events(1, 3) },
        ]);
        await store.append(stream('verify-b'), [anEvent({ n: 9 }, 'ContractTested', { metadata: { actor: 'user:other' } })]);
        const head = await store.headPosition();
        const progress: number[] = [];
        const report = await store.verifyIntegrity!((p) => progress.push(p));
        expect(report).toEqual({ ok: true, events: expect.any(Number), head, chainedFrom: hashChain ? expect.any(Number) : null });
        if (report.ok) expect(report.events).toBeGreaterThanOrEqual(7);
        if (report.ok && hashChain) expect(report.chainedFrom).toBeLessThanOrEqual(head - 6);
        expect(progress.at(-1)).toBe(head);
        for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThan(progress[i - 1]);
      });

      it('records times that never decrease along the log, so a time resolves to a position', async () => {
        const start = await store.headPosition();
        for (let i = 0; i < 5; i++) await store.append(stream('times'), events(2, i * 2));
        const read = mine(await store.readAll({ fromPosition: start }));
        for (let i = 1; i < read.length; i++) expect(Date.parse(read[i].recordedAt)).toBeGreaterThanOrEqual(Date.parse(read[i - 1].recordedAt));
      });
    });

    it('refuses work after close with a StorageError', async () => {
      const s = await open();
      await s.close();
      await expectDomainError(s.append(stream('closed'), events(1)), ['StorageError'], /closed/);
    });
  });
};
