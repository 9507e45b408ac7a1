import { Injectable } from '@nestjs/common';
import type { Response } from '../http/express-types';
import { badRequestError, notFoundError } from '@daemonledger/domain';
import { type ClusterView, Unparsed } from '@daemonledger/projections';
import { type ListMeta, parseIncludeObject, TABLE_CONTENT_TYPE, toObjectTable, toTable, type IncludeObject } from '../wire';
import { sendJson, sendText } from '../http/respond';
import { readFormat } from '../http/negotiate';
import { encodeObject, PROTOBUF_CONTENT_TYPE } from '../wire/protobuf';
import { wireJson, wireJsonList, wireJsonListChunks } from '../http/wire-json';
import { ClusterAccess } from './cluster-access.service';
import { encodeContinue, type ListOptions, matches, parsePosition, type Query, queryString } from './list-options';
import { apiVersionOf, type KubeObject, type ResourceDef } from './resource-def';

export interface ReadRequest {
  def: ResourceDef;
  /** Path namespace; undefined for cluster-scoped resources and all-namespace lists. */
  namespace?: string;
  query: Query;
  accept?: string;
}

const includeObject = (q: Query): IncludeObject | undefined => {
  const v = parseIncludeObject(queryString(q, 'includeObject'));
  if (v instanceof Error) throw badRequestError(v.message);
  return v;
};

/** get and list, live or at a past log position, as objects or as Tables. */
@Injectable()
export class ResourceReads {
  constructor(private readonly cluster: ClusterAccess) {}

  get(r: ReadRequest, name: string, res: Response): void {
    const { table } = readFormat(r.accept);
    const obj = this.find(r.def, this.cluster.view, r.namespace ?? '', name);
    if (table) {
      sendJson(res, 200, toObjectTable(r.def.resource, obj, { now: this.cluster.now(), includeObject: includeObject(r.query), version: table }), TABLE_CONTENT_TYPE);
      return;
    }
    sendJson(res, 200, obj);
  }

  /** The object or upstream's 404 (kubectl itself then asks whether the namespace exists, kubectl-wire §0.11). */
  find(def: ResourceDef, view: ClusterView, namespace: string, name: string): KubeObject {
    const obj = def.get(view, namespace, name);
    if (obj) return obj;
    throw notFoundError(def.ref, name);
  }

  /**
   * The last lists served, as bytes: a list at a given resourceVersion never
   * changes, so a burst of identical lists (dashboards, many kubectl
   * clients, the benchmark) is serialised once. Tables also carry ages, so
   * theirs are kept for the current second only.
   */
  private readonly served = new Map<string, Buffer | Buffer[]>();

  async list(r: ReadRequest, options: ListOptions, res: Response): Promise<void> {
    // A continued list reads the first page's position: from the pages kept, else the live view if still there, else the log.
    const { view, resourceVersion } = options.continueFrom ? { view: undefined, resourceVersion: String(options.continueFrom.position) } : await this.viewFor(r, options);
    const { table, protobuf } = readFormat(r.accept);
    const now = this.cluster.now();
    const format = table ?? (protobuf ? 'protobuf' : 'json');
    const key = `${r.def.resource}|${r.namespace ?? ''}|${JSON.stringify(Object.entries(r.query ?? {}).sort())}|${format}|${resourceVersion}|${table ? Math.floor(now.getTime() / 1000) : ''}`;
    // Lists of objects opened at read time (Secrets) are never kept: a Secret shredded since must not be served from a copy.
    const keepable = !r.def.present;
    let text = keepable ? this.served.get(key) : undefined;
    let contentType = table ? TABLE_CONTENT_TYPE : protobuf ? PROTOBUF_CONTENT_TYPE : 'application/json';
    // The selected objects' page at resourceVersion (kept across the pages of a chunked list).
    const pageOf = async () =>
      this.page(
        await this.selected(r, options, resourceVersion, () => view ?? this.pastView(r, options, Number(resourceVersion))),
        options,
        resourceVersion,
        r.def.namespaced && r.namespace === undefined,
      );
    if (text === undefined && protobuf) {
      const { items, listMeta } = await pageOf();
      const head = { kind: `${r.def.kind}List`, apiVersion: apiVersionOf(r.def), metadata: listMeta };
      const encoded = encodeObject({ ...head, items });
      if (encoded && keepable) this.keep(key, encoded);
      // Kinds without a protobuf form (the ledger group) are answered in JSON, which protobuf clients also accept.
      if (!encoded) contentType = 'application/json';
      text = encoded ?? Buffer.from(wireJsonList(head, items));
    }
    if (text === undefined && !table && this.wholePodList(r, options)) {
      // Every pod, as stored: those a past view restored and never read are sent as their snapshot text, unparsed.
      const v = view ?? (await this.pastView(r, options, Number(resourceVersion)));
      const items = v.podsAsStored(r.namespace).map(({ pod }) => (pod instanceof Unparsed ? pod.bytes : pod));
      text = wireJsonListChunks({ kind: `${r.def.kind}List`, apiVersion: apiVersionOf(r.def), metadata: { resourceVersion } }, items);
      this.keep(key, text);
    }
    if (text === undefined) {
      const { items, listMeta } = await pageOf();
      const body = table
        ? toTable(r.def.resource, items, { now, includeObject: includeObject(r.query), listMeta, version: table })
        : { kind: `${r.def.kind}List`, apiVersion: apiVersionOf(r.def), metadata: listMeta, items };
      text = Buffer.from(table ? wireJson(body) : wireJsonList({ kind: body.kind, apiVersion: body.apiVersion, metadata: listMeta }, items));
      if (keepable) this.keep(key, text);
    }
    sendText(res, 200, contentType, text, { 'Cache-Control': 'no-cache, private' });
  }

