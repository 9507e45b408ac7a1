import { decodeWithSchema, type FieldValidation } from '../api/decode';
import { type FieldError, invalid } from '../api/field-errors';
import { badRequestError, invalidError } from '../api/status';
import { validateObjectMeta, validateObjectMetaUpdate } from '../api/validation/meta';
import type { StoredStreamKind } from '../cluster/streams';
import { CONFIG_MAP_KIND, NAMESPACE_KIND, SECRET_KIND, SERVICE_ACCOUNT_KIND } from './core-kinds';
import { LEASE_KIND } from './lease';
import { PRIORITY_CLASS_KIND } from './priority-class';
import { apiVersionOfKind, type StoredKindDef, type StoredObject } from './kind-def';
import { CLUSTER_ROLE_BINDING_KIND, CLUSTER_ROLE_KIND, ROLE_BINDING_KIND, ROLE_KIND } from './rbac';
import { SERVICE_KIND } from './service';

/** Every kind the generic stored-object machinery keeps, one line each. */
export const STORED_KINDS: readonly StoredKindDef[] = [
  NAMESPACE_KIND,
  SERVICE_ACCOUNT_KIND,
  CONFIG_MAP_KIND,
  SECRET_KIND,
  SERVICE_KIND,
  ROLE_KIND,
  CLUSTER_ROLE_KIND,
  ROLE_BINDING_KIND,
  CLUSTER_ROLE_BINDING_KIND,
  LEASE_KIND,
  PRIORITY_CLASS_KIND,
];

export const storedKindOfStream = (kind: StoredStreamKind): StoredKindDef => STORED_KINDS.find((k) => k.streamKind === kind)!;
export const storedKindNamed = (kind: string): StoredKindDef | undefined => STORED_KINDS.find((k) => k.kind === kind);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A request body for `def`'s resource, decoded with its zod schema: upstream's
 * 400 for a missing or different kind, type errors, and unknown fields per
 * fieldValidation (warnings under Warn).
 */
export const decodeStored = (def: StoredKindDef, value: unknown, fieldValidation: FieldValidation): { object: StoredObject; warnings: string[] } => {
  if (!isRecord(value)) throw badRequestError(`Object 'Kind' is missing in '${JSON.stringify(value)}'`);
  const apiVersion = apiVersionOfKind(def);
  // kubectl and client-go always send both; a bare body (curl) is read as the resource's own kind.
  const input = { ...value, apiVersion: value.apiVersion ?? apiVersion, kind: value.kind ?? def.kind };
  if (input.kind !== def.kind) throw badRequestError(`the kind in the data (${String(input.kind)}) does not match the expected kind (${def.kind})`);
  if (input.apiVersion !== apiVersion) throw badRequestError(`the API version in the data (${String(input.apiVersion)}) does not match the expected API version (${apiVersion})`);
  const d = decodeWithSchema({ apiVersion, kind: def.kind, schema: def.schema }, input, { fieldValidation });
  return { object: d.object as StoredObject, warnings: d.warnings };
};

/** Fields the server sets: a create ignores what the request says about them. */
const withoutServerFields = (o: StoredObject): StoredObject => {
  const { uid: _u, resourceVersion: _r, creationTimestamp: _c, deletionTimestamp: _d, deletionGracePeriodSeconds: _g, generation: _n, selfLink: _s, managedFields: _m, ...metadata } = o.metadata;
  return { ...o, metadata };
};

const refuse = (def: StoredKindDef, o: StoredObject, errs: FieldError[]) => {
  if (errs.length) throw invalidError(def.kind, def.group, o.metadata.name ?? '', errs);
};

/** A create, admitted: server fields cleared, defaults applied, validated (422 with every cause). */
export const admitStoredCreate = (def: StoredKindDef, input: StoredObject): StoredObject => {
  const o = def.defaults(withoutServerFields(input));
  refuse(def, o, [...validateObjectMeta(o.metadata, { requiresNamespace: def.namespaced, ...(def.nameFn ? { nameFn: def.nameFn } : {}) }), ...def.validate(o)]);
  return o;
};

/**
 * An update, admitted against the stored object: identity fields default to
 * the stored ones and may not change, what the kind keeps is kept, then
 * defaults and validation as for a create plus the kind's update rules.
 */
export const admitStoredUpdate = (def: StoredKindDef, input: StoredObject, current: StoredObject): StoredObject => {
  const cm = current.metadata;
  const m = input.metadata;
  const merged: StoredObject = {
    ...input,
    metadata: {
      ...m,
      uid: m.uid || cm.uid,
      creationTimestamp: m.creationTimestamp || cm.creationTimestamp,
      ...(cm.deletionTimestamp ? { deletionTimestamp: cm.deletionTimestamp } : {}),
    },
  };
  const { managedFields: _m, resourceVersion: _r, selfLink: _s, generation: _g, ...metadata } = merged.metadata;
  const kept = def.keepOnUpdate ? def.keepOnUpdate({ ...merged, metadata }, current) : { ...merged, metadata };
  const o = def.defaults(kept);
  const errs = [
    ...validateObjectMetaUpdate(o.metadata, cm),
    ...(def.nameFn ? def.nameFn(o.metadata.name ?? '', false).map((msg) => invalid('metadata.name', o.metadata.name, msg)) : []),
    ...def.validate(o),
    ...(def.validateUpdate?.(o, current) ?? []),
  ];
  refuse(def, o, errs);
  return o;
};
