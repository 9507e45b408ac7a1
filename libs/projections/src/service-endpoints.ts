import type { Pod } from '@daemonledger/domain/api/types';
import { endpointSlicesFor, endpointsFor, selects, type EndpointSlice, type Endpoints } from '@daemonledger/domain/kinds/endpoints';
import type { Service } from '@daemonledger/domain/kinds/service';

/** One derived object that the last event changed (for watches): DELETED carries the object as it was. */
export interface EndpointsChange {
  kind: 'endpoints' | 'endpointslice';
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: Endpoints | EndpointSlice;
  previous?: Endpoints | EndpointSlice;
}

type Derived = Endpoints | EndpointSlice;

/** The object without what the fold stamps on it: two of them are the same content when these are equal. */
const content = (o: Derived) => {
  const { resourceVersion: _r, creationTimestamp: _c, ...metadata } = o.metadata;
  return JSON.stringify({ ...o, metadata });
};

/**
 * The Endpoints and EndpointSlices of every Service with a selector, as a
 * fold (README "Reaching daemon pods"): after each pod or Service event the
 * objects of the Services it may concern are computed again by the pure
 * rules (libs/domain kinds/endpoints.ts); an object whose content changed
 * takes the event's position as its resourceVersion, one that did not keeps
 * its own. So a list, a get and a watch agree, and replaying the log gives
 * the same objects.
 */
export class ServiceEndpoints {
  /** `ns/service` → its Endpoints; `ns/service` → its slices (by name). */
  readonly endpoints = new Map<string, Endpoints>();
  readonly slices = new Map<string, EndpointSlice[]>();
  private lastChanged: EndpointsChange[] = [];
  private lastPosition = 0;

  changedAt(position: number): EndpointsChange[] {
    return position === this.lastPosition ? this.lastChanged : [];
  }

  /**
   * A pod changed (before → after) in `ns`: the Services there that select
   * it, before or after, are computed again. A Service changed: itself.
   */
  podChanged(position: number, at: string, ns: string, before: Pod | undefined, after: Pod | undefined, services: readonly Service[], pods: () => Pod[]): void {
    const concerned = services.filter((s) => (before && selects(s, before)) || (after && selects(s, after)));
    this.refresh(position, at, ns, concerned, [], pods);
  }

  serviceChanged(position: number, at: string, ns: string, name: string, svc: Service | undefined, pods: () => Pod[]): void {
    this.refresh(position, at, ns, svc ? [svc] : [], svc ? [] : [name], pods);
  }

  private refresh(position: number, at: string, ns: string, services: readonly Service[], gone: readonly string[], pods: () => Pod[]) {
    this.lastChanged = [];
    this.lastPosition = position;
    if (services.length === 0 && gone.length === 0) return;
    const inNs = pods();
    const stamp = <T extends Derived>(o: T, previous: T | undefined): T => ({
      ...o,
      metadata: { ...o.metadata, resourceVersion: String(position), creationTimestamp: previous?.metadata.creationTimestamp ?? at },
    });
    const put = <T extends Derived>(kind: EndpointsChange['kind'], next: T | undefined, previous: T | undefined): T | undefined => {
      if (!next) {
        if (previous) this.lastChanged.push({ kind, type: 'DELETED', object: { ...previous, metadata: { ...previous.metadata, resourceVersion: String(position) } }, previous });
        return undefined;
      }
      if (previous && content(previous) === content(next)) return previous;
      const stamped = stamp(next, previous);
      this.lastChanged.push({ kind, type: previous ? 'MODIFIED' : 'ADDED', object: stamped, previous });
      return stamped;
    };
    for (const name of gone) this.replace(ns, name, undefined, [], put);
    for (const svc of services) this.replace(ns, svc.metadata.name ?? '', endpointsFor(svc, inNs), endpointSlicesFor(svc, inNs), put);
  }

  private replace(
    ns: string,
    name: string,
    endpoints: Endpoints | undefined,
    slices: EndpointSlice[],
    put: <T extends Derived>(kind: EndpointsChange['kind'], next: T | undefined, previous: T | undefined) => T | undefined,
  ) {
    const key = `${ns}/${name}`;
    const e = put('endpoints', endpoints, this.endpoints.get(key));
    if (e) this.endpoints.set(key, e);
    else this.endpoints.delete(key);
    const old = new Map((this.slices.get(key) ?? []).map((s) => [s.metadata.name, s]));
    const kept: EndpointSlice[] = [];
    for (const s of slices) {
      const k = put('endpointslice', s, old.get(s.metadata.name));
      old.delete(s.metadata.name);
      if (k) kept.push(k);
    }
    for (const s of old.values()) put('endpointslice', undefined, s);
    if (kept.length) this.slices.set(key, kept);
    else this.slices.delete(key);
  }

  listEndpoints(ns?: string): Endpoints[] {
    return [...this.endpoints.values()].filter((e) => ns === undefined || e.metadata.namespace === ns);
  }
  listSlices(ns?: string): EndpointSlice[] {
    return [...this.slices.values()].flat().filter((s) => ns === undefined || s.metadata.namespace === ns);
  }

  toSnapshot(): unknown[] {
    return [...[...this.endpoints].map(([k, v]) => ['e', k, v]), ...[...this.slices].map(([k, v]) => ['s', k, v])];
  }
  fromSnapshot(entries: unknown[]): void {
    for (const [t, k, v] of entries as [string, string, unknown][]) {
      if (t === 'e') this.endpoints.set(k, v as Endpoints);
      else this.slices.set(k, v as EndpointSlice[]);
    }
  }
}
