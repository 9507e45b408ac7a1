import { EventEmitter } from 'node:events';
import type { Request, Response } from '../http/express-types';
import type { ClusterAccess } from '../resources/cluster-access.service';
import type { ListOptions } from '../resources/list-options';
import { type KubeObject, metaFields, type ResourceDef } from '../resources/resource-def';
import { FAN_OUT_LIMITS } from './watch-fanout';
import type { Change, WatchHub } from './watch-hub.service';
import { WatchService } from './watch.service';

// Count the serialisations: the real encoders, wrapped.
jest.mock('../http/wire-json', () => {
  const actual = jest.requireActual('../http/wire-json');
  return { ...actual, wireJson: jest.fn(actual.wireJson) };
});
jest.mock('../wire/protobuf', () => {
  const actual = jest.requireActual('../wire/protobuf');
  return { ...actual, encodeWatchFrame: jest.fn(actual.encodeWatchFrame) };
});
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { wireJson } = require('../http/wire-json') as { wireJson: jest.Mock };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { encodeWatchFrame } = require('../wire/protobuf') as { encodeWatchFrame: jest.Mock };

const NOW = new Date('2026-12-03T10:00:00Z');
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const PROTOBUF = 'application/vnd.kubernetes.protobuf,application/json';

const def: ResourceDef = {
  group: 'apps',
  version: 'v1',
  resource: 'daemonsets',
  kind: 'DaemonSet',
  namespaced: true,
  ref: { group: 'apps', resource: 'daemonsets' } as unknown as ResourceDef['ref'],
  streamKind: 'daemonset',
  selectableFields: ['metadata.name', 'metadata.namespace'],
  fields: (o) => metaFields(o, true),
  list: () => [],
  get: () => undefined,
};

const options: ListOptions = { labelSelector: [], fieldSelector: [], watch: true, resourceVersion: '10', allowWatchBookmarks: false, timeoutSeconds: 600, sendInitialEvents: false };

/** A DaemonSet as the view holds it at `rv` (a new object per change, as the fold makes them). */
const aDaemonSet = (rv: number): KubeObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'default', uid: 'u-1', resourceVersion: String(rv), generation: 1, creationTimestamp: '2026-12-03T09:00:00Z' },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'nginx' }] } } },
    status: { currentNumberScheduled: rv, desiredNumberScheduled: 1000, numberMisscheduled: 0, numberReady: rv, observedGeneration: 1 },
  }) as KubeObject;

/** The hub, reduced to live delivery: `publish` reaches every subscribed watch synchronously, as the real one does. */
const aHub = () => {
  const listeners = new Set<(c: Change) => void>();
  const hub = {
    since: () => [] as Change[],
    oldestPosition: 0,
    subscribe: (l: (c: Change) => void, kind?: Change['kind']) => {
      const listener = (c: Change) => (kind === undefined || c.kind === kind) && l(c);
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    publish: (c: Change) => listeners.forEach((l) => l(c)),
  };
  return hub;
};

/** A response that keeps what was written, and a request that can close. */
const anExchange = () => {
  const writes: (string | Buffer)[] = [];
  const res = Object.assign(new EventEmitter(), {
    writableEnded: false,
    destroyed: false,
    status: () => res,
    setHeader: () => res,
    flushHeaders: () => undefined,
    write: (chunk: string | Buffer) => (writes.push(chunk), true),
    end: () => void (res.writableEnded = true),
  });
  return { req: new EventEmitter() as unknown as Request, res: res as unknown as Response, writes };
};

const nextTurn = () => new Promise<void>((r) => setImmediate(r));
const settle = async () => {
  for (let i = 0; i < 100; i++) await nextTurn();
};

/** A DaemonSet added at position 11 and modified at 12, delivered to every watcher. */
const addThenModify = async (hub: { publish(change: object): void }) => {
  const first = aDaemonSet(11);
  hub.publish({ position: 11, kind: 'daemonset', type: 'ADDED', object: first });
  hub.publish({ position: 12, kind: 'daemonset', type: 'MODIFIED', object: aDaemonSet(12), previous: first });
  await settle();
};

const setUp = async (watchers: number, accept?: string) => {
  const hub = aHub();
  const cluster = { view: { position: 10 }, fresh: async () => undefined, now: () => NOW } as unknown as ClusterAccess;
  const service = new WatchService(cluster, hub as unknown as WatchHub);
  const exchanges = Array.from({ length: watchers }, anExchange);
  for (const x of exchanges) await service.serve({ def, namespace: 'default', options, accept }, x.req, x.res);
  return { hub, service, exchanges };
};

const jsonEvents = (writes: (string | Buffer)[]) =>
  writes
    .map(String)
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; object: { metadata?: { resourceVersion?: string }; rows?: { object: { metadata: { resourceVersion: string } } }[] } });

