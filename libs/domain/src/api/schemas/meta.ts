import { z } from 'zod';
import { bool, int64, jsonObject, str, strict, stringMap, strings, time } from './primitives';

export const ownerReferenceSchema = strict('v1.OwnerReference', {
  apiVersion: str(),
  kind: str(),
  name: str(),
  uid: str(),
  controller: bool().optional(),
  blockOwnerDeletion: bool().optional(),
});

export const managedFieldsEntrySchema = strict('v1.ManagedFieldsEntry', {
  manager: str().optional(),
  operation: str().optional(),
  apiVersion: str().optional(),
  time: time().optional(),
  fieldsType: str().optional(),
  fieldsV1: z.unknown().optional(),
  subresource: str().optional(),
});

export const objectMetaSchema = strict('v1.ObjectMeta', {
  name: str().optional(),
  generateName: str().optional(),
  namespace: str().optional(),
  uid: str().optional(),
  resourceVersion: str().optional(),
  generation: int64().optional(),
  creationTimestamp: time().nullable().optional(),
  deletionTimestamp: time().optional(),
  deletionGracePeriodSeconds: int64().optional(),
  labels: stringMap().optional(),
  annotations: stringMap().optional(),
  ownerReferences: z.array(ownerReferenceSchema, { error: '[]v1.OwnerReference' }).optional(),
  finalizers: strings().optional(),
  managedFields: z.array(managedFieldsEntrySchema, { error: '[]v1.ManagedFieldsEntry' }).optional(),
  selfLink: str().optional(),
});

export const labelSelectorRequirementSchema = strict('v1.LabelSelectorRequirement', {
  key: str(),
  operator: str(),
  values: strings().optional(),
});

export const labelSelectorSchema = strict('v1.LabelSelector', {
  matchLabels: stringMap().optional(),
  matchExpressions: z.array(labelSelectorRequirementSchema, { error: '[]v1.LabelSelectorRequirement' }).optional(),
});

const statusCauseSchema = strict('v1.StatusCause', { reason: str().optional(), message: str().optional(), field: str().optional() });

export const statusSchema = strict('v1.Status', {
  kind: z.literal('Status'),
  apiVersion: z.literal('v1'),
  metadata: strict('v1.ListMeta', {
    resourceVersion: str().optional(),
    continue: str().optional(),
    selfLink: str().optional(),
    remainingItemCount: int64().optional(),
  }),
  status: z.enum(['Success', 'Failure'], { error: 'string' }),
  message: str().optional(),
  reason: str().optional(),
  details: strict('v1.StatusDetails', {
    name: str().optional(),
    group: str().optional(),
    kind: str().optional(),
    uid: str().optional(),
    causes: z.array(statusCauseSchema, { error: '[]v1.StatusCause' }).optional(),
    retryAfterSeconds: int64().optional(),
  }).optional(),
  code: int64(),
});

export { jsonObject };
