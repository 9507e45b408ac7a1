/**
 * The one error type the domain and its adapters raise. `code` is stable and
 * maps 1:1 to a Kubernetes Status reason at the API edge (see apps/controller
 * status filter); `causes` carry field paths the way the API server reports them.
 */
export type DomainErrorCode =
  | 'Invalid'
  | 'BadRequest'
  | 'NotFound'
  | 'AlreadyExists'
  /** The store's: an append's expected stream revision was stale. Internal (the command runner decides again); clients see Conflict. */
  | 'VersionConflict'
  /** A write's precondition failed (stale resourceVersion, other uid) or field managers disagree: 409. */
  | 'Conflict'
  | 'Gone'
  | 'Forbidden'
  | 'Unauthorized'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'NotAcceptable'
  | 'MethodNotAllowed'
  | 'Timeout'
  | 'StorageError'
  | 'InternalError';

/** One field-level problem, as in metav1.StatusCause. */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface DomainErrorDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: DomainErrorDetails = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const isDomainError = (e: unknown, code?: DomainErrorCode): e is DomainError =>
  e instanceof DomainError && (code === undefined || e.code === code);
