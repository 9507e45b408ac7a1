import { wireJson, wireJsonList } from '../http/wire-json';
import { goShaped, omitEmpty } from './go-omitempty';

/**
 * One table per kind: each row is a field of upstream's Go struct, with the
 * value a zero-valued field has here, and whether kube-apiserver prints it
 * (`omitempty` or not, on a value or a pointer). The object goes through
 * the wire's JSON writer, as GET, list and watch answers do.
 */
type Row = [path: string, zero: unknown, printed: boolean];

const setPath = (obj: Record<string, unknown>, path: string, value: unknown) => {
  const keys = path.split('.');
  let at = obj;
  for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
  at[keys[keys.length - 1]] = value;
};
const hasPath = (obj: unknown, path: string): boolean => {
  let at = obj as Record<string, unknown> | undefined;
  for (const k of path.split('.')) {
    if (!at || typeof at !== 'object' || !(k in at)) return false;
    at = at[k] as Record<string, unknown>;
  }
  return true;
};

const onTheWire = (kind: string, apiVersion: string, rows: Row[]) => {
  const obj: Record<string, unknown> = { apiVersion, kind, metadata: { name: 'x', namespace: 'default' } };
  for (const [path, zero] of rows) setPath(obj, path, zero);
  return JSON.parse(wireJson(obj)) as Record<string, unknown>;
};

const tables: [kind: string, apiVersion: string, rows: Row[]][] = [
  [
    'DaemonSet',
    'apps/v1',
    [
      ['status.currentNumberScheduled', 0, true],
      ['status.numberMisscheduled', 0, true],
      ['status.desiredNumberScheduled', 0, true],
      ['status.numberReady', 0, true],
      ['status.observedGeneration', 0, false],
      ['status.updatedNumberScheduled', 0, false],
      ['status.numberAvailable', 0, false],
      ['status.numberUnavailable', 0, false],
      ['status.collisionCount', 0, true],
      ['status.conditions', [], false],
      ['spec.minReadySeconds', 0, false],
      ['spec.revisionHistoryLimit', 0, true],
      ['spec.updateStrategy.rollingUpdate.maxSurge', 0, true],
      ['spec.updateStrategy.rollingUpdate.maxUnavailable', 0, true],
      ['metadata.generation', 0, false],
      ['metadata.labels', {}, false],
    ],
  ],
  [
    'Node',
    'v1',
    [
      ['spec.unschedulable', false, false],
      ['spec.taints', [], false],
      ['spec.podCIDR', '', false],
      ['status.images', [], false],
      ['status.volumesInUse', [], false],
      ['status.nodeInfo.bootID', '', true],
      ['status.nodeInfo.machineID', '', true],
      ['status.daemonEndpoints.kubeletEndpoint.Port', 0, true],
    ],
  ],
  [
    'Pod',
    'v1',
    [
      ['status.nominatedNodeName', '', false],
      ['status.message', '', false],
      ['status.reason', '', false],
      ['status.podIP', '', false],
      ['status.podIPs', [], false],
      ['status.containerStatuses', [], false],
      ['status.phase', 'Pending', true],
    ],
  ],
  [
    'Event',
    'v1',
    [
      ['count', 0, false],
      ['reportingComponent', '', true],
      ['reportingInstance', '', true],
      ['eventTime', null, true],
      ['action', '', false],
      ['source.host', '', false],
      ['involvedObject.fieldPath', '', false],
      ['involvedObject.kind', 'Pod', true],
    ],
  ],
  [
    'Service',
    'v1',
    [
      ['spec.selector', {}, false],
      ['spec.externalIPs', [], false],
      ['spec.publishNotReadyAddresses', false, false],
      ['spec.healthCheckNodePort', 0, false],
      ['spec.allocateLoadBalancerNodePorts', false, true],
      ['spec.internalTrafficPolicy', 'Cluster', true],
      ['status.loadBalancer', {}, true],
    ],
  ],
  ['ConfigMap', 'v1', [['data', {}, false], ['binaryData', {}, false], ['immutable', false, true]]],
  ['Secret', 'v1', [['data', {}, false], ['type', '', false], ['immutable', false, true]]],
  ['ServiceAccount', 'v1', [['secrets', [], false], ['automountServiceAccountToken', false, true]]],
  ['Namespace', 'v1', [['spec.finalizers', [], false], ['status.phase', '', false]]],
  ['PriorityClass', 'scheduling.k8s.io/v1', [['value', 0, true], ['globalDefault', false, false], ['description', '', false]]],
  ['Lease', 'coordination.k8s.io/v1', [['spec.leaseTransitions', 0, true], ['spec.holderIdentity', null, false], ['spec.renewTime', null, false]]],
  [
    'ControllerRevision',
    'apps/v1',
    [
      ['revision', 0, true],
      ['metadata.annotations', {}, false],
    ],
  ],
];

describe.each(tables)('%s: zero-valued fields are printed exactly where Go prints them', (kind, apiVersion, rows) => {
  const wire = onTheWire(kind, apiVersion, rows);
  it.each(rows)('%s = %j printed: %s', (path, _zero, printed) => expect(hasPath(wire, path)).toBe(printed));
});

describe('the fields Go prints whatever their value', () => {
  it('a DaemonSet status of a finished rollout prints no numberUnavailable: 0 (kubectl get ds -o yaml)', () => {
    const ds = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'nginx-ds' },
      spec: { template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
      status: { currentNumberScheduled: 2, numberMisscheduled: 0, desiredNumberScheduled: 2, numberReady: 2, observedGeneration: 1, updatedNumberScheduled: 2, numberAvailable: 2, numberUnavailable: 0 },
    };
    const wire = JSON.parse(wireJson(ds));
    expect(Object.keys(wire.status).sort()).toEqual(['currentNumberScheduled', 'desiredNumberScheduled', 'numberAvailable', 'numberMisscheduled', 'numberReady', 'observedGeneration', 'updatedNumberScheduled']);
    // PodTemplateSpec as Go marshals it: creationTimestamp null, resources {} on each container.
    expect(wire.spec.template.metadata.creationTimestamp).toBeNull();
    expect(wire.spec.template.spec.containers[0].resources).toEqual({});
    // The stored object is not touched.
    expect(ds.status.numberUnavailable).toBe(0);
  });

  it('list items are shaped as single objects are', () => {
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, spec: { unschedulable: false } };
    expect(JSON.parse(wireJsonList({ apiVersion: 'v1', kind: 'NodeList', metadata: {} }, [node])).items[0].spec).toEqual({});
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: {} }, data: {} };
    expect(JSON.parse(wireJsonList({ apiVersion: 'v1', kind: 'ConfigMapList', metadata: {} }, [cm])).items[0]).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
  });

  it('a struct is never dropped, even empty; an object of another kind is left alone', () => {
    expect(omitEmpty({ status: {} }, { status: { phase: true } })).toEqual({ status: {} });
    const other = { apiVersion: 'v1', kind: 'Unknown', metadata: { name: 'x', labels: {} } };
    expect(goShaped(other)).toBe(other);
  });

  it('nothing to drop: the same object comes back (no copy)', () => {
    const ds = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'x' }, status: { numberReady: 0 } };
    expect(goShaped(ds)).toBe(ds);
  });
});
