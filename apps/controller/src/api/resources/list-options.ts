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
}

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
