import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import type { Request, Response } from '../http/express-types';
import { badRequestError, expiredError, toStatus } from '@daemonledger/domain';
import { parseIncludeObject, toWatchEventTable, type IncludeObject, type TableVersion } from '../wire';
import { canEncode, encodeWatchFrame, PROTOBUF_WATCH_CONTENT_TYPE } from '../wire/protobuf';
import { readFormat } from '../http/negotiate';
import { ClusterAccess } from '../resources/cluster-access.service';
import { type ListOptions, matches, parsePosition } from '../resources/list-options';
import { apiVersionOf, type KubeObject, type ResourceDef } from '../resources/resource-def';
import { type Change, WatchHub } from './watch-hub.service';
import { wireJson } from '../http/wire-json';
import { Outbox, WatchFanOut } from './watch-fanout';

/**
 * One change goes to every watcher of its kind: its JSON line is the same
 * for all plain-JSON watchers, so it is serialised once (per object and event
 * type) and the bytes shared. Objects are never mutated, so the cache is
 * keyed by the object itself and forgotten with it. The same holds for the
 * other encodings: protobuf frames below, Table rows in `tableLine`.
 */
const lines = new WeakMap<object, Partial<Record<string, string>>>();
const eventLine = (type: string, object: unknown): string => {
  if (typeof object !== 'object' || object === null) return wireJson({ type, object }) + '\n';
  let byType = lines.get(object);
  if (!byType) lines.set(object, (byType = {}));
  return (byType[type] ??= wireJson({ type, object }) + '\n');
};

/** The same for protobuf watchers: one length-prefixed WatchEvent frame per object and event type. */
const frames = new WeakMap<object, Partial<Record<string, Buffer>>>();
const eventFrame = (type: string, object: unknown): Buffer => {
  const encode = () => encodeWatchFrame(type, object) ?? Buffer.alloc(0);
  if (typeof object !== 'object' || object === null) return encode();
  let byType = frames.get(object);
  if (!byType) frames.set(object, (byType = {}));
  return (byType[type] ??= encode());
};

/**
 * A Table watch event's line, once per (object, event type, Table version,
 * includeObject, first or not) at one instant: every `kubectl get -w` of a
 * kind gets the same row. The row's AGE depends on `now`, so an object keeps
 * the lines of one instant only (a burst is sent within one).
 */
const tableLines = new WeakMap<object, { at: number; byKey: Map<string, string> }>();
const tableLine = (object: KubeObject, key: string, at: number, render: () => unknown): string => {
  let entry = tableLines.get(object);
  if (!entry || entry.at !== at) tableLines.set(object, (entry = { at, byKey: new Map() }));
  let line = entry.byKey.get(key);
  if (line === undefined) entry.byKey.set(key, (line = wireJson(render()) + '\n'));
  return line;
};

/** What a kind serves for a stored object (a Secret's data opened): once per object, for all its watchers. */
const presented = new WeakMap<object, KubeObject>();
const presentOnce = (def: ResourceDef, object: KubeObject): KubeObject => {
  let out = presented.get(object);
  if (!out) presented.set(object, (out = def.present!(object)));
  return out;
};

/** Tunables (tests shorten them). Upstream sends a bookmark about once a minute. */
export const watchTuning = { bookmarkMs: 60_000, minDefaultTimeoutMs: 30 * 60_000, maxDefaultTimeoutMs: 60 * 60_000 };

export interface WatchRequest {
  def: ResourceDef;
  namespace?: string;
  options: ListOptions;
  accept?: string;
  includeObject?: string;
}

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * `?watch=true`: newline-delimited JSON events over a chunked response whose
 * headers are flushed at once (kubectl-wire §0.4, §5); for clients that
 * prefer protobuf, length-prefixed WatchEvent frames
 * (`application/vnd.kubernetes.protobuf;stream=watch`, see wire/protobuf.ts). From resourceVersion
 * R: every change after R, in log order, then live; none or "0": a
 * synthetic ADDED per current object first. Selectors apply to events the
 * way the watch cache applies them: an object that starts matching is
 * ADDED, one that stops matching is DELETED.
 */
@Injectable()
export class WatchService implements BeforeApplicationShutdown {
  private readonly open = new Set<() => void>();
  /** Writes every watcher's pending events a slice of watchers per turn (watch-fanout.ts). */
  private readonly fanOut = new WatchFanOut();

  constructor(
    private readonly cluster: ClusterAccess,
    private readonly hub: WatchHub,
  ) {}

