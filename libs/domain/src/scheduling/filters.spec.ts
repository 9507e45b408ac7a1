import type { ContainerPort } from '../api/types';
import { filterNode, hostPortsConflict, podHostPorts, runFilters } from './filters';
import { node, on, pod } from './spec-builders';

describe('NodeUnschedulable: a cordoned node takes no new pods unless they tolerate the unschedulable taint', () => {
  it('rejects a pod on an unschedulable node', () =>
    expect(filterNode(pod('p'), on(node('n', { unschedulable: true })))).toEqual(['node(s) were unschedulable']));
  it('lets through a pod that tolerates node.kubernetes.io/unschedulable:NoSchedule (daemon pods do)', () => {
    const p = pod('p', { spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] } });
    expect(filterNode(p, on(node('n', { unschedulable: true })))).toEqual([]);
  });
  it('is unresolvable: preemption cannot help', () =>
    expect(runFilters(pod('p'), on(node('n', { unschedulable: true }))).code).toBe('unresolvable'));
});

describe('NodeName: a pod that names a node fits only there', () => {
  it('rejects other nodes', () =>
    expect(filterNode(pod('p', { spec: { nodeName: 'a' } }), on(node('b')))).toEqual(["node(s) didn't match the requested node name"]));
  it('accepts the named node', () => expect(filterNode(pod('p', { spec: { nodeName: 'a' } }), on(node('a')))).toEqual([]));
});

describe('TaintToleration: NoSchedule and NoExecute taints must be tolerated', () => {
  it('names the first untolerated taint as {key: value}', () =>
    expect(filterNode(pod('p'), on(node('n', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] })))).toEqual([
      'node(s) had untolerated taint {dedicated: gpu}',
    ]));
  it('prints an empty value as {key: }', () =>
    expect(filterNode(pod('p'), on(node('n', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoExecute' }] })))).toEqual([
      'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }',
    ]));
  it('ignores PreferNoSchedule', () =>
    expect(filterNode(pod('p'), on(node('n', { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }] })))).toEqual([]));
  it('accepts a tolerated taint', () => {
    const p = pod('p', { spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] } });
    expect(filterNode(p, on(node('n', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] })))).toEqual([]);
  });
});

describe('NodeAffinity: nodeSelector and required node affinity must match', () => {
  it('rejects a node without the selected label', () =>
    expect(filterNode(pod('p', { spec: { nodeSelector: { disk: 'ssd' } } }), on(node('n')))).toEqual([
      "node(s) didn't match Pod's node affinity/selector",
    ]));
  it('a daemon pod pinned by matchFields fits its own node only', () => {
    expect(filterNode(pod('p', { pinnedTo: 'a' }), on(node('a')))).toEqual([]);
    expect(filterNode(pod('p', { pinnedTo: 'a' }), on(node('b')))).toEqual(["node(s) didn't match Pod's node affinity/selector"]);
  });
});

describe('NodePorts: a host port conflicts on the same protocol and port when either hostIP is 0.0.0.0 (or empty) or both are equal', () => {
  const port = (p: Partial<ContainerPort>) => p;
  it.each<[string, Partial<ContainerPort>, Partial<ContainerPort>, boolean]>([
    ['same port, both without hostIP', port({ hostPort: 8080 }), port({ hostPort: 8080 }), true],
    ['same port, one on 0.0.0.0, one on a specific IP', port({ hostPort: 8080, hostIP: '0.0.0.0' }), port({ hostPort: 8080, hostIP: '10.0.0.1' }), true],
    ['same port, a specific IP against an empty hostIP', port({ hostPort: 8080, hostIP: '10.0.0.1' }), port({ hostPort: 8080 }), true],
    ['same port, the same specific IP', port({ hostPort: 8080, hostIP: '10.0.0.1' }), port({ hostPort: 8080, hostIP: '10.0.0.1' }), true],
    ['same port, two different specific IPs', port({ hostPort: 8080, hostIP: '10.0.0.1' }), port({ hostPort: 8080, hostIP: '10.0.0.2' }), false],
    ['same port, TCP against UDP', port({ hostPort: 53, protocol: 'TCP' }), port({ hostPort: 53, protocol: 'UDP' }), false],
    ['same port, empty protocol is TCP', port({ hostPort: 53 }), port({ hostPort: 53, protocol: 'TCP' }), true],
    ['same port, UDP against UDP', port({ hostPort: 53, protocol: 'UDP' }), port({ hostPort: 53, protocol: 'UDP' }), true],
    ['same port, SCTP against TCP', port({ hostPort: 9000, protocol: 'SCTP' }), port({ hostPort: 9000 }), false],
    ['different ports', port({ hostPort: 8080 }), port({ hostPort: 8081 }), false],
  ])('%s → conflict %s', (_name, wanted, used, conflict) => {
    const existing = pod('old', { hostPorts: [used] });
    expect(filterNode(pod('new', { hostPorts: [wanted] }), on(node('n'), existing))).toEqual(
      conflict ? ["node(s) didn't have free ports for the requested pod ports"] : [],
    );
  });
  it('container ports without a hostPort take nothing on the node', () => {
    const existing = pod('old', { hostPorts: [{ containerPort: 80 }] });
    expect(podHostPorts(existing)).toEqual([]);
    expect(filterNode(pod('new', { hostPorts: [{ hostPort: 80 }] }), on(node('n'), existing))).toEqual([]);
  });
  it('hostPortsConflict is symmetric', () => {
    const a = { ip: '0.0.0.0', protocol: 'TCP', port: 1 };
    const b = { ip: '10.0.0.1', protocol: 'TCP', port: 1 };
    expect(hostPortsConflict(a, b)).toBe(hostPortsConflict(b, a));
  });
  it('is resolvable: removing the pod that holds the port could help', () =>
    expect(runFilters(pod('new', { hostPorts: [{ hostPort: 80 }] }), on(node('n'), pod('old', { hostPorts: [{ hostPort: 80 }] }))).code).toBe(
      'unschedulable',
    ));
});

