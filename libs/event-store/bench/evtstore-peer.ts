/**
 * evtstore 12 (npm `evtstore`, knex provider, knex's better-sqlite3 client) as
 * bench:store's peer, driven through its provider the way its domain layer
 * does: createEvents + append per call, getEventsFor per stream,
 * getEventsFrom in pages. One evtstore "stream" (an aggregate type, 'pod')
 * whose aggregate ids are our stream names; the event is `{ type, ...data }`.
 */
import knex, { type Knex } from 'knex';
import { createProvider, migrate } from 'evtstore/provider/knex';
import type { NewEvent } from '../src/event-store.port';
import type { Subject } from './store.bench';

type PeerEvent = { type: string } & Record<string, unknown>;

export const evtstorePeer = (): Subject => {
  let client: Knex;
  let provider: ReturnType<typeof createProvider<PeerEvent>>;
  let versions: Map<string, number>;
  return {
    name: 'evtstore 12 (knex + better-sqlite3)',
    open: async (file) => {
      client = knex({
        client: 'better-sqlite3',
        connection: { filename: file },
        useNullAsDefault: true,
        pool: {
          afterCreate: (conn: { pragma(s: string): unknown }, done: (err: Error | null, conn: unknown) => void) => {
            conn.pragma('journal_mode = WAL');
            conn.pragma('synchronous = FULL');
            done(null, conn);
          },
        },
      });
      await migrate({ client, events: 'events', bookmarks: 'bookmarks' });
      provider = createProvider<PeerEvent>({ events: () => client('events'), bookmarks: () => client('bookmarks') });
      versions = new Map();
    },
    append: async (streamId: string, es: NewEvent[]) => {
      const version = (versions.get(streamId) ?? 0) + 1;
      const events = es.map((e) => ({ type: e.type, ...(e.data as Record<string, unknown>) }));
      await provider.append('pod', streamId, version, provider.createEvents('pod', streamId, version, events));
      versions.set(streamId, version + es.length - 1);
    },
    readStream: async (streamId) => (await provider.getEventsFor('pod', streamId)).length,
    readPage: async (from, max) => {
      const events = await provider.getEventsFrom('pod', from, max);
      return { n: events.length, last: events.at(-1)?.position ?? from };
    },
    close: async () => client.destroy(),
  };
};
