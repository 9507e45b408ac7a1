import { refused } from '../../test/refused';
import { CONFIG_MAP_KIND, NAMESPACE_KIND, SECRET_KIND } from './core-kinds';
import type { StoredKindDef, StoredObject } from './kind-def';
import { CLUSTER_ROLE_BINDING_KIND, ROLE_BINDING_KIND, ROLE_KIND } from './rbac';
import { admitStoredCreate, admitStoredUpdate, decodeStored } from './registry';
import { SERVICE_KIND } from './service';

const obj = (kind: StoredKindDef, rest: Record<string, unknown>, name = 'x', namespace: string | undefined = 'ci'): StoredObject => ({
  apiVersion: kind.group ? `${kind.group}/v1` : 'v1',
  kind: kind.kind,
  metadata: { name, ...(kind.namespaced ? { namespace } : {}) },
  ...rest,
});

describe('admission of the stored kinds', () => {
  it('a namespace gets its name label, the kubernetes finalizer and phase Active; its name is a DNS label', () => {
    expect(admitStoredCreate(NAMESPACE_KIND, obj(NAMESPACE_KIND, {}, 'logging', undefined))).toMatchObject({
      metadata: { labels: { 'kubernetes.io/metadata.name': 'logging' } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
    const e = refused(() => admitStoredCreate(NAMESPACE_KIND, obj(NAMESPACE_KIND, {}, 'a.b', undefined)));
    expect(e.message).toMatch(/^Namespace "a.b" is invalid: metadata.name: Invalid value: "a.b": must not contain dots$/);
  });

  it('an update keeps a namespace\'s phase and finalizers whatever the request says', () => {
    const current = { ...admitStoredCreate(NAMESPACE_KIND, obj(NAMESPACE_KIND, {}, 'logging', undefined)), metadata: { name: 'logging', uid: 'u', creationTimestamp: 'T', labels: { 'kubernetes.io/metadata.name': 'logging' } } };
    const next = admitStoredUpdate(NAMESPACE_KIND, { ...current, metadata: { name: 'logging', labels: { team: 'a' } }, status: { phase: 'Terminating' }, spec: { finalizers: [] } }, current);
    expect(next).toMatchObject({ metadata: { uid: 'u', labels: { team: 'a', 'kubernetes.io/metadata.name': 'logging' } }, status: { phase: 'Active' }, spec: { finalizers: ['kubernetes'] } });
  });

  it('a Secret: stringData merged into data (its values win, base64), type Opaque by default, never stored as stringData', () => {
    const s = admitStoredCreate(SECRET_KIND, obj(SECRET_KIND, { data: { a: 'eA==', b: 'eQ==' }, stringData: { b: 'héllo' } }));
    expect(s).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x', namespace: 'ci' }, type: 'Opaque', data: { a: 'eA==', b: Buffer.from('héllo').toString('base64') } });
  });

  it('a Secret\'s type may not change, and built-in types need their keys', () => {
    const current = admitStoredCreate(SECRET_KIND, obj(SECRET_KIND, { type: 'helm.sh/release.v1', stringData: { release: 'r' } }));
    expect(refused(() => admitStoredUpdate(SECRET_KIND, { ...current, type: 'Opaque' }, current)).message).toContain('type: Invalid value: "Opaque": field is immutable');
    expect(refused(() => admitStoredCreate(SECRET_KIND, obj(SECRET_KIND, { type: 'kubernetes.io/tls', stringData: { 'tls.crt': 'c' } }))).message).toContain('data[tls.key]: Required value');
  });

  it('bad base64 in a Secret\'s data is refused when decoded (400)', () => {
    const e = refused(() => decodeStored(SECRET_KIND, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' }, data: { a: '%%%' } }, 'Strict'));
    expect(e.code).toBe('BadRequest');
    expect(e.message).toContain('illegal base64 data');
  });

  it('unknown fields follow fieldValidation: Strict refuses, Warn warns', () => {
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: {}, color: 'blue' };
    expect(refused(() => decodeStored(CONFIG_MAP_KIND, body, 'Strict')).message).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "color"');
    expect(decodeStored(CONFIG_MAP_KIND, body, 'Warn').warnings).toEqual(['unknown field "color"']);
    expect(refused(() => decodeStored(CONFIG_MAP_KIND, { ...body, kind: 'Secret' }, 'Warn')).message).toBe('the kind in the data (Secret) does not match the expected kind (ConfigMap)');
  });

  it('ConfigMap keys are config keys, and a key may not be in data and binaryData', () => {
    const e = refused(() => admitStoredCreate(CONFIG_MAP_KIND, obj(CONFIG_MAP_KIND, { data: { 'a b': '1', k: '2' }, binaryData: { k: 'eA==' } })));
    expect(e.details?.causes?.map((c) => c.field)).toEqual(['data[a b]', 'data']);
  });

  it('an immutable ConfigMap keeps its data', () => {
    const current = admitStoredCreate(CONFIG_MAP_KIND, obj(CONFIG_MAP_KIND, { immutable: true, data: { a: '1' } }));
    expect(refused(() => admitStoredUpdate(CONFIG_MAP_KIND, { ...current, data: { a: '2' } }, current)).message).toContain('data: Forbidden: field is immutable when `immutable` is set');
  });

  it('a Service needs ports, names for several, and valid port numbers and protocols', () => {
    expect(refused(() => admitStoredCreate(SERVICE_KIND, obj(SERVICE_KIND, { spec: {} }))).message).toContain('spec.ports: Required value');
    const e = refused(() => admitStoredCreate(SERVICE_KIND, obj(SERVICE_KIND, { spec: { ports: [{ port: 80 }, { port: 70000, protocol: 'HTTP' }] } })));
    expect(e.details?.causes?.map((c) => c.field)).toEqual(['spec.ports[0].name', 'spec.ports[1].name', 'spec.ports[1].port', 'spec.ports[1].protocol', 'spec.ports[1].targetPort']);
    expect(admitStoredCreate(SERVICE_KIND, obj(SERVICE_KIND, { spec: { clusterIP: 'None' } }))).toMatchObject({ spec: { clusterIP: 'None', type: 'ClusterIP' } });
  });

  it('a Service gets upstream\'s defaults; an update keeps its allocated ClusterIP and may not change it', () => {
    const s = admitStoredCreate(SERVICE_KIND, obj(SERVICE_KIND, { spec: { ports: [{ port: 80 }] } }));
    expect(s).toMatchObject({ spec: { type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] } });
    const current = { ...s, metadata: { ...s.metadata, uid: 'u' }, spec: { ...(s.spec as object), clusterIP: '10.96.1.0', clusterIPs: ['10.96.1.0'] } };
    expect(admitStoredUpdate(SERVICE_KIND, { ...s, spec: { ports: [{ port: 81 }] } }, current)).toMatchObject({ spec: { clusterIP: '10.96.1.0', ports: [{ port: 81 }] } });
    expect(refused(() => admitStoredUpdate(SERVICE_KIND, { ...s, spec: { ports: [{ port: 81 }], clusterIP: '10.96.2.2' } }, current)).message).toContain('spec.clusterIPs[0]: Invalid value: "10.96.2.2": may not change once set');
  });

  it('RBAC: rules need verbs, groups and resources; bindings a valid roleRef, which may not change', () => {
    expect(refused(() => admitStoredCreate(ROLE_KIND, obj(ROLE_KIND, { rules: [{ verbs: [] }] }))).details?.causes?.map((c) => c.field)).toEqual([
      'rules[0].verbs',
      'rules[0].apiGroups',
      'rules[0].resources',
    ]);
    const roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' };
    expect(refused(() => admitStoredCreate(CLUSTER_ROLE_BINDING_KIND, obj(CLUSTER_ROLE_BINDING_KIND, { roleRef }, 'b', undefined))).message).toContain('roleRef.kind: Unsupported value: "Role"');
    const b = admitStoredCreate(ROLE_BINDING_KIND, obj(ROLE_BINDING_KIND, { roleRef, subjects: [{ kind: 'User', name: 'jane' }] }));
    expect(b.subjects).toEqual([{ kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' }]);
    expect(refused(() => admitStoredUpdate(ROLE_BINDING_KIND, { ...b, roleRef: { ...roleRef, name: 'other' } }, b)).message).toContain('roleRef: Invalid value');
  });
});
