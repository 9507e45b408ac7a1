/**
 * core/v1 Namespaces, ServiceAccounts, ConfigMaps and Secrets as stored kinds:
 * schemas, defaults and the validation of upstream's registry strategies
 * (pkg/apis/core/validation), the rules that matter for what is stored here.
 */
import { z } from 'zod';
import { type FieldError, forbidden, invalid, required, tooLong } from '../api/field-errors';
import { objectMetaSchema } from '../api/schemas/meta';
import { bool, str, strict, stringMap, strings } from '../api/schemas/primitives';
import { nameIsDnsLabel } from '../api/validation/names';
import { base64Bytes, base64OfUtf8, dataBytes, isBase64, MAX_DATA_BYTES, type StoredKindDef, type StoredObject, validateConfigKeys } from './kind-def';

const meta = objectMetaSchema.default({});

const objectReference = strict('v1.ObjectReference', {
  kind: str().optional(),
  namespace: str().optional(),
  name: str().optional(),
  uid: str().optional(),
  apiVersion: str().optional(),
  resourceVersion: str().optional(),
  fieldPath: str().optional(),
});
const localObjectReference = strict('v1.LocalObjectReference', { name: str().optional() });

// ── Namespace ───────────────────────────────────────────────────────────────
export const NAMESPACE_FINALIZER = 'kubernetes';
/** The label upstream's namespace strategy sets on every namespace. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

const namespaceSchema = strict('v1.Namespace', {
  apiVersion: z.literal('v1'),
  kind: z.literal('Namespace'),
  metadata: meta,
  spec: strict('v1.NamespaceSpec', { finalizers: strings().optional() }).optional(),
  status: strict('v1.NamespaceStatus', { phase: str().optional(), conditions: z.array(z.record(z.string(), z.unknown())).optional() }).optional(),
});

export const NAMESPACE_KIND: StoredKindDef = {
  streamKind: 'namespace',
  group: '',
  version: 'v1',
  kind: 'Namespace',
  resource: 'namespaces',
  namespaced: false,
  schema: namespaceSchema,
  nameFn: nameIsDnsLabel,
  terminates: true,
  defaults: (o) => ({
    ...o,
    metadata: { ...o.metadata, labels: { ...o.metadata.labels, [NAMESPACE_NAME_LABEL]: o.metadata.name ?? '' } },
    spec: { finalizers: [NAMESPACE_FINALIZER] },
    status: { phase: 'Active' },
  }),
  validate: () => [],
  // A namespace's finalizers and phase are the lifecycle's, not the request's (upstream's strategy keeps them too).
  keepOnUpdate: (next, prev) => ({ ...next, spec: prev.spec, status: prev.status }),
  selectableFields: (o) => ({ 'status.phase': ((o.status as { phase?: string } | undefined)?.phase ?? '') }),
};

// ── ServiceAccount ──────────────────────────────────────────────────────────
const serviceAccountSchema = strict('v1.ServiceAccount', {
  apiVersion: z.literal('v1'),
  kind: z.literal('ServiceAccount'),
  metadata: meta,
  secrets: z.array(objectReference, { error: '[]v1.ObjectReference' }).optional(),
  imagePullSecrets: z.array(localObjectReference, { error: '[]v1.LocalObjectReference' }).optional(),
  automountServiceAccountToken: bool().optional(),
});

export const SERVICE_ACCOUNT_KIND: StoredKindDef = {
  streamKind: 'serviceaccount',
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  resource: 'serviceaccounts',
  namespaced: true,
  schema: serviceAccountSchema,
  defaults: (o) => o,
  validate: () => [],
};

// ── ConfigMap ───────────────────────────────────────────────────────────────
const configMapSchema = strict('v1.ConfigMap', {
  apiVersion: z.literal('v1'),
  kind: z.literal('ConfigMap'),
  metadata: meta,
  immutable: bool().optional(),
  data: stringMap().optional(),
  binaryData: stringMap().optional(),
});

type DataObject = StoredObject & { data?: Record<string, string>; binaryData?: Record<string, string>; immutable?: boolean };

const sizeError = (path: string, bytes: number): FieldError[] => (bytes > MAX_DATA_BYTES ? [tooLong(path, MAX_DATA_BYTES)] : []);

/** An immutable ConfigMap or Secret keeps its data and may not become mutable again (upstream's update validation). */
const immutableData = (next: DataObject, prev: DataObject, fields: ('data' | 'binaryData')[]): FieldError[] => {
  if (!prev.immutable) return [];
  const errs: FieldError[] = [];
  if (!next.immutable) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const f of fields) {
    if (JSON.stringify(next[f] ?? {}) !== JSON.stringify(prev[f] ?? {})) errs.push(forbidden(f, 'field is immutable when `immutable` is set'));
  }
  return errs;
};

