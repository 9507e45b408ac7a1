/**
 * meta.k8s.io Tables, as kube-apiserver answers `Accept: application/json;as=Table;…`
 * (apiserver endpoints/handlers/response.go `asTable` + the resource's table
 * convertor). kubectl 1.32 has no client-side column printers, so these are
 * what `kubectl get` prints (kubectl-wire.md §4).
 */
import type { ObjectMeta } from '@daemonledger/domain';
import { COLUMNS, PRINTERS, printDefault, type Cell, type PrintedResource, type TableColumnDefinition, type TableRowCondition } from './printers';

export type IncludeObject = 'None' | 'Metadata' | 'Object';
export type TableVersion = 'v1' | 'v1beta1';

export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: string;
  metadata: ObjectMeta;
}

export interface TableRow {
  cells: Cell[];
  conditions?: TableRowCondition[];
  /** PartialObjectMetadata (default), the whole object (`includeObject=Object`) or null (`None`). */
  object: PartialObjectMetadata | Record<string, unknown> | null;
}

export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: ListMeta;
  /** null only in watch events after the first (the server's NoHeaders). */
  columnDefinitions: TableColumnDefinition[] | null;
  rows: TableRow[];
}

export interface TableObject {
  kind?: string;
  apiVersion?: string;
  metadata: ObjectMeta;
}

export interface TableOptions {
  now: Date;
  /** Row `object` form; the server default (no `includeObject` query) is Metadata. */
  includeObject?: IncludeObject;
  /** List metadata to copy (resourceVersion, continue, remainingItemCount). */
  listMeta?: ListMeta;
  /** Omit column definitions (`columnDefinitions: null`), as for every watch event but the first. */
  noHeaders?: boolean;
  /** meta.k8s.io version the client negotiated; v1 unless it asked only for v1beta1. */
  version?: TableVersion;
}

const isPrinted = (resource: string): resource is PrintedResource => Object.prototype.hasOwnProperty.call(PRINTERS, resource);

/** Column definitions for a resource (plural name); unknown resources get the apiserver default `Name`, `Created At`. */
export const columnDefinitions = (resource: string): TableColumnDefinition[] =>
  (isPrinted(resource) ? COLUMNS[resource] : COLUMNS.default).map((c) => ({ ...c }));

const rowObject = (obj: TableObject, include: IncludeObject, apiVersion: string): TableRow['object'] => {
  switch (include) {
    case 'None':
      return null;
    case 'Object':
      return obj as unknown as Record<string, unknown>;
    case 'Metadata':
      return { kind: 'PartialObjectMetadata', apiVersion, metadata: obj.metadata };
  }
};

const copyListMeta = (m: ListMeta | undefined): ListMeta => {
  const out: ListMeta = {};
  if (m?.resourceVersion) out.resourceVersion = m.resourceVersion;
  if (m?.continue) out.continue = m.continue;
  if (m?.remainingItemCount !== undefined && m.remainingItemCount !== null) out.remainingItemCount = m.remainingItemCount;
  return out;
};

/**
 * A list rendered as a Table. Rows keep the given order (the caller lists in
 * name/key order like etcd). An empty list gives `rows: []` with the columns,
 * which kubectl reports as "No resources found".
 */
export const toTable = (resource: string, objects: readonly TableObject[], opts: TableOptions): Table => {
  const apiVersion = `meta.k8s.io/${opts.version ?? 'v1'}`;
  const include = opts.includeObject ?? 'Metadata';
  const print = isPrinted(resource) ? PRINTERS[resource] : printDefault;
  const rows = objects.map((obj): TableRow => {
    const printed = (print as (o: TableObject, now: Date) => ReturnType<typeof printDefault>)(obj, opts.now);
    const row: TableRow = { cells: printed.cells, object: rowObject(obj, include, apiVersion) };
    if (printed.conditions) row.conditions = printed.conditions.map((c) => ({ ...c }));
    return row;
  });
  return {
    kind: 'Table',
    apiVersion,
    metadata: copyListMeta(opts.listMeta),
    columnDefinitions: opts.noHeaders ? null : columnDefinitions(resource),
    rows,
  };
};

/** A single GET as a one-row Table; `metadata.resourceVersion` is the object's. */
export const toObjectTable = (resource: string, object: TableObject, opts: Omit<TableOptions, 'listMeta'>): Table =>
  toTable(resource, [object], { ...opts, listMeta: { resourceVersion: object.metadata.resourceVersion } });

/**
 * The `object` of one watch event for a Table watch: a one-row Table. The real
 * server sends column definitions only with the first event of the stream
 * (later ones carry `"columnDefinitions": null`).
 */
export const toWatchEventTable = (
  resource: string,
  object: TableObject,
  opts: Omit<TableOptions, 'listMeta' | 'noHeaders'> & { first: boolean },
): Table => toObjectTable(resource, object, { ...opts, noHeaders: !opts.first });

// ---- request side ----

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

/** Accept header → media ranges in the client's order (q=0 dropped). */
export const parseAccept = (accept: string | undefined): MediaRange[] =>
  (accept ?? '')
    .split(',')
    .map((part) => {
      const [type, ...rest] = part.split(';').map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of rest) {
        const eq = p.indexOf('=');
        if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
      }
      return { type: (type ?? '').toLowerCase(), params };
    })
    .filter((m) => m.type !== '' && m.params.q !== '0');

/**
 * Which Table version the client asked for (`application/json;as=Table;v=v1;g=meta.k8s.io`),
 * or null when it wants plain objects. The first acceptable range wins.
 */
export const negotiateTable = (accept: string | undefined): TableVersion | null => {
  for (const m of parseAccept(accept)) {
    if (m.type === 'application/json' && m.params.as === 'Table' && m.params.g === 'meta.k8s.io') {
      if (m.params.v === 'v1' || m.params.v === 'v1beta1') return m.params.v;
    }
  }
  return null;
};

/** The `includeObject` query parameter; undefined when absent, an Error (our wording) for any other value. */
export const parseIncludeObject = (value: string | undefined): IncludeObject | undefined | Error => {
  if (value === undefined || value === '') return undefined;
  if (value === 'None' || value === 'Metadata' || value === 'Object') return value;
  return new Error(`includeObject: Unsupported value: "${value}": supported values: "Metadata", "None", "Object"`);
};

/** Content-Type for Table responses; the real server answers plain JSON (kubectl-wire §4.1). */
export const TABLE_CONTENT_TYPE = 'application/json';