describe('watch fan-out to many watchers (issue 13)', () => {
  beforeEach(() => {
    wireJson.mockClear();
    encodeWatchFrame.mockClear();
  });

  it('serialises each event once for all plain-JSON watchers, and every watcher gets every event in order', async () => {
    const { hub, service, exchanges } = await setUp(500);
    let previous: KubeObject | undefined;
    for (let rv = 11; rv <= 60; rv++) {
      const object = aDaemonSet(rv);
      hub.publish({ position: rv, kind: 'daemonset', type: previous ? 'MODIFIED' : 'ADDED', object, previous });
      previous = object;
      if (rv % 7 === 0) await nextTurn(); // changes keep arriving while slices are written
    }
    await settle();
    expect(wireJson).toHaveBeenCalledTimes(50);
    const expected = Array.from({ length: 50 }, (_, i) => String(11 + i));
    for (const x of exchanges) expect(jsonEvents(x.writes).map((e) => e.object.metadata?.resourceVersion)).toEqual(expected);
    service.beforeApplicationShutdown();
  });

  it('writes to one slice of watchers per turn of the event loop when the slice is smaller than the watchers', async () => {
    const saved = { ...FAN_OUT_LIMITS };
    Object.assign(FAN_OUT_LIMITS, { watchersPerTurn: 32, minWatchersPerTurn: 32 });
    const { hub, service, exchanges } = await setUp(500);
    Object.assign(FAN_OUT_LIMITS, saved);
    hub.publish({ position: 11, kind: 'daemonset', type: 'ADDED', object: aDaemonSet(11) });
    await nextTurn();
    const written = exchanges.filter((x) => x.writes.length > 0).length;
    expect(written).toBeGreaterThan(0);
    expect(written).toBe(32);
    await settle();
    expect(exchanges.every((x) => x.writes.length === 1)).toBe(true);
    service.beforeApplicationShutdown();
  });

  it('renders a Table watch event once per object for every kubectl get -w, the first one with its column definitions', async () => {
    const { hub, service, exchanges } = await setUp(100, TABLE);
    await addThenModify(hub);
    expect(wireJson).toHaveBeenCalledTimes(2);
    for (const x of exchanges) {
      const events = jsonEvents(x.writes) as unknown as { type: string; object: { kind: string; columnDefinitions: unknown[] | null; rows: { object: { metadata: { resourceVersion: string } } }[] } }[];
      expect(events.map((e) => [e.type, e.object.kind, e.object.rows[0].object.metadata.resourceVersion])).toEqual([
        ['ADDED', 'Table', '11'],
        ['MODIFIED', 'Table', '12'],
      ]);
      expect(events[0].object.columnDefinitions).not.toBeNull();
      expect(events[1].object.columnDefinitions).toBeNull();
    }
    service.beforeApplicationShutdown();
  });

  it('encodes each event once as a protobuf frame for all protobuf watchers', async () => {
    const { hub, service, exchanges } = await setUp(100, PROTOBUF);
    await addThenModify(hub);
    expect(encodeWatchFrame).toHaveBeenCalledTimes(2);
    const bytes = Buffer.concat(exchanges[0].writes.map((w) => (typeof w === 'string' ? Buffer.from(w) : w)));
    expect(bytes.length).toBeGreaterThan(0);
    for (const x of exchanges) expect(Buffer.concat(x.writes.map((w) => (typeof w === 'string' ? Buffer.from(w) : w)))).toEqual(bytes);
    service.beforeApplicationShutdown();
  });

  it('sends what a watcher was sent before its watch ends, then ends it', async () => {
    const { hub, service, exchanges } = await setUp(3);
    hub.publish({ position: 11, kind: 'daemonset', type: 'ADDED', object: aDaemonSet(11) });
    service.beforeApplicationShutdown(); // before any turn ran
    for (const x of exchanges) {
      expect(jsonEvents(x.writes).map((e) => e.type)).toEqual(['ADDED']);
      expect((x.res as unknown as { writableEnded: boolean }).writableEnded).toBe(true);
    }
  });
});
