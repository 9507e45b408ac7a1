import { aDaemonSet } from '../../../test/a-daemon-set';
import { defaultDaemonSet, defaultPodSpec } from '../defaults';
import type { ControllerRevision, Node, PodSpec, Taint, Toleration } from '../types';
import { validateControllerRevision, validateControllerRevisionUpdate } from './controller-revision';
import { validateObjectMeta } from './meta';
import { isQualifiedName } from './names';
import { validateNode, validateNodeUpdate } from './node';
import { validatePodSpec, validateTolerations } from './pod-spec';

const brief = (errs: { type: string; field: string; detail: string }[]) => errs.map((e) => [e.type, e.field, e.detail]);

describe('tolerations', () => {
  it.each<[string, Toleration, [string, string, string][]]>([
    ['effect typo', { key: 'k', effect: 'NoScheduler' }, [['FieldValueNotSupported', 't[0].effect', 'supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"']]],
    ['empty key needs Exists', { operator: 'Equal', value: 'v' }, [['FieldValueInvalid', 't[0].operator', 'operator must be Exists when `key` is empty, which means "match all values and all keys"']]],
    ['empty key + Exists tolerates everything', { operator: 'Exists' }, []],
    ['Exists with a value', { key: 'k', operator: 'Exists', value: 'v' }, [['FieldValueInvalid', 't[0].operator', "value must be empty when `operator` is 'Exists'"]]],
    ['unknown operator', { key: 'k', operator: 'Gt', value: '1' }, [['FieldValueNotSupported', 't[0].operator', 'supported values: "Equal", "Exists"']]],
    ['tolerationSeconds needs NoExecute', { key: 'k', effect: 'NoSchedule', tolerationSeconds: 5 }, [['FieldValueInvalid', 't[0].effect', "effect must be 'NoExecute' when `tolerationSeconds` is set"]]],
    ['bad key', { key: 'a b', operator: 'Exists' }, [['FieldValueInvalid', 't[0].key', "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"]]],
  ])('%s', (_n, t, expected) => {
    expect(brief(validateTolerations([t], 't'))).toEqual(expected);
  });
});

describe('pod spec rules', () => {
  const check = (spec: Partial<PodSpec>) => brief(validatePodSpec(defaultPodSpec({ containers: [{ name: 'c', image: 'i' }], ...spec }), 'spec'));

  it.each<[string, Partial<PodSpec>, [string, string, string][]]>([
    ['no containers', { containers: [] }, [['FieldValueRequired', 'spec.containers', '']]],
    ['image required', { containers: [{ name: 'c' }] }, [['FieldValueRequired', 'spec.containers[0].image', '']]],
    ['container names unique', { containers: [{ name: 'c', image: 'i' }, { name: 'c', image: 'i' }] }, [['FieldValueDuplicate', 'spec.containers[1].name', '']]],
    [
      'container name is a DNS-1123 label',
      { containers: [{ name: 'My_C', image: 'i' }] },
      [['FieldValueInvalid', 'spec.containers[0].name', "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]],
    ],
    ['port range', { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 70000, hostPort: -1 }] }] }, [
      ['FieldValueInvalid', 'spec.containers[0].ports[0].containerPort', 'must be between 1 and 65535, inclusive'],
      ['FieldValueInvalid', 'spec.containers[0].ports[0].hostPort', 'must be between 1 and 65535, inclusive'],
    ]],
    ['containerPort required', { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 0 }] }] }, [['FieldValueRequired', 'spec.containers[0].ports[0].containerPort', '']]],
    ['port protocol', { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80, protocol: 'HTTP' }] }] }, [['FieldValueNotSupported', 'spec.containers[0].ports[0].protocol', 'supported values: "SCTP", "TCP", "UDP"']]],
    ['request above limit', { containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: '500m' }, requests: { cpu: '1' } } }] }, [['FieldValueInvalid', 'spec.containers[0].resources.requests', 'must be less than or equal to cpu limit of 500m']]],
    ['volume mount must name a volume', { containers: [{ name: 'c', image: 'i', volumeMounts: [{ name: 'nope', mountPath: '/x' }] }] }, [['FieldValueNotFound', 'spec.containers[0].volumeMounts[0].name', '']]],
    ['two volume sources', { volumes: [{ name: 'v', emptyDir: {}, hostPath: { path: '/x' } }] }, [['FieldValueForbidden', 'spec.volumes[0].hostPath', 'may not specify more than 1 volume type']]],
    ['dnsPolicy', { dnsPolicy: 'Cluster' }, [['FieldValueNotSupported', 'spec.dnsPolicy', 'supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"']]],
    ['node affinity needs a term', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } }, [
      ['FieldValueRequired', 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms', 'must have at least one node selector term'],
    ]],
    ['hostNetwork hostPort must equal containerPort', { hostNetwork: true, containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80, hostPort: 81 }] }] }, [
      ['FieldValueInvalid', 'spec.containers[0].ports[0].hostPort', 'must match `containerPort` when `hostNetwork` is true'],
    ]],
    ['a fully qualified extended resource is fine', { containers: [{ name: 'c', image: 'i', resources: { limits: { 'example.com/gpu': '1' }, requests: { 'example.com/gpu': '1' } } }] }, []],
  ])('%s', (_n, spec, expected) => {
    expect(check(spec)).toEqual(expected);
  });

  it('a template with a non-standard resource name gets both upstream causes', () => {
    const ds = defaultDaemonSet(aDaemonSet({ spec: { template: { spec: { containers: [{ name: 'c', image: 'i', resources: { requests: { memrory: '200Mi' } } }] } } } }));
    expect(brief(validatePodSpec(ds.spec.template.spec, 'spec.template.spec')).map((e) => e[2])).toEqual([
      'must be a standard resource type or fully qualified',
      'must be a standard resource for containers',
    ]);
  });
});

