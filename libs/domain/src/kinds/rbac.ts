/**
 * rbac.authorization.k8s.io/v1 Roles, ClusterRoles, RoleBindings and
 * ClusterRoleBindings as stored kinds: kept, listed and printed with
 * upstream's validation (pkg/apis/rbac/validation). They are objects only:
 * DaemonLedger's own authorization stays its two tokens.
 */
import { z } from 'zod';
import { type FieldError, invalid, notSupported, required } from '../api/field-errors';
import { labelSelectorSchema, objectMetaSchema } from '../api/schemas/meta';
import { str, strict, strings } from '../api/schemas/primitives';
import type { StoredKindDef, StoredObject } from './kind-def';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

const policyRule = strict('v1.PolicyRule', {
  verbs: strings(),
  apiGroups: strings().optional(),
  resources: strings().optional(),
  resourceNames: strings().optional(),
  nonResourceURLs: strings().optional(),
});
const subject = strict('v1.Subject', { kind: str(), apiGroup: str().optional(), name: str(), namespace: str().optional() });
const roleRef = strict('v1.RoleRef', { apiGroup: str(), kind: str(), name: str() });

const roleSchema = (kind: 'Role' | 'ClusterRole') =>
  strict(`v1.${kind}`, {
    apiVersion: z.literal(`${RBAC_GROUP}/v1`),
    kind: z.literal(kind),
    metadata: objectMetaSchema.default({}),
    rules: z.array(policyRule, { error: '[]v1.PolicyRule' }).optional(),
    ...(kind === 'ClusterRole' ? { aggregationRule: strict('v1.AggregationRule', { clusterRoleSelectors: z.array(labelSelectorSchema).optional() }).optional() } : {}),
  });
const bindingSchema = (kind: 'RoleBinding' | 'ClusterRoleBinding') =>
  strict(`v1.${kind}`, {
    apiVersion: z.literal(`${RBAC_GROUP}/v1`),
    kind: z.literal(kind),
    metadata: objectMetaSchema.default({}),
    subjects: z.array(subject, { error: '[]v1.Subject' }).optional(),
    roleRef,
  });

interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  nonResourceURLs?: string[];
}
export interface RoleRef {
  apiGroup: string;
  kind: string;
  name: string;
}
export interface Subject {
  kind: string;
  apiGroup?: string;
  name: string;
  namespace?: string;
}

const validateRules = (o: StoredObject, clusterScoped: boolean): FieldError[] =>
  ((o.rules as PolicyRule[] | undefined) ?? []).flatMap((r, i) => {
    const at = `rules[${i}]`;
    const errs: FieldError[] = [];
    if (!r.verbs?.length) errs.push(required(`${at}.verbs`, 'verbs must contain at least one value'));
    if (r.nonResourceURLs?.length) {
      if (!clusterScoped) errs.push(invalid(`${at}.nonResourceURLs`, { goSyntax: JSON.stringify(r.nonResourceURLs) }, 'namespaced rules cannot apply to non-resource URLs'));
      if (r.apiGroups?.length || r.resources?.length) errs.push(invalid(`${at}.nonResourceURLs`, { goSyntax: JSON.stringify(r.nonResourceURLs) }, 'rules cannot apply to both regular resources and non-resource URLs'));
      return errs;
    }
    if (!r.apiGroups?.length) errs.push(required(`${at}.apiGroups`, 'resource rules must supply at least one api group'));
    if (!r.resources?.length) errs.push(required(`${at}.resources`, 'resource rules must supply at least one resource'));
    return errs;
  });

const SUBJECT_KINDS = ['Group', 'ServiceAccount', 'User'];

const validateBinding = (o: StoredObject, clusterScoped: boolean): FieldError[] => {
  const ref = o.roleRef as RoleRef;
  const errs: FieldError[] = [];
  if (ref.apiGroup !== RBAC_GROUP) errs.push(notSupported('roleRef.apiGroup', ref.apiGroup, [RBAC_GROUP]));
  const kinds = clusterScoped ? ['ClusterRole'] : ['ClusterRole', 'Role'];
  if (!kinds.includes(ref.kind)) errs.push(notSupported('roleRef.kind', ref.kind, kinds));
  if (!ref.name) errs.push(required('roleRef.name'));
  for (const [i, s] of ((o.subjects as Subject[] | undefined) ?? []).entries()) {
    const at = `subjects[${i}]`;
    if (!SUBJECT_KINDS.includes(s.kind)) errs.push(notSupported(`${at}.kind`, s.kind, SUBJECT_KINDS));
    if (!s.name) errs.push(required(`${at}.name`));
    if (s.kind === 'ServiceAccount') {
      if (s.apiGroup) errs.push(notSupported(`${at}.apiGroup`, s.apiGroup, ['']));
      if (clusterScoped && !s.namespace) errs.push(required(`${at}.namespace`));
    } else if ((s.kind === 'User' || s.kind === 'Group') && s.apiGroup !== RBAC_GROUP) {
      errs.push(notSupported(`${at}.apiGroup`, s.apiGroup ?? '', [RBAC_GROUP]));
    }
  }
  return errs;
};

const roleRefImmutable = (next: StoredObject, prev: StoredObject): FieldError[] =>
  JSON.stringify(next.roleRef) !== JSON.stringify(prev.roleRef) ? [invalid('roleRef', { goSyntax: JSON.stringify(next.roleRef) }, 'cannot change roleRef')] : [];

/** Bindings default a User/Group subject's apiGroup to rbac.authorization.k8s.io, as upstream's SetDefaults_Subject does. */
const defaultSubjects = (o: StoredObject): StoredObject => {
  const subjects = o.subjects as Subject[] | undefined;
  if (!subjects) return o;
  return { ...o, subjects: subjects.map((s) => (s.apiGroup === undefined && (s.kind === 'User' || s.kind === 'Group') ? { ...s, apiGroup: RBAC_GROUP } : s)) };
};

const kind = (k: Omit<StoredKindDef, 'group' | 'version'>): StoredKindDef => ({ group: RBAC_GROUP, version: 'v1', ...k });

export const ROLE_KIND = kind({ streamKind: 'role', kind: 'Role', resource: 'roles', namespaced: true, schema: roleSchema('Role'), defaults: (o) => o, validate: (o) => validateRules(o, false) });
export const CLUSTER_ROLE_KIND = kind({
  streamKind: 'clusterrole', kind: 'ClusterRole', resource: 'clusterroles', namespaced: false, schema: roleSchema('ClusterRole'),
  defaults: (o) => o, validate: (o) => validateRules(o, true),
});
export const ROLE_BINDING_KIND = kind({
  streamKind: 'rolebinding', kind: 'RoleBinding', resource: 'rolebindings', namespaced: true, schema: bindingSchema('RoleBinding'),
  defaults: defaultSubjects, validate: (o) => validateBinding(o, false), validateUpdate: roleRefImmutable,
});
export const CLUSTER_ROLE_BINDING_KIND = kind({
  streamKind: 'clusterrolebinding', kind: 'ClusterRoleBinding', resource: 'clusterrolebindings', namespaced: false, schema: bindingSchema('ClusterRoleBinding'),
  defaults: defaultSubjects, validate: (o) => validateBinding(o, true), validateUpdate: roleRefImmutable,
});