export const CONFIG_MAP_KIND: StoredKindDef = {
  streamKind: 'configmap',
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  resource: 'configmaps',
  namespaced: true,
  schema: configMapSchema,
  defaults: (o) => o,
  validate: (o) => {
    const cm = o as DataObject;
    const errs = [...validateConfigKeys(cm.data, 'data'), ...validateConfigKeys(cm.binaryData, 'binaryData')];
    for (const k of Object.keys(cm.binaryData ?? {})) {
      if (cm.data && k in cm.data) errs.push(invalid('data', k, 'duplicate of key present in binaryData'));
      if (!isBase64(cm.binaryData![k])) errs.push(invalid(`binaryData[${k}]`, '', 'must be base64-encoded'));
    }
    return [...errs, ...sizeError('', dataBytes(cm.data) + Object.values(cm.binaryData ?? {}).reduce((n, v) => n + base64Bytes(v), 0))];
  },
  validateUpdate: (next, prev) => immutableData(next as DataObject, prev as DataObject, ['data', 'binaryData']),
};

// ── Secret ──────────────────────────────────────────────────────────────────
export const SECRET_TYPE_OPAQUE = 'Opaque';

const base64Value = () => str().refine(isBase64, { error: 'illegal base64 data' });
const secretSchema = strict('v1.Secret', {
  apiVersion: z.literal('v1'),
  kind: z.literal('Secret'),
  metadata: meta,
  immutable: bool().optional(),
  data: z.record(z.string(), base64Value(), { error: 'map[string][]uint8' }).optional(),
  stringData: stringMap().optional(),
  type: str().optional(),
});

/** Keys each built-in Secret type must carry (upstream's ValidateSecret). */
const REQUIRED_KEYS: Record<string, string[]> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
};

export const SECRET_KIND: StoredKindDef = {
  streamKind: 'secret',
  group: '',
  version: 'v1',
  kind: 'Secret',
  resource: 'secrets',
  namespaced: true,
  schema: secretSchema,
  // stringData is write-only: merged into data (its values win) at admission, never stored.
  defaults: (o) => {
    const { stringData, ...rest } = o as DataObject & { stringData?: Record<string, string>; type?: string };
    const data = { ...(rest.data ?? {}) };
    for (const [k, v] of Object.entries(stringData ?? {})) data[k] = base64OfUtf8(v);
    return { ...rest, type: rest.type || SECRET_TYPE_OPAQUE, ...(Object.keys(data).length || rest.data ? { data } : {}) };
  },
  validate: (o) => {
    const s = o as DataObject & { type?: string };
    const errs = [...validateConfigKeys(s.data, 'data')];
    for (const key of REQUIRED_KEYS[s.type ?? ''] ?? []) if (!(s.data && key in s.data)) errs.push(required(`data[${key}]`));
    if (s.type === 'kubernetes.io/basic-auth' && !(s.data && ('username' in s.data || 'password' in s.data))) {
      errs.push(required('data[username]', 'either data[username] or data[password] is required'));
    }
    const bytes = Object.entries(s.data ?? {}).reduce((n, [k, v]) => n + k.length + base64Bytes(v), 0);
    return [...errs, ...sizeError('data', bytes)];
  },
  validateUpdate: (next, prev) => {
    const errs = immutableData(next as DataObject, prev as DataObject, ['data']);
    const t = (o: StoredObject) => (o as { type?: string }).type ?? '';
    if (t(next) !== t(prev)) errs.push(invalid('type', t(next), 'field is immutable'));
    return errs;
  },
  selectableFields: (o) => ({ type: (o as { type?: string }).type ?? '' }),
};
