import protobuf from 'protobufjs';
import { fromMessage, lookupType, messageTypeFor, toMessage } from './k8s-proto';
import { decodeObject, encodeObject, encodeWatchFrame, messageDepth, ProtobufDecodeError } from './protobuf';
import { apiGroupList, apiResourceList, apiVersions } from './discovery';
import { goObject } from './go-omitempty';
import { MAX_NESTING_DEPTH } from './nesting';
import { tokenVolume } from '@daemonledger/domain/api/service-account-admission';
import { aDaemonSet, aNode, aPod, aRevision, ago } from './spec-fixtures';

const meta = (name: string, namespace?: string) => ({ name, ...(namespace ? { namespace } : {}), uid: `u-${name}`, resourceVersion: '42', creationTimestamp: ago(10), labels: { app: name } });
const listOf = (apiVersion: string, kind: string, items: object[]) => ({ apiVersion, kind: `${kind}List`, metadata: { resourceVersion: '99', continue: 'abc', remainingItemCount: 0 }, items: items.map((i) => ({ ...i, apiVersion: undefined, kind: undefined })) });
const strip = <T>(o: T): T => JSON.parse(JSON.stringify(o));
const roundTrip = (obj: object) => decodeObject(encodeObject(obj)!, 1000);
/** The object as the Go struct holds it (goObject: a DaemonSet template's containers carry `resources`); a zero time is no field in protobuf. */
const goStruct = <T>(o: T): T => JSON.parse(JSON.stringify(goObject(o)), (k, v) => (k === 'creationTimestamp' && v === null ? undefined : v));

/** One object of every kind the server serves (or will, with the kinds helper): JSON as the server stores it. */
const FIXTURES: Record<string, Record<string, unknown>> = {
  DaemonSet: aDaemonSet({ nodeSelector: { disk: 'ssd' } }) as any,
  Pod: aPod({ deletionTimestamp: ago(1), spec: { nodeName: 'n1', terminationGracePeriodSeconds: 0, volumes: [{ name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } }], containers: [{ name: 'c', image: 'nginx', resources: { limits: { cpu: '500m', memory: '128Mi' } }, readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 5 }, ports: [{ containerPort: 80, hostPort: 8080, protocol: 'TCP' }] }] } as any }) as any,
  Node: aNode({ unschedulable: true }) as any,
  ControllerRevision: aRevision('nginx-ds-5d4b7c9f8', 2, 60) as any,
  ReplicaSet: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta('rs', 'default'), spec: { replicas: 0, selector: { matchLabels: { app: 'rs' } }, template: { metadata: { labels: { app: 'rs' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } }, status: { replicas: 0 } },
  Namespace: { apiVersion: 'v1', kind: 'Namespace', metadata: { ...meta('logging'), deletionTimestamp: ago(1) }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Terminating' } },
  Event: { apiVersion: 'v1', kind: 'Event', metadata: meta('ev.1', 'default'), involvedObject: { kind: 'DaemonSet', namespace: 'default', name: 'nginx-ds', uid: 'u', apiVersion: 'apps/v1' }, reason: 'SuccessfulCreate', message: 'Created pod: x', source: { component: 'daemonset-controller' }, firstTimestamp: ago(5), lastTimestamp: ago(1), count: 2, type: 'Normal', eventTime: '2026-11-22T20:18:36.123456Z', reportingComponent: '', reportingInstance: '' },
  ServiceAccount: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('default', 'default'), automountServiceAccountToken: false, secrets: [{ name: 's' }] },
  ConfigMap: { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('kube-root-ca.crt', 'default'), data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\n' }, binaryData: { blob: Buffer.from([0, 1, 2, 255]).toString('base64') } },
  Secret: { apiVersion: 'v1', kind: 'Secret', metadata: meta('sh.helm.release.v1.x.v1', 'default'), type: 'helm.sh/release.v1', data: { release: Buffer.from('H4sI…').toString('base64') }, immutable: true },
  Service: { apiVersion: 'v1', kind: 'Service', metadata: meta('kubernetes', 'default'), spec: { type: 'ClusterIP', clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }, { name: 'named', port: 80, targetPort: 'http' }], sessionAffinity: 'None' }, status: { loadBalancer: {} } },
  Role: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta('r', 'default'), rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] },
  ClusterRole: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: meta('cr'), rules: [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }], aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] } },
  RoleBinding: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta('rb', 'default'), subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'default' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' } },
  ClusterRoleBinding: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: meta('crb'), subjects: [{ kind: 'User', name: 'admin', apiGroup: 'rbac.authorization.k8s.io' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cr' } },
  Lease: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: meta('node-1', 'kube-node-lease'), spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2026-11-22T20:18:36.123456Z', acquireTime: '2026-11-22T20:00:00.000001Z', leaseTransitions: 2 } },
  SelfSubjectReview: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: {}, status: { userInfo: { username: 'admin', groups: ['system:masters'], extra: { scopes: ['a', 'b'] } } } },
  SelfSubjectAccessReview: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {}, spec: { resourceAttributes: { namespace: 'default', verb: 'delete', group: 'apps', resource: 'daemonsets' } }, status: { allowed: true, reason: 'admin' } },
  SelfSubjectRulesReview: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', metadata: {}, spec: { namespace: 'default' }, status: { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['*'] }], incomplete: false } },
  EventsV1: { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: meta('e', 'default'), eventTime: '2026-11-22T20:18:36.000001Z', reportingController: 'c', reportingInstance: 'i', action: 'Create', reason: 'R', regarding: { kind: 'Pod', name: 'p' }, type: 'Normal' },
  Status: { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: 'DaemonSet.apps "x" is invalid', reason: 'Invalid', details: { name: 'x', group: 'apps', kind: 'DaemonSet', causes: [{ reason: 'FieldValueInvalid', message: 'bad', field: 'spec.selector' }] }, code: 422 },
  DeleteOptions: { apiVersion: 'apps/v1', kind: 'DeleteOptions', propagationPolicy: 'Foreground', gracePeriodSeconds: 0, preconditions: { uid: 'u', resourceVersion: '7' }, dryRun: ['All'] },
};

