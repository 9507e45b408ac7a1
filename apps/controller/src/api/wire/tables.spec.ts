import { aDaemonSet, aNode, aPod, aRevision, ago, NOW, running, waiting } from './spec-fixtures';
import type { CoreEvent, Namespace } from './printers';
import { columnDefinitions, negotiateTable, parseIncludeObject, toObjectTable, toTable, toWatchEventTable, type Table } from './tables';

/** What kubectl prints as headers: names upper-cased, priority-1 columns only with -o wide. */
const headers = (t: Table, wide = false) => (t.columnDefinitions ?? []).filter((c) => wide || c.priority === 0).map((c) => c.name.toUpperCase());
/** Cells of row i as kubectl would show them (narrow drops the priority-1 cells). */
const cells = (t: Table, i = 0, wide = false) => t.rows[i].cells.filter((_, j) => wide || t.columnDefinitions![j].priority === 0);
const opts = { now: NOW };

describe('get ds (kubectl-wire §10.4, §10.5)', () => {
  const t = toTable('daemonsets', [aDaemonSet()], { ...opts, listMeta: { resourceVersion: '151' } });

  it('is a meta.k8s.io/v1 Table carrying the list resourceVersion', () => {
    expect(t).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '151' } });
  });
  it('has the upstream columns and cells', () => {
    expect(headers(t)).toEqual(['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE']);
    expect(cells(t)).toEqual(['nginx-ds', 1, 1, 1, 1, 1, '<none>', '3s']);
  });
  it('adds CONTAINERS IMAGES SELECTOR with -o wide', () => {
    expect(headers(t, true).slice(8)).toEqual(['CONTAINERS', 'IMAGES', 'SELECTOR']);
    expect(cells(t, 0, true).slice(8)).toEqual(['nginx', 'nginx:1.8.0', 'app=nginx-ds']);
  });
  it('declares types, name format and priorities like kube-apiserver', () => {
    const defs = columnDefinitions('daemonsets');
    expect(defs[0]).toMatchObject({ name: 'Name', type: 'string', format: 'name', priority: 0 });
    expect(defs.slice(1, 6).every((c) => c.type === 'integer' && c.format === '')).toBe(true);
    expect(defs.map((c) => c.priority)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
  });
  it('prints the template nodeSelector sorted, and 0 for missing counters', () => {
    const ds = aDaemonSet({ nodeSelector: { zone: 'a', disktype: 'ssd' } });
    delete ds.status;
    expect(cells(toTable('daemonsets', [ds], opts))).toEqual(['nginx-ds', 0, 0, 0, 0, 0, 'disktype=ssd,zone=a', '3s']);
  });
  it('puts PartialObjectMetadata in each row (for --show-labels and -A)', () => {
    expect(t.rows[0].object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: aDaemonSet().metadata });
  });
});

