/**
 * Builders for the errors the API edge returns, with upstream's exact texts,
 * and the one mapping from DomainError to meta/v1 Status. Domain code throws
 * DomainErrors made here; the API layer calls `toStatus` and never builds
 * messages itself.
 */
import { DomainError, DomainErrorCode, DomainErrorDetails } from '../errors';
import type { Status, StatusDetails } from './types';
import { aggregateText, FieldError, toCauses } from './field-errors';

/** A REST resource: `{ resource: 'daemonsets', group: 'apps' }`; core group is ''. */
export interface ResourceRef {
  readonly resource: string;
  readonly group: string;
}

export const DAEMONSETS: ResourceRef = { resource: 'daemonsets', group: 'apps' };
export const CONTROLLER_REVISIONS: ResourceRef = { resource: 'controllerrevisions', group: 'apps' };
export const PODS: ResourceRef = { resource: 'pods', group: '' };
export const NODES: ResourceRef = { resource: 'nodes', group: '' };

const qualified = (name: string, group: string): string => (group ? `${name}.${group}` : name);

const resourceDetails = (ref: ResourceRef, name: string): DomainErrorDetails => ({
  name,
  ...(ref.group ? { group: ref.group } : {}),
  kind: ref.resource,
});

/** 422: `DaemonSet.apps "foo" is invalid: <aggregate>`; causes keep duplicates, the message does not. */
export const invalidError = (kind: string, group: string, name: string, errors: readonly FieldError[]): DomainError =>
  new DomainError('Invalid', `${qualified(kind, group)} ${JSON.stringify(name)} is invalid: ${aggregateText(errors)}`, {
    name,
    ...(group ? { group } : {}),
    kind,
    causes: toCauses(errors),
  });

export const notFoundError = (ref: ResourceRef, name: string): DomainError =>
  new DomainError('NotFound', `${qualified(ref.resource, ref.group)} ${JSON.stringify(name)} not found`, resourceDetails(ref, name));

export const alreadyExistsError = (ref: ResourceRef, name: string): DomainError =>
  new DomainError('AlreadyExists', `${qualified(ref.resource, ref.group)} ${JSON.stringify(name)} already exists`, resourceDetails(ref, name));

export const OPTIMISTIC_LOCK_MESSAGE = 'the object has been modified; please apply your changes to the latest version and try again';

/** 409 Conflict; the default reason is the optimistic-lock text a stale resourceVersion gets. */
export const conflictError = (ref: ResourceRef, name: string, reason: string = OPTIMISTIC_LOCK_MESSAGE): DomainError =>
  new DomainError('Conflict', `Operation cannot be fulfilled on ${qualified(ref.resource, ref.group)} ${JSON.stringify(name)}: ${reason}`, resourceDetails(ref, name));

export const badRequestError = (message: string): DomainError => new DomainError('BadRequest', message);

/** 410 Expired, as for a watch/list from a compacted resourceVersion. */
export const expiredError = (message = 'The resourceVersion for the provided list is too old.'): DomainError =>
  new DomainError('Gone', message);

export const unauthorizedError = (message = 'Unauthorized'): DomainError => new DomainError('Unauthorized', message);

/** 403: `daemonsets.apps "foo" is forbidden: <reason>` (no name → `daemonsets.apps is forbidden: …`). */
export const forbiddenError = (ref: ResourceRef, name: string, reason: string): DomainError =>
  new DomainError(
    'Forbidden',
    `${qualified(ref.resource, ref.group)}${name ? ' ' + JSON.stringify(name) : ''} is forbidden: ${reason}`,
    resourceDetails(ref, name),
  );

export const requestEntityTooLargeError = (message: string): DomainError =>
  new DomainError('RequestEntityTooLarge', `Request entity too large: ${message}`);

export const methodNotAllowedError = (verb: string, ref: ResourceRef): DomainError =>
  new DomainError('MethodNotAllowed', `${verb} operation is not supported on ${qualified(ref.resource, ref.group)}`);

export const unsupportedMediaTypeError = (contentType: string): DomainError =>
  new DomainError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/apply-patch+yaml, application/merge-patch+json, application/strategic-merge-patch+json (got ${contentType})`);

const REASON: Record<DomainErrorCode, [reason: string, code: number]> = {
  Invalid: ['Invalid', 422],
  BadRequest: ['BadRequest', 400],
  NotFound: ['NotFound', 404],
  AlreadyExists: ['AlreadyExists', 409],
  VersionConflict: ['Conflict', 409],
  Conflict: ['Conflict', 409],
  // The only 410 the API produces is a too-old resourceVersion, which upstream reports as Expired.
  Gone: ['Expired', 410],
  Forbidden: ['Forbidden', 403],
  Unauthorized: ['Unauthorized', 401],
  RequestEntityTooLarge: ['RequestEntityTooLarge', 413],
  UnsupportedMediaType: ['UnsupportedMediaType', 415],
  NotAcceptable: ['NotAcceptable', 406],
  MethodNotAllowed: ['MethodNotAllowed', 405],
  // A resourceVersion the server has not reached (`Too large resource version`).
  Timeout: ['Timeout', 504],
  StorageError: ['InternalError', 500],
  InternalError: ['InternalError', 500],
};

/**
 * The Status body for any thrown value. DomainErrors keep their message and
 * details; anything else becomes a 500 without leaking a stack.
 */
export const toStatus = (error: unknown): Status => {
  if (!(error instanceof DomainError)) {
    const text = error instanceof Error ? error.message : String(error);
    return failure('InternalError', 500, `Internal error occurred: ${text}`, { causes: [{ message: text }] });
  }
  const [reason, code] = REASON[error.code];
  return failure(reason, code, error.message, error.details);
};

/** Shortcut for the 422 body: `invalidStatus('DaemonSet', 'apps', 'foo', errors)`. */
export const invalidStatus = (kind: string, group: string, name: string, errors: readonly FieldError[]): Status =>
  toStatus(invalidError(kind, group, name, errors));

export const successStatus = (details?: StatusDetails): Status => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Success',
  ...(details ? { details } : {}),
  code: 200,
});

const failure = (reason: string, code: number, message: string, details: DomainErrorDetails | StatusDetails): Status => {
  const d: StatusDetails = {};
  if (details.name) d.name = details.name;
  if (details.group) d.group = details.group;
  if (details.kind) d.kind = details.kind;
  if (details.causes && details.causes.length) d.causes = details.causes.map((c) => ({ ...c }));
  if (details.retryAfterSeconds !== undefined) d.retryAfterSeconds = details.retryAfterSeconds;
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(Object.keys(d).length ? { details: d } : {}),
    code,
  };
};