describe('NodeResourcesFit: requests plus what is already requested must fit in allocatable', () => {
  it('rejects a pod whose memory does not fit in what is left', () =>
    expect(filterNode(pod('p', { memory: '5Gi' }), on(node('n'), pod('old', { memory: '4Gi' })))).toEqual(['Insufficient memory']));
  it('accepts a pod that fills the node exactly', () =>
    expect(filterNode(pod('p', { cpu: '1', memory: '4Gi' }), on(node('n'), pod('old', { cpu: '3', memory: '4Gi' })))).toEqual([]));
  it('lists every short resource, pods first, then cpu, memory', () =>
    expect(filterNode(pod('p', { cpu: '2', memory: '5Gi' }), on(node('n', { pods: '1' }), pod('old', { cpu: '3', memory: '4Gi' })))).toEqual([
      'Too many pods',
      'Insufficient cpu',
      'Insufficient memory',
    ]));
  it("'Too many pods' when the pod count would exceed allocatable pods, even for a pod that requests nothing", () => {
    expect(filterNode(pod('p'), on(node('n', { pods: '2' }), pod('a'), pod('b')))).toEqual(['Too many pods']);
    expect(filterNode(pod('p'), on(node('n', { pods: '3' }), pod('a'), pod('b')))).toEqual([]);
  });
  it('pods being deleted still hold their requests', () =>
    expect(filterNode(pod('p', { memory: '5Gi' }), on(node('n'), pod('old', { memory: '4Gi', deleting: true })))).toEqual(['Insufficient memory']));
  it('is resolvable when the request fits an empty node, unresolvable when it exceeds allocatable outright', () => {
    expect(runFilters(pod('p', { memory: '5Gi' }), on(node('n'), pod('old', { memory: '4Gi' }))).code).toBe('unschedulable');
    expect(runFilters(pod('p', { memory: '9Gi' }), on(node('n'))).code).toBe('unresolvable');
  });
});

describe('filters run in upstream order and the first rejection is the answer', () => {
  it('an unschedulable node reports only that, not its taints or resources', () => {
    const n = node('n', { unschedulable: true, taints: [{ key: 'k', effect: 'NoSchedule' }], memory: '1Gi' });
    expect(filterNode(pod('p', { memory: '2Gi' }), on(n))).toEqual(['node(s) were unschedulable']);
  });
  it('a taint is reported before a port or resource shortage', () => {
    const n = node('n', { taints: [{ key: 'k', value: 'v', effect: 'NoExecute' }], memory: '1Gi' });
    expect(filterNode(pod('p', { memory: '2Gi', hostPorts: [{ hostPort: 1 }] }), on(n, pod('o', { hostPorts: [{ hostPort: 1 }] })))).toEqual([
      'node(s) had untolerated taint {k: v}',
    ]);
  });
  it('a port conflict is reported before a resource shortage', () =>
    expect(filterNode(pod('p', { memory: '9Gi', hostPorts: [{ hostPort: 1 }] }), on(node('n'), pod('o', { hostPorts: [{ hostPort: 1 }] })))).toEqual([
      "node(s) didn't have free ports for the requested pod ports",
    ]));
});