describe('protobuf bodies from upstream’s generated.proto', () => {
  describe('JSON → protobuf → JSON gives the same object, for every served kind', () => {
    it.each(Object.entries(FIXTURES))('%s', (_name, obj) => {
      const bytes = encodeObject(obj)!;
      expect(bytes.subarray(0, 4).toString('latin1')).toBe('k8s\u0000');
      expect(roundTrip(obj)).toEqual(goStruct(obj));
    });

    it.each([
      ['apps/v1', 'DaemonSet', FIXTURES.DaemonSet],
      ['v1', 'Pod', FIXTURES.Pod],
      ['v1', 'Namespace', FIXTURES.Namespace],
      ['v1', 'Secret', FIXTURES.Secret],
      ['rbac.authorization.k8s.io/v1', 'ClusterRole', FIXTURES.ClusterRole],
      ['coordination.k8s.io/v1', 'Lease', FIXTURES.Lease],
    ])('%s %sList', (apiVersion, kind, item) => {
      const list = listOf(apiVersion, kind, [item, item]);
      expect(roundTrip(list)).toEqual(strip(list));
    });
  });

  it.each([
    ['APIResourceList (verbs are a wrapped string list)', apiResourceList('apps/v1')],
    ['APIGroupList', apiGroupList()],
  ])('legacy discovery: %s', (_what, doc) => {
    expect(roundTrip(doc as object)).toEqual(strip(doc));
  });

  it('a struct whose one field is a list of messages is an object, not a Go named list: the token volume keeps its downwardAPI source', () => {
    const pod = { ...aPod(), spec: { ...aPod().spec, volumes: [tokenVolume('kube-api-access-abcde')] } };
    const back = decodeObject(encodeObject(pod)!, MAX_NESTING_DEPTH) as { spec: { volumes: unknown[] } };
    expect(back.spec.volumes).toEqual([tokenVolume('kube-api-access-abcde')]);
  });

  it('`/api` (APIVersions, which carries no apiVersion) stays JSON', () => {
    expect(encodeObject(apiVersions('127.0.0.1:6443'))).toBeUndefined();
  });

  describe('the types whose JSON is not their message', () => {
    const field = (typeName: string) => lookupType(typeName);
    it('Time is RFC 3339 seconds, MicroTime keeps microseconds; the zero time is left out', () => {
      const time = field('k8s.io.apimachinery.pkg.apis.meta.v1.Time');
      expect(toMessage(time, '2026-11-22T20:18:37Z')).toEqual({ seconds: 1795378717, nanos: 0 });
      expect(fromMessage(time, { seconds: 1795378717 })).toBe('2026-11-22T20:18:37Z');
      expect(fromMessage(time, {})).toBeUndefined();
      const micro = field('k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime');
      expect(toMessage(micro, '2026-11-22T20:18:37.000042Z')).toEqual({ seconds: 1795378717, nanos: 42000 });
      expect(fromMessage(micro, { seconds: 1795378717, nanos: 42000 })).toBe('2026-11-22T20:18:37.000042Z');
      // An answer never fails on a time a lenient write let through: it is left out.
      expect(toMessage(time, 'yesterday')).toBeUndefined();
      expect(roundTrip({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', creationTimestamp: 'yesterday' } })).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } });
    });

    it('IntOrString, Quantity, Duration, RawExtension, FieldsV1, bytes, ExtraValue', () => {
      const ios = field('k8s.io.apimachinery.pkg.util.intstr.IntOrString');
      expect(toMessage(ios, 25)).toEqual({ type: 0, intVal: 25 });
      expect(toMessage(ios, '25%')).toEqual({ type: 1, strVal: '25%' });
      expect(fromMessage(ios, { type: 1, strVal: '10%' })).toBe('10%');
      expect(fromMessage(ios, { type: 0, intVal: 0 })).toBe(0);
      expect(toMessage(field('k8s.io.apimachinery.pkg.api.resource.Quantity'), 2)).toEqual({ string: '2' });
      const duration = field('k8s.io.apimachinery.pkg.apis.meta.v1.Duration');
      expect(toMessage(duration, '1m30s')).toEqual({ duration: 90e9 });
      expect(fromMessage(duration, { duration: 3600e9 })).toBe('1h0m0s');
      const raw = field('k8s.io.apimachinery.pkg.runtime.RawExtension');
      // Go's json.Marshal bytes (sorted keys), as kubectl rollout undo compares them.
      expect(Buffer.from(toMessage(raw, { spec: { b: 1, a: '<' } })!.raw as Buffer).toString()).toBe('{"spec":{"a":"\\u003c","b":1}}');
      expect(fromMessage(raw, { raw: Buffer.from('{"x":[1]}') })).toEqual({ x: [1] });
      const mf = { manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: ago(1), fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {} } } } };
      const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', managedFields: [mf] } };
      expect(roundTrip(cm)).toEqual(cm);
      const ssr = FIXTURES.SelfSubjectReview;
      const bytes = lookupType('k8s.io.api.authentication.v1.SelfSubjectReview').encode(toMessage(lookupType('k8s.io.api.authentication.v1.SelfSubjectReview'), ssr)!).finish();
      expect(bytes.length).toBeGreaterThan(0);
    });

    it('inlined Go structs (a Volume’s source, a Probe’s handler) are flattened in JSON', () => {
      const volume = lookupType('k8s.io.api.core.v1.Volume');
      const msg = toMessage(volume, { name: 'v', hostPath: { path: '/var/log', type: 'Directory' } });
      expect(msg).toEqual({ name: 'v', volumeSource: { hostPath: { path: '/var/log', type: 'Directory' } } });
      expect(fromMessage(volume, msg!)).toEqual({ name: 'v', hostPath: { path: '/var/log', type: 'Directory' } });
    });

    it('decoding mirrors Go: zero scalars are left out unless the field is a pointer or has no omitempty', () => {
      const spec = lookupType('k8s.io.api.apps.v1.DaemonSetSpec');
      // minReadySeconds (int32, omitempty) → out; revisionHistoryLimit (*int32) → 0 kept.
      expect(fromMessage(spec, { minReadySeconds: 0, revisionHistoryLimit: 0 })).toEqual({ revisionHistoryLimit: 0 });
      const status = lookupType('k8s.io.api.apps.v1.DaemonSetStatus');
      // numberReady has no omitempty: Go's JSON writes its 0.
      expect(fromMessage(status, { numberReady: 0, numberUnavailable: 0 })).toEqual({ numberReady: 0 });
    });
  });

  describe('kinds map to messages generically', () => {
    it.each([
      ['apps/v1', 'DaemonSet', 'k8s.io.api.apps.v1.DaemonSet'],
      ['v1', 'ConfigMapList', 'k8s.io.api.core.v1.ConfigMapList'],
      ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'k8s.io.api.rbac.v1.RoleBinding'],
      ['authorization.k8s.io/v1', 'SelfSubjectAccessReview', 'k8s.io.api.authorization.v1.SelfSubjectAccessReview'],
      ['events.k8s.io/v1', 'Event', 'k8s.io.api.events.v1.Event'],
      ['v1', 'Status', 'k8s.io.apimachinery.pkg.apis.meta.v1.Status'],
      ['apps/v1', 'DeleteOptions', 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions'],
      ['v1', 'APIResourceList', 'k8s.io.apimachinery.pkg.apis.meta.v1.APIResourceList'],
    ])('%s %s → %s', (apiVersion, kind, name) => {
      expect(messageTypeFor(apiVersion, kind)?.fullName).toBe(`.${name}`);
    });

    it('kinds without an upstream schema have no protobuf form', () => {
      expect(messageTypeFor('ledger.daemonledger.io/v1', 'Rollout')).toBeUndefined();
      expect(encodeObject({ apiVersion: 'ledger.daemonledger.io/v1', kind: 'Status' })).toBeUndefined();
      expect(encodeObject({ major: '1' })).toBeUndefined();
    });
  });

  describe('bad bodies are refused with a reason, never a crash', () => {
    const good = encodeObject(FIXTURES.DaemonSet)!;
    it.each([
      ['JSON', Buffer.from('{"kind":"DaemonSet"}'), /expected prefix \[107 56 115 0\]/],
      ['the prefix alone', Buffer.from('k8s\u0000', 'latin1'), /empty body/],
      ['a truncated message', good.subarray(0, good.length - 9), /index out of range|invalid/],
      ['garbage after the prefix', Buffer.concat([good.subarray(0, 4), Buffer.from([0x0f, 0xff, 0xff, 0xff])]), /unable to decode|invalid|out of range/],
      ['an unknown kind', encodeObject({ apiVersion: 'v1', kind: 'Status' })!.toString('latin1').replace('Status', 'Statu$'), /no kind "Statu\$" is registered for version "v1"/],
    ])('%s', (_what, body, message) => {
      const bytes = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
      expect(() => decodeObject(bytes, 1000)).toThrow(ProtobufDecodeError);
      expect(() => decodeObject(bytes, 1000)).toThrow(message);
    });

    it('nesting is measured without recursion and refused past the limit', () => {
      const pod = lookupType('k8s.io.api.core.v1.Pod');
      const bytes = pod.encode(pod.fromObject(toMessage(pod, FIXTURES.Pod)!)).finish();
      // Pod → spec → containers → readinessProbe → handler → httpGet → port (an IntOrString): 7 messages deep.
      expect(messageDepth(pod, bytes, 1000)).toBe(7);
      expect(messageDepth(pod, bytes, 3)).toBe(4);
      expect(() => decodeObject(encodeObject(FIXTURES.Pod)!, 6)).toThrow(/exceeded max depth of 6/);
      // Raw JSON inside a RawExtension is measured against the server's limit (MAX_NESTING_DEPTH) too.
      const deep = (n: number) => JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`);
      expect(() => decodeObject(encodeObject({ ...FIXTURES.ControllerRevision, data: deep(MAX_NESTING_DEPTH + 1) })!, 1000)).toThrow(/exceeded max depth of 1000/);
      expect(decodeObject(encodeObject({ ...FIXTURES.ControllerRevision, data: deep(MAX_NESTING_DEPTH) })!, 1000).data).toHaveLength(1);
    });
  });

  it('a watch frame is a 4-byte big-endian length and a WatchEvent holding the enveloped object', () => {
    const frame = encodeWatchFrame('MODIFIED', FIXTURES.DaemonSet)!;
    expect(frame.readUInt32BE(0)).toBe(frame.length - 4);
    const watchEvent = lookupType('k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent');
    const event = watchEvent.toObject(watchEvent.decode(protobuf.Reader.create(frame.subarray(4)))) as { type: string; object: { raw: Uint8Array } };
    expect(event.type).toBe('MODIFIED');
    expect(decodeObject(Buffer.from(event.object.raw), 1000)).toEqual(goStruct(FIXTURES.DaemonSet));
  });
});
