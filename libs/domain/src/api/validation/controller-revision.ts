/** apps/v1 ControllerRevision validation. */
import type { ControllerRevision } from '../types';
import { FieldError, goJson, invalid, required } from '../field-errors';
import { nonNegative, validateObjectMeta, validateObjectMetaUpdate } from './meta';

export const validateControllerRevision = (cr: ControllerRevision): FieldError[] => [
  ...validateObjectMeta(cr.metadata, { requiresNamespace: true }),
  ...(cr.data === undefined || cr.data === null ? [required('data', 'data is mandatory')] : []),
  ...nonNegative(cr.revision, 'revision'),
];

/** Data is immutable; the revision number may change (rollback renumbers). */
export const validateControllerRevisionUpdate = (next: ControllerRevision, prev: ControllerRevision): FieldError[] => [
  ...validateObjectMetaUpdate(next.metadata, prev.metadata),
  ...validateControllerRevision(next),
  ...(JSON.stringify(next.data) !== JSON.stringify(prev.data) ? [invalid('data', goJson(next.data), 'field is immutable')] : []),
];
