/** ObjectMeta, labels, annotations, label selectors (apimachinery validation). */
import type { LabelSelector, ObjectMeta, OwnerReference } from '../types';
import { FieldError, forbidden, invalid, required, tooLong } from '../field-errors';
import { byteLength, isDns1123Label, isQualifiedName, isValidLabelValue, nameIsDnsSubdomain } from './names';

export type NameValidator = (name: string, prefix: boolean) => string[];

const sortedEntries = (m: Record<string, string> | undefined): [string, string][] =>
  Object.entries(m ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

export const nonNegative = (value: number | undefined, path: string): FieldError[] =>
  value !== undefined && value < 0 ? [invalid(path, value, 'must be greater than or equal to 0')] : [];

export const validateLabelName = (key: string, path: string): FieldError[] => isQualifiedName(key).map((m) => invalid(path, key, m));

/** Go iterates maps randomly; sorting by key makes the cause order stable. */
export const validateLabels = (labels: Record<string, string> | undefined, path: string): FieldError[] =>
  sortedEntries(labels).flatMap(([k, v]) => [...validateLabelName(k, path), ...isValidLabelValue(v).map((m) => invalid(path, v, m))]);

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export const validateAnnotations = (annotations: Record<string, string> | undefined, path: string): FieldError[] => {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of sortedEntries(annotations)) {
    errs.push(...isQualifiedName(k.toLowerCase()).map((m) => invalid(path, k, m)));
    total += byteLength(k) + byteLength(v);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
};

const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

const validateFinalizers = (finalizers: string[] | undefined, path: string): FieldError[] => {
  const errs: FieldError[] = [];
  for (const [i, f] of (finalizers ?? []).entries()) {
    const p = `${path}[${i}]`;
    const q = isQualifiedName(f).map((m) => invalid(p, f, m));
    errs.push(...q);
    if (!q.length && !f.includes('/') && !STANDARD_FINALIZERS.has(f)) {
      errs.push(invalid(p, f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  }
  const set = new Set(finalizers ?? []);
  if (set.has('orphan') && set.has('foregroundDeletion')) {
    errs.push(invalid(path, { goSyntax: `[]string{${[...(finalizers ?? [])].map((f) => JSON.stringify(f)).join(', ')}}` }, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
};

const validateOwnerReferences = (refs: OwnerReference[] | undefined, path: string): FieldError[] => {
  const errs: FieldError[] = [];
  const controllers: string[] = [];
  for (const [i, r] of (refs ?? []).entries()) {
    const p = `${path}[${i}]`;
    if (!r.apiVersion) errs.push(invalid(`${p}.apiVersion`, r.apiVersion, 'version must not be empty'));
    if (!r.kind) errs.push(invalid(`${p}.kind`, r.kind, 'kind must not be empty'));
    if (!r.name) errs.push(invalid(`${p}.name`, r.name, 'name must not be empty'));
    if (!r.uid) errs.push(invalid(`${p}.uid`, r.uid, 'uid must not be empty'));
    if (r.controller) controllers.push(`${r.kind}/${r.name}`);
  }
  if (controllers.length > 1) {
    errs.push(invalid(path, { goSyntax: '[]v1.OwnerReference{…}' }, `Only one reference can have Controller set to true. Found "true" in references for ${controllers.join(' and ')}`));
  }
  return errs;
};

export interface ObjectMetaOptions {
  readonly requiresNamespace: boolean;
  readonly nameFn?: NameValidator;
}

/** ValidateObjectMeta: name/generateName, namespace, labels, annotations, owners, finalizers. */
export const validateObjectMeta = (meta: ObjectMeta, opts: ObjectMetaOptions, path = 'metadata'): FieldError[] => {
  const nameFn = opts.nameFn ?? nameIsDnsSubdomain;
  const errs: FieldError[] = [];
  if (meta.generateName) errs.push(...nameFn(meta.generateName, true).map((m) => invalid(`${path}.generateName`, meta.generateName, m)));
  if (!meta.name) errs.push(required(`${path}.name`, 'name or generateName is required'));
  else errs.push(...nameFn(meta.name, false).map((m) => invalid(`${path}.name`, meta.name, m)));
  if (opts.requiresNamespace) {
    if (!meta.namespace) errs.push(required(`${path}.namespace`));
    else errs.push(...nameIsDnsLabelNs(meta.namespace).map((m) => invalid(`${path}.namespace`, meta.namespace, m)));
  } else if (meta.namespace) {
    errs.push(forbidden(`${path}.namespace`, 'not allowed on this type'));
  }
  errs.push(...nonNegative(meta.generation, `${path}.generation`));
  errs.push(...validateLabels(meta.labels, `${path}.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(meta.ownerReferences, `${path}.ownerReferences`));
  errs.push(...validateFinalizers(meta.finalizers, `${path}.finalizers`));
  return errs;
};

// Namespaces are DNS-1123 labels.
const nameIsDnsLabelNs = (ns: string): string[] => isDns1123Label(ns);

const immutable = (next: string | undefined, prev: string | undefined, path: string): FieldError[] =>
  (next ?? '') !== (prev ?? '') ? [invalid(path, next ?? '', 'field is immutable')] : [];

/** ValidateObjectMetaUpdate: identity fields may not change; the new labels etc. must be valid. */
export const validateObjectMetaUpdate = (next: ObjectMeta, prev: ObjectMeta, path = 'metadata'): FieldError[] => [
  ...immutable(next.name, prev.name, `${path}.name`),
  ...immutable(next.namespace, prev.namespace, `${path}.namespace`),
  ...immutable(next.uid, prev.uid, `${path}.uid`),
  ...immutable(next.creationTimestamp ?? undefined, prev.creationTimestamp ?? undefined, `${path}.creationTimestamp`),
  ...(prev.deletionTimestamp && next.deletionTimestamp !== prev.deletionTimestamp ? immutable(next.deletionTimestamp, prev.deletionTimestamp, `${path}.deletionTimestamp`) : []),
  ...nonNegative(next.generation, `${path}.generation`),
  ...validateLabels(next.labels, `${path}.labels`),
  ...validateAnnotations(next.annotations, `${path}.annotations`),
  ...validateOwnerReferences(next.ownerReferences, `${path}.ownerReferences`),
  ...validateFinalizers(next.finalizers, `${path}.finalizers`),
];

/** metav1 ValidateLabelSelector (syntax only; matching is checked by the caller). */
export const validateLabelSelector = (sel: LabelSelector | undefined, path: string): FieldError[] => {
  if (!sel) return [];
  const errs = validateLabels(sel.matchLabels, `${path}.matchLabels`);
  for (const [i, r] of (sel.matchExpressions ?? []).entries()) {
    const p = `${path}.matchExpressions[${i}]`;
    switch (r.operator) {
      case 'In':
      case 'NotIn':
        if (!r.values?.length) errs.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (r.values?.length) errs.push(forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(invalid(`${p}.operator`, r.operator, 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(r.key, `${p}.key`));
    for (const [j, v] of (r.values ?? []).entries()) errs.push(...isValidLabelValue(v).map((m) => invalid(`${p}.values[${j}]`, v, m)));
  }
  return errs;
};