  async serve(w: WatchRequest, req: Request, res: Response): Promise<void> {
    const { def, options } = w;
    const format = readFormat(w.accept);
    const table = format.table;
    // Kinds without a protobuf form are watched in JSON, which protobuf clients also accept.
    const protobuf = format.protobuf && canEncode({ apiVersion: apiVersionOf(def), kind: def.kind });
    const include = parseIncludeObject(w.includeObject);
    if (include instanceof Error) throw badRequestError(include.message);
    let backlog: { type: EventType; object: KubeObject }[] = [];
    let expired: string | undefined;
    const rv = options.resourceVersion;
    const initial = rv === undefined || rv === '0';
    if (!initial) {
      const position = parsePosition(rv);
      // Waits briefly for a resourceVersion from the future; 504 before any header is sent.
      if (position > this.cluster.view.position) await this.cluster.fresh(position);
      const changes = def.streamKind ? this.hub.since(position) : [];
      if (!changes) expired = `too old resource version: ${position} (${this.hub.oldestPosition})`;
      else backlog = changes.flatMap((c) => this.select(w, c));
    } else {
      backlog = def.list(this.cluster.view, def.namespaced ? w.namespace : undefined)
        .filter((o) => matches(def, options, o))
        .map((object) => ({ type: 'ADDED' as const, object }));
    }

    res.status(200);
    res.setHeader('Content-Type', protobuf ? PROTOBUF_WATCH_CONTENT_TYPE : 'application/json');
    res.setHeader('Cache-Control', 'no-cache, private');
    res.setHeader('Transfer-Encoding', 'chunked');
    res.flushHeaders();

    // Lines are gathered in the watcher's outbox and written by the fan-out,
    // a slice of watchers per turn of the event loop: a burst of changes (a
    // rollout step) costs each watcher one chunk, one TLS record and one
    // syscall instead of one per change, and 500 watchers do not hold one turn.
    const outbox = new Outbox({ open: () => !res.writableEnded && !res.destroyed, write: (chunk) => void res.write(chunk) });
    const flush = () => this.fanOut.drainNow(outbox);
    let first = true;
    const send = (type: EventType | 'BOOKMARK' | 'ERROR', object: unknown) => {
      const objectEvent = type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED';
      if (protobuf) this.fanOut.send(outbox, eventFrame(type, object));
      else if (table && objectEvent) {
        const o = object as KubeObject;
        const now = this.cluster.now();
        const key = `${def.resource}|${type}|${table}|${include ?? ''}|${first}`;
        this.fanOut.send(outbox, tableLine(o, key, now.getTime(), () => ({ type, object: this.asTable(def, o, table, include, first, now) })));
        first = false;
      } else this.fanOut.send(outbox, eventLine(type, object));
    };

    if (expired) {
      send('ERROR', toStatus(expiredError(expired)));
      flush();
      res.end();
      return;
    }
    for (const e of backlog) send(e.type, e.object);
    const unsubscribe = def.streamKind
      ? this.hub.subscribe((c) => {
          for (const e of this.select(w, c)) send(e.type, e.object);
        }, def.streamKind)
      : () => undefined;

    const bookmark = () => send('BOOKMARK', { kind: def.kind, apiVersion: apiVersionOf(def), metadata: { resourceVersion: String(this.cluster.view.position) } });
    const bookmarks = options.allowWatchBookmarks ? setInterval(bookmark, watchTuning.bookmarkMs) : undefined;
    const timeoutMs =
      options.timeoutSeconds !== undefined && options.timeoutSeconds > 0
        ? options.timeoutSeconds * 1000
        : watchTuning.minDefaultTimeoutMs + Math.random() * (watchTuning.maxDefaultTimeoutMs - watchTuning.minDefaultTimeoutMs);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      unsubscribe();
      clearInterval(bookmarks);
      clearTimeout(timer);
      this.open.delete(close);
      flush();
      if (!res.writableEnded) res.end();
    };
    const timer = setTimeout(() => {
      if (options.allowWatchBookmarks) bookmark();
      close();
    }, timeoutMs);
    this.open.add(close);
    req.on('close', close);
    res.on('error', close);
  }

  /** Open watches (for the benchmark and tests). */
  get openWatches(): number {
    return this.open.size;
  }

  /** Ends every open watch before the HTTP server closes (it waits for open responses). */
  beforeApplicationShutdown(): void {
    for (const close of [...this.open]) close();
  }

  /** What one change means to one watcher: nothing, or one event (selection changes become ADDED/DELETED). */
  private select(w: WatchRequest, c: Change): { type: EventType; object: KubeObject }[] {
    const { def } = w;
    if (c.kind !== def.streamKind) return [];
    // Objects as served (a Secret's data opened), from the objects the view holds.
    if (def.present) c = { ...c, object: presentOnce(def, c.object), ...(c.previous ? { previous: presentOnce(def, c.previous) } : {}) };
    const ns = def.namespaced ? w.namespace : undefined;
    if (ns !== undefined && c.object.metadata.namespace !== ns) return [];
    const now = c.type !== 'DELETED' && matches(def, w.options, c.object);
    const before = c.type === 'DELETED' ? matches(def, w.options, c.object) : c.previous !== undefined && matches(def, w.options, c.previous);
    if (c.type === 'DELETED') return before ? [{ type: 'DELETED', object: c.object }] : [];
    if (now && before) return [{ type: 'MODIFIED', object: c.object }];
    if (now) return [{ type: 'ADDED', object: c.object }];
    if (before) return [{ type: 'DELETED', object: c.object }];
    return [];
  }

  private asTable(def: ResourceDef, object: KubeObject, version: TableVersion, include: IncludeObject | undefined, first: boolean, now: Date) {
    return toWatchEventTable(def.resource, object, { now, includeObject: include, version, first });
  }
}
