import { DomainError } from '@daemonledger/domain/errors';
import type { ExpectedRevision } from '../event-store.port';

/** Revision of a stream's last event, or -1 when the stream has none. */
export type CurrentRevision = number;

const describeExpected = (expected: ExpectedRevision): string =>
  expected === 'no_stream' || expected === -1
    ? 'no stream'
    : expected === 'stream_exists'
      ? 'an existing stream'
      : expected === 'any'
        ? 'any revision'
        : `revision ${expected}`;

const describeActual = (actual: CurrentRevision): string =>
  actual < 0 ? 'the stream does not exist' : `the stream is at revision ${actual}`;

export const versionConflict = (
  streamId: string,
  expected: ExpectedRevision,
  actual: CurrentRevision,
): DomainError => {
  const message = `Wrong expected revision for stream "${streamId}": expected ${describeExpected(expected)} but ${describeActual(actual)}`;
  return new DomainError('VersionConflict', message, {
    name: streamId,
    causes: [{ reason: 'VersionConflict', message, field: 'expectedRevision' }],
  });
};

/** True when `actual` (last revision, -1 = none) satisfies `expected`. */
export const revisionMatches = (expected: ExpectedRevision, actual: CurrentRevision): boolean => {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual < 0;
    case 'stream_exists':
      return actual >= 0;
    default:
      return expected === actual;
  }
};

export const badRequest = (message: string, field?: string): DomainError =>
  new DomainError('BadRequest', message, {
    causes: [{ reason: 'FieldValueInvalid', message, ...(field ? { field } : {}) }],
  });

export const idConflict = (streamId: string, message: string): DomainError =>
  new DomainError('Conflict', `Cannot append to stream "${streamId}": ${message}`, { name: streamId });

export const storageError = (message: string, cause?: unknown): DomainError => {
  const reason = cause instanceof Error ? `: ${cause.message}` : '';
  return new DomainError('StorageError', `${message}${reason}`);
};

export const closedError = (what: string): DomainError =>
  new DomainError('StorageError', `The ${what} event store is closed`);