describe('get pods (kubectl-wire §10.7)', () => {
  it('prints READY STATUS RESTARTS AGE and the wide IP NODE NOMINATED NODE READINESS GATES', () => {
    const t = toTable('pods', [aPod()], opts);
    expect(headers(t, true)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    expect(cells(t, 0, true)).toEqual(['nginx-ds-9426d', '1/1', 'Running', '0', '2s', '10.244.0.11', 'n1', '<none>', '<none>']);
    expect(columnDefinitions('pods').find((c) => c.name === 'Restarts')!.type).toBe('string');
  });

  const status = (pod: ReturnType<typeof aPod>) => cells(toTable('pods', [pod], opts)).slice(1, 4);
  it.each([
    ['not yet reported', aPod({ status: { phase: 'Pending', conditions: [], containerStatuses: [] } }), ['0/1', 'Pending', '0']],
    ['ContainerCreating', aPod({ status: { phase: 'Pending', containerStatuses: [waiting('ContainerCreating')] } }), ['0/1', 'ContainerCreating', '0']],
    ['ErrImagePull', aPod({ status: { phase: 'Pending', containerStatuses: [waiting('ErrImagePull')] } }), ['0/1', 'ErrImagePull', '0']],
    ['ImagePullBackOff', aPod({ status: { phase: 'Pending', containerStatuses: [waiting('ImagePullBackOff')] } }), ['0/1', 'ImagePullBackOff', '0']],
    [
      'CrashLoopBackOff with the age of the last restart',
      aPod({ status: { containerStatuses: [waiting('CrashLoopBackOff', { restartCount: 3, lastState: { terminated: { exitCode: 1, finishedAt: ago(75) } } })] } }),
      ['0/1', 'CrashLoopBackOff', '3 (75s ago)'],
    ],
    ['restarts without a finish time', aPod({ status: { containerStatuses: [running({ restartCount: 2 })] } }), ['1/1', 'Running', '2']],
    [
      'Completed',
      aPod({ status: { phase: 'Succeeded', conditions: [], containerStatuses: [running({ ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } })] } }),
      ['0/1', 'Completed', '0'],
    ],
    ['Error', aPod({ status: { phase: 'Failed', containerStatuses: [running({ ready: false, state: { terminated: { exitCode: 1, reason: 'Error' } } })] } }), ['0/1', 'Error', '0']],
    ['ExitCode without reason', aPod({ status: { containerStatuses: [running({ ready: false, state: { terminated: { exitCode: 137 } } })] } }), ['0/1', 'ExitCode:137', '0']],
    ['Terminating', aPod({ deletionTimestamp: ago(1) }), ['1/1', 'Terminating', '0']],
    ['a deleted Succeeded pod is not Terminating', aPod({ deletionTimestamp: ago(1), status: { phase: 'Succeeded', containerStatuses: [] } }), ['0/1', 'Succeeded', '0']],
    ['NodeLost while deleting', aPod({ deletionTimestamp: ago(1), status: { reason: 'NodeLost' } }), ['1/1', 'Unknown', '0']],
    ['status.reason wins over phase', aPod({ status: { phase: 'Failed', reason: 'Evicted', containerStatuses: [] } }), ['0/1', 'Evicted', '0']],
    ['SchedulingGated', aPod({ status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }], containerStatuses: [] } }), ['0/1', 'SchedulingGated', '0']],
  ])('%s', (_name, pod, want) => expect(status(pod)).toEqual(want));

  it('lets the first container with a reason win (statuses are walked last to first)', () => {
    const pod = aPod({
      spec: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] },
      status: { containerStatuses: [waiting('ErrImagePull', { name: 'a' }), waiting('CrashLoopBackOff', { name: 'b' }), running({ name: 'c' })] },
    });
    expect(status(pod)).toEqual(['1/3', 'ErrImagePull', '0']);
  });

  it('turns Completed back into Running while another container runs and the pod is Ready', () => {
    const done = running({ name: 'job', ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } });
    const pod = aPod({ spec: { containers: [{ name: 'job' }, { name: 'nginx' }] }, status: { containerStatuses: [done, running()] } });
    expect(status(pod)).toEqual(['1/2', 'Running', '0']);
    expect(status(aPod({ spec: pod.spec, status: { conditions: [], containerStatuses: [done, running()] } }))).toEqual(['1/2', 'NotReady', '0']);
  });

  it('reports init containers as Init:<i>/<n>, Init:<reason> and counts sidecars', () => {
    const spec = { initContainers: [{ name: 'setup' }, { name: 'proxy', restartPolicy: 'Always' }] };
    const pending = aPod({ spec, status: { phase: 'Pending', conditions: [], containerStatuses: [waiting('PodInitializing')], initContainerStatuses: [waiting('PodInitializing', { name: 'setup' })] } });
    expect(status(pending)).toEqual(['0/2', 'Init:0/2', '0']);
    const failing = aPod({ spec, status: { phase: 'Pending', conditions: [], initContainerStatuses: [waiting('CrashLoopBackOff', { name: 'setup', restartCount: 4 })] } });
    expect(status(failing)).toEqual(['0/2', 'Init:CrashLoopBackOff', '4']);
    const started = aPod({
      spec,
      status: {
        initContainerStatuses: [running({ name: 'setup', ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } }), running({ name: 'proxy', started: true })],
        containerStatuses: [running()],
      },
    });
    expect(status(started)).toEqual(['2/2', 'Running', '0']);
  });

  it('counts readiness gates whose condition is True', () => {
    const pod = aPod({ spec: { readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }] }, status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'example.com/lb', status: 'True' }] } });
    expect(cells(toTable('pods', [pod], opts), 0, true)[8]).toBe('1/2');
  });

  it('falls back to podIP and marks finished pods with a Completed row condition', () => {
    const pod = aPod({ status: { phase: 'Succeeded', podIPs: undefined, podIP: '10.0.0.9', containerStatuses: [] } });
    const t = toTable('pods', [pod], opts);
    expect(t.rows[0].cells[5]).toBe('10.0.0.9');
    expect(t.rows[0].conditions).toEqual([{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
    expect(toTable('pods', [aPod()], opts).rows[0].conditions).toBeUndefined();
  });
});

describe('get nodes (kubectl-wire §10.24)', () => {
  it('prints NAME STATUS ROLES AGE VERSION and the wide node info', () => {
    const t = toTable('nodes', [aNode()], opts);
    expect(headers(t)).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    expect(cells(t)).toEqual(['n1', 'Ready', '<none>', '49s', 'v1.32.4']);
    expect(headers(t, true).slice(5)).toEqual(['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME']);
    expect(cells(t, 0, true).slice(5)).toEqual(['10.0.0.11', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.1.0', 'containerd://1.7.0']);
  });
  it.each([
    ['cordoned', aNode({ unschedulable: true }), 'Ready,SchedulingDisabled'],
    ['Ready=False', aNode({ ready: 'False' }), 'NotReady'],
    ['Ready=Unknown', aNode({ ready: 'Unknown' }), 'NotReady'],
    ['no Ready condition', aNode({ ready: null }), 'Unknown'],
    ['no Ready condition, cordoned', aNode({ ready: null, unschedulable: true }), 'Unknown,SchedulingDisabled'],
  ])('STATUS when %s', (_name, node, want) => expect(toTable('nodes', [node], opts).rows[0].cells[1]).toBe(want));
  it('derives ROLES from node-role labels and kubernetes.io/role, sorted', () => {
    const node = aNode({ labels: { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': 'x', 'node-role.kubernetes.io/': '', 'kubernetes.io/role': 'infra' } });
    expect(toTable('nodes', [node], opts).rows[0].cells[2]).toBe('control-plane,infra,worker');
  });
  it('prints an empty VERSION and <unknown> node info when unreported', () => {
    expect(toTable('nodes', [aNode({ bare: true })], opts).rows[0].cells).toEqual(['n1', 'Unknown', '<none>', '49s', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
  });
});

describe('get controllerrevision (kubectl-wire §10.17)', () => {
  it('prints CONTROLLER as kind.group/name and REVISION as a number, in the given order', () => {
    const t = toTable('controllerrevisions', [aRevision('nginx-ds-61b48f3051', 6, 17), aRevision('nginx-ds-969792d44b', 5, 11)], opts);
    expect(headers(t)).toEqual(['NAME', 'CONTROLLER', 'REVISION', 'AGE']);
    expect(t.rows.map((r) => r.cells)).toEqual([
      ['nginx-ds-61b48f3051', 'daemonset.apps/nginx-ds', 6, '17s'],
      ['nginx-ds-969792d44b', 'daemonset.apps/nginx-ds', 5, '11s'],
    ]);
  });
  it('prints <none> without a controller reference and kind/name for a core owner', () => {
    expect(toTable('controllerrevisions', [aRevision('a', 1, 1, 'none')], opts).rows[0].cells[1]).toBe('<none>');
    expect(toTable('controllerrevisions', [aRevision('a', 1, 1, 'core')], opts).rows[0].cells[1]).toBe('node/n1');
  });
});

describe('get namespaces, events, replicasets, and unknown kinds', () => {
  it('namespaces: NAME STATUS AGE', () => {
    const ns: Namespace = { metadata: { name: 'kube-system', creationTimestamp: ago(600) }, status: { phase: 'Active' } };
    const t = toTable('namespaces', [ns], opts);
    expect(headers(t)).toEqual(['NAME', 'STATUS', 'AGE']);
    expect(cells(t)).toEqual(['kube-system', 'Active', '10m']);
  });

  it('events: LAST SEEN TYPE REASON OBJECT MESSAGE, wide columns interleaved in definition order', () => {
    const ev: CoreEvent = {
      metadata: { name: 'nginx-ds.18', namespace: 'default', creationTimestamp: ago(30) },
      involvedObject: { kind: 'DaemonSet', name: 'nginx-ds', namespace: 'default' },
      reason: 'SuccessfulCreate',
      message: ' Created pod: nginx-ds-9426d\n',
      source: { component: 'daemonset-controller' },
      firstTimestamp: ago(300),
      lastTimestamp: ago(30),
      count: 3,
      type: 'Normal',
    };
    const t = toTable('events', [ev], opts);
    expect(headers(t)).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    expect(cells(t)).toEqual(['30s', 'Normal', 'SuccessfulCreate', 'daemonset/nginx-ds', 'Created pod: nginx-ds-9426d']);
    expect(headers(t, true)).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'SUBOBJECT', 'SOURCE', 'MESSAGE', 'FIRST SEEN', 'COUNT', 'NAME']);
    expect(cells(t, 0, true)).toEqual(['30s', 'Normal', 'SuccessfulCreate', 'daemonset/nginx-ds', '', 'daemonset-controller', 'Created pod: nginx-ds-9426d', '5m', 3, 'nginx-ds.18']);
  });

  it('events: series count, eventTime fallback, kind-only object, count 1 for singletons', () => {
    const ev: CoreEvent = {
      metadata: { name: 'e' },
      involvedObject: { kind: 'Node' },
      eventTime: ago(90),
      series: { count: 7, lastObservedTime: ago(4) },
      reportingComponent: 'kubelet',
      reportingInstance: 'n1',
    };
    expect(toTable('events', [ev], opts).rows[0].cells).toEqual(['4s', '', '', 'node', '', 'kubelet, n1', '', '90s', 7, 'e']);
    const noSeries: CoreEvent = { ...ev, series: undefined };
    const singleton = toTable('events', [noSeries], opts).rows[0].cells;
    expect([singleton[0], singleton[8]]).toEqual(['90s', 1]);
  });

  it('replicasets: an empty list still declares the columns (kubectl then says "No resources found")', () => {
    const t = toTable('replicasets', [], { ...opts, listMeta: { resourceVersion: '151' } });
    expect(t.rows).toEqual([]);
    expect(headers(t, true)).toEqual(['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
    expect(t.metadata).toEqual({ resourceVersion: '151' });
  });

  it('unknown kinds get the apiserver default: Name and a date-typed Created At', () => {
    const t = toTable('widgets', [{ metadata: { name: 'w', creationTimestamp: '2026-11-22T20:18:34Z' } }], opts);
    expect(t.columnDefinitions!.map(({ name, type, format }) => ({ name, type, format }))).toEqual([
      { name: 'Name', type: 'string', format: 'name' },
      { name: 'Created At', type: 'date', format: '' },
    ]);
    expect(t.rows[0].cells).toEqual(['w', '2026-11-22T20:18:34Z']);
  });
});

describe('row objects, single objects and watch events', () => {
  const ds = aDaemonSet();
  it.each([
    ['None', null],
    ['Object', ds],
    ['Metadata', { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: ds.metadata }],
  ] as const)('includeObject=%s', (include, want) => expect(toTable('daemonsets', [ds], { ...opts, includeObject: include }).rows[0].object).toEqual(want));

  it('follows the negotiated meta.k8s.io version', () => {
    const t = toTable('daemonsets', [ds], { ...opts, version: 'v1beta1' });
    expect(t.apiVersion).toBe('meta.k8s.io/v1beta1');
    expect(t.rows[0].object).toMatchObject({ apiVersion: 'meta.k8s.io/v1beta1' });
  });

  it('a single GET is a one-row Table with the object resourceVersion', () => {
    const t = toObjectTable('daemonsets', ds, opts);
    expect(t.rows).toHaveLength(1);
    expect(t.metadata).toEqual({ resourceVersion: '112' });
  });

  it('watch events: one row each, column definitions only in the first', () => {
    const first = toWatchEventTable('daemonsets', ds, { ...opts, first: true });
    const later = toWatchEventTable('daemonsets', ds, { ...opts, first: false });
    expect(first.columnDefinitions).toHaveLength(11);
    expect(later.columnDefinitions).toBeNull();
    expect(later.rows[0].cells).toEqual(first.rows[0].cells);
    expect(JSON.parse(JSON.stringify(later))).toHaveProperty('columnDefinitions', null);
  });

  it('copies continue and remainingItemCount, and omits an empty resourceVersion', () => {
    expect(toTable('pods', [], { ...opts, listMeta: { resourceVersion: '9', continue: 'abc', remainingItemCount: 4 } }).metadata).toEqual({ resourceVersion: '9', continue: 'abc', remainingItemCount: 4 });
    expect(toTable('pods', [], opts).metadata).toEqual({});
  });
});

describe('request negotiation', () => {
  const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
  it.each([
    ['kubectl get', TABLE, 'v1'],
    ['v1beta1 only', 'application/json;as=Table;v=v1beta1;g=meta.k8s.io', 'v1beta1'],
    ['plain json', 'application/json', null],
    ['typed clients', 'application/vnd.kubernetes.protobuf,application/json', null],
    ['no Accept', undefined, null],
  ])('%s → %s', (_n, accept, want) => expect(negotiateTable(accept)).toBe(want));

  it('parses includeObject', () => {
    expect(parseIncludeObject(undefined)).toBeUndefined();
    expect(parseIncludeObject('Object')).toBe('Object');
    expect(parseIncludeObject('bogus')).toBeInstanceOf(Error);
  });
});