  private keep(key: string, text: Buffer | Buffer[]) {
    if (this.served.size >= 32) this.served.clear();
    this.served.set(key, text);
  }

  /** A list of every pod (of a namespace, or all), in one page: what the pods' stored form can answer without parsing them. */
  private wholePodList(r: ReadRequest, o: ListOptions): boolean {
    return r.def.resource === 'pods' && r.def.group === '' && o.labelSelector.length === 0 && o.fieldSelector.length === 0 && o.limit === undefined && !o.continueFrom;
  }

  /**
   * The selected objects of a list at one resourceVersion, kept for the
   * pages that follow: a chunked list (kubectl asks 500 at a time) reads
   * every page at the first page's position, and the objects of a view are
   * never mutated, so keeping the array keeps that state exactly.
   */
  private readonly snapshots = new Map<string, KubeObject[]>();

  private async selected(r: ReadRequest, options: ListOptions, resourceVersion: string, view: () => ClusterView | Promise<ClusterView>): Promise<KubeObject[]> {
    const key = `${r.def.resource}|${r.namespace ?? ''}|${queryString(r.query, 'labelSelector') ?? ''}|${queryString(r.query, 'fieldSelector') ?? ''}|${resourceVersion}`;
    const kept = r.def.present ? undefined : this.snapshots.get(key);
    if (kept) return kept;
    const items = r.def.list(await view(), r.def.namespaced ? r.namespace : undefined).filter((o) => matches(r.def, options, o));
    if ((options.limit !== undefined || options.continueFrom) && !r.def.present) {
      if (this.snapshots.size >= 16) this.snapshots.delete(this.snapshots.keys().next().value!);
      this.snapshots.set(key, items);
    }
    return items;
  }

  /**
   * The state a past read needs, and no more: a list pinned to one name
   * (`fieldSelector=metadata.name=X`, within a namespace for namespaced
   * resources) folds only that object's stream(s); any other list of a
   * logged resource restores and folds only its kind; derived ones (Events,
   * Namespaces) the whole view.
   */
  private pastView(r: ReadRequest, o: ListOptions, position: number): Promise<ClusterView> {
    const kind = r.def.streamKind;
    if (kind === 'endpoints' || kind === 'endpointslice') return this.cluster.viewAt(position);
    if (kind === undefined || kind === 'event' || kind === 'rollout') return this.cluster.viewAt(position, kind);
    const name = o.fieldSelector.find((f) => f.field === 'metadata.name' && f.operator === '=')?.value;
    const namespace = r.def.namespaced ? (r.namespace ?? o.fieldSelector.find((f) => f.field === 'metadata.namespace' && f.operator === '=')?.value) : '';
    if (name !== undefined && namespace !== undefined) return this.cluster.objectAt(position, kind, namespace, name);
    return this.cluster.viewAt(position, kind);
  }

  /** One page: items from the continue key on, at most `limit`; a continue token (and, unfiltered, the count left) when more remain. */
  private page(all: KubeObject[], options: ListOptions, resourceVersion: string, acrossNamespaces: boolean): { items: KubeObject[]; listMeta: ListMeta } {
    // Keys relative to the list, as upstream's: `namespace/name` across namespaces, else the name (lists are sorted so).
    const keyOf = (o: KubeObject) => (acrossNamespaces ? `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}` : (o.metadata.name ?? ''));
    let from = 0;
    if (options.continueFrom) {
      const start = options.continueFrom.start;
      while (from < all.length && keyOf(all[from]) < start) from++;
    }
    if (options.limit === undefined || all.length - from <= options.limit) return { items: from ? all.slice(from) : all, listMeta: { resourceVersion } };
    const items = all.slice(from, from + options.limit);
    const remaining = all.length - from - items.length;
    const filtered = options.labelSelector.length > 0 || options.fieldSelector.length > 0;
    return {
      items,
      listMeta: {
        resourceVersion,
        continue: encodeContinue({ position: Number(resourceVersion), start: `${keyOf(items[items.length - 1])}\u0000` }),
        ...(filtered ? {} : { remainingItemCount: remaining }),
      },
    };
  }

  /**
   * Which state a list reads: `resourceVersionMatch=Exact` → the log folded up
   * to that position (time travel, see pastView); any other resourceVersion → the live
   * view once it is at least that new; none or "0" → the live view.
   */
  private async viewFor(r: ReadRequest, o: ListOptions): Promise<{ view?: ClusterView; resourceVersion: string }> {
    if (o.resourceVersion === undefined || o.resourceVersion === '0') return { view: this.cluster.view, resourceVersion: String(this.cluster.view.position) };
    const position = parsePosition(o.resourceVersion);
    if (o.resourceVersionMatch === 'Exact') {
      // Checked now (504 for the future); the view itself is made only if no list served already holds the answer.
      if (position >= this.cluster.view.position) return { view: await this.cluster.viewAt(position), resourceVersion: String(position) };
      return { resourceVersion: String(position) };
    }
    const view = await this.cluster.fresh(position);
    return { view, resourceVersion: String(view.position) };
  }
}