describe('object names and labels', () => {
  it.each([
    ['ok', []],
    ['a/b', []],
    ['example.com/My_Name.1', []],
    ['/b', ['prefix part must be non-empty']],
    ['a/b/c', ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]],
    ['x'.repeat(64), ['name part must be no more than 63 characters']],
  ])('qualified name %j', (key, errs) => {
    expect(isQualifiedName(key)).toEqual(errs);
  });

  it('annotations over 256 KiB are TooLong', () => {
    const errs = validateObjectMeta({ name: 'a', namespace: 'd', annotations: { big: 'x'.repeat(262144) } }, { requiresNamespace: true });
    expect(brief(errs)).toEqual([['FieldValueTooLong', 'metadata.annotations', 'may not be more than 262144 bytes']]);
  });

  it('a name longer than 253 characters', () => {
    expect(brief(validateObjectMeta({ name: 'a'.repeat(254), namespace: 'd' }, { requiresNamespace: true }))[0]).toEqual(['FieldValueInvalid', 'metadata.name', 'must be no more than 253 characters']);
  });
});

describe('Node validation', () => {
  const node = (spec: Node['spec'], name = 'node-0'): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec });

  it.each<[string, Node, [string, string, string][]]>([
    ['valid', node({ podCIDR: '10.0.0.0/24', taints: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }] }), []],
    ['bad taint effect', node({ taints: [{ key: 'k', effect: 'NoScheduler' }] }), [['FieldValueNotSupported', 'spec.taints[0].effect', 'supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"']]],
    ['taint effect required', node({ taints: [{ key: 'k', effect: '' }] }), [['FieldValueRequired', 'spec.taints[0].effect', '']]],
    ['duplicate taint', node({ taints: [{ key: 'k', effect: 'NoSchedule' }, { key: 'k', value: 'other', effect: 'NoSchedule' }] as Taint[] }), [['FieldValueDuplicate', 'spec.taints[1]', 'taints must be unique by key and effect pair']]],
    ['bad podCIDR', node({ podCIDR: '10.0.0.0' }), [['FieldValueInvalid', 'spec.podCIDR', 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']]],
    ['namespace is forbidden', { ...node({}), metadata: { name: 'n', namespace: 'default' } }, [['FieldValueForbidden', 'metadata.namespace', 'not allowed on this type']]],
  ])('%s', (_n, n, expected) => {
    expect(brief(validateNode(n))).toEqual(expected);
  });

  it('podCIDR may be set once but not changed', () => {
    expect(validateNodeUpdate(node({ podCIDR: '10.0.1.0/24' }), node({}))).toEqual([]);
    expect(brief(validateNodeUpdate(node({ podCIDR: '10.0.1.0/24' }), node({ podCIDR: '10.0.0.0/24' })))).toEqual([
      ['FieldValueForbidden', 'spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'],
    ]);
  });
});

describe('ControllerRevision validation', () => {
  const cr = (data: unknown, revision = 1): ControllerRevision => ({ apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'foo-5b8d', namespace: 'default' }, data, revision });

  it('data is mandatory and revision non-negative', () => {
    expect(brief(validateControllerRevision(cr(undefined, -1)))).toEqual([
      ['FieldValueRequired', 'data', 'data is mandatory'],
      ['FieldValueInvalid', 'revision', 'must be greater than or equal to 0'],
    ]);
  });

  it('data is immutable on update, revision may change', () => {
    expect(validateControllerRevisionUpdate(cr({ a: 1 }, 3), cr({ a: 1 }, 1))).toEqual([]);
    expect(brief(validateControllerRevisionUpdate(cr({ a: 2 }), cr({ a: 1 })))).toEqual([['FieldValueInvalid', 'data', 'field is immutable']]);
  });
});
