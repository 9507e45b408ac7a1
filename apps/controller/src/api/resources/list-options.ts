import {
  badRequestError,
  checkFieldSelector,
  DomainError,
  fieldSelectorMatches,
  forbidden,
  invalidError,
  notSupported,
  parseFieldSelector,
  parseLabelSelector,
  selectorMatches,
  type FieldError,
  type FieldRequirement,
  type LabelRequirement,
} from '@daemonledger/domain';
import type { KubeObject, ResourceDef } from './resource-def';

/** The query of a list or watch (meta/v1 ListOptions), parsed and validated like the API server does. */
export interface ListOptions {
  labelSelector: LabelRequirement[];
  fieldSelector: FieldRequirement[];
  watch: boolean;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  allowWatchBookmarks: boolean;
  timeoutSeconds?: number;
  sendInitialEvents: boolean;
  /** Page size; undefined (or 0) = everything. Ignored by watches, as upstream does. */
  limit?: number;
  /** Where the previous page stopped, decoded from the `continue` token. */
  continueFrom?: ContinueToken;
}

/** What a `continue` token carries: the log position the first page was read at, and the key to start from. */
export interface ContinueToken {
  position: number;
  /** Items with key (`namespace/name`) ≥ start come next. */
  start: string;
}

/**
 * The `continue` token, opaque to clients: base64 of
 * `{"v":"meta.k8s.io/v1","rv":<position>,"start":"<key>\u0000"}`, the shape
 * kube-apiserver's tokens have (so a token read in a log or a debugger
 * means the same thing). Every page of a chunked list is read at `rv`.
 */
export const encodeContinue = (t: ContinueToken): string => Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: t.position, start: t.start })).toString('base64');

export const decodeContinue = (token: string): ContinueToken => {
  const invalid = (why: string) => new DomainError('BadRequest', `continue key is not valid: ${why}`);
  let raw: unknown;
  try {
    const text = Buffer.from(token, 'base64').toString('utf8');
    if (Buffer.from(text, 'utf8').toString('base64').replace(/=+$/, '') !== token.replace(/=+$/, '')) throw new Error('not base64');
    raw = JSON.parse(text);
  } catch {
    throw invalid('illegal base64 data or JSON in the continue token');
  }
  const t = raw as { v?: unknown; rv?: unknown; start?: unknown };
  if (t?.v !== 'meta.k8s.io/v1') throw invalid('server does not recognize this encoded key');
  if (typeof t.rv !== 'number' || !Number.isSafeInteger(t.rv) || t.rv < 1) throw invalid('incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof t.start !== 'string' || t.start === '') throw invalid('encoded start key empty');
  return { position: t.rv, start: t.start };
};

export type Query = Record<string, unknown>;

/** A query value as one string (express gives arrays for repeated keys: the first wins, as in Go's url.Values.Get). */
export const queryString = (q: Query, key: string): string | undefined => {
  const v = q[key];
  if (Array.isArray(v)) return v.length ? String(v[0]) : undefined;
  return v === undefined ? undefined : String(v);
};

const bool = (v: string | undefined) => v === 'true' || v === '1';

const listOptionsInvalid = (errs: FieldError[]) => invalidError('ListOptions', 'meta.k8s.io', '', errs);

export const parseListOptions = (q: Query, def: ResourceDef, watchPath = false): ListOptions => {
  const labelSelector = parseLabelSelector(queryString(q, 'labelSelector') ?? '');
  const fieldSelector = parseFieldSelector(queryString(q, 'fieldSelector') ?? '');
  checkFieldSelector(fieldSelector, def.selectableFields);
  const rv = queryString(q, 'resourceVersion') || undefined;
  const match = queryString(q, 'resourceVersionMatch') || undefined;
  const cont = queryString(q, 'continue') || undefined;
  const watch = watchPath || bool(queryString(q, 'watch'));
  const errs: FieldError[] = [];
  if (match !== undefined) {
    if (watch) errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch'));
    else if (rv === undefined) errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    else if (cont !== undefined) errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    else if (match !== 'Exact' && match !== 'NotOlderThan') errs.push(notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan']));
    else if (match === 'Exact' && rv === '0') errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
  }
  if (errs.length) throw listOptionsInvalid(errs);
  const limitText = queryString(q, 'limit');
  if (limitText !== undefined && limitText !== '' && !/^-?\d+$/.test(limitText)) throw badRequestError(`invalid limit: ${JSON.stringify(limitText)}`);
  const limit = limitText ? Number(limitText) : undefined;
  let continueFrom: ContinueToken | undefined;
  if (cont !== undefined && !watch) {
    if (rv !== undefined && rv !== '0') throw badRequestError('specifying resource version is not allowed when using continue');
    continueFrom = decodeContinue(cont);
  }
  const timeout = queryString(q, 'timeoutSeconds');
  if (timeout !== undefined && !/^\d+$/.test(timeout)) throw badRequestError(`invalid timeoutSeconds: ${JSON.stringify(timeout)}`);
  return {
    labelSelector,
    fieldSelector,
    watch,
    resourceVersion: rv,
    resourceVersionMatch: match as ListOptions['resourceVersionMatch'],
    allowWatchBookmarks: bool(queryString(q, 'allowWatchBookmarks')),
    timeoutSeconds: timeout === undefined ? undefined : Number(timeout),
    sendInitialEvents: bool(queryString(q, 'sendInitialEvents')),
    ...(limit !== undefined && limit > 0 ? { limit } : {}),
    ...(continueFrom ? { continueFrom } : {}),
  };
};

/** A resourceVersion as a log position; anything else is upstream's 400. */
export const parsePosition = (rv: string): number => {
  if (!/^\d+$/.test(rv)) throw new DomainError('BadRequest', `invalid resource version: strconv.ParseUint: parsing ${JSON.stringify(rv)}: invalid syntax`);
  return Number(rv);
};

export const matches = <T extends KubeObject>(def: ResourceDef<T>, o: ListOptions, obj: T): boolean =>
  (o.labelSelector.length === 0 || selectorMatches(o.labelSelector, obj.metadata.labels ?? {})) &&
  (o.fieldSelector.length === 0 || fieldSelectorMatches(o.fieldSelector, def.fields(obj)));
