import type { NodeSelectorTerm, Taint, Toleration } from '../api/types';
import { aDaemonSet, aNode, taint } from './testing/builders';
import { daemonPodTolerations, nodeAffinityMatches, nodeShouldRunDaemonPod, toleratesTaint } from './scheduling';

describe('toleratesTaint (core/v1 Toleration.ToleratesTaint, comparison operators disabled)', () => {
  const t = (x: Toleration) => x;
  it.each<[string, Toleration, Taint, boolean]>([
    ['Equal with same key/value/effect', t({ key: 'dedicated', operator: 'Equal', value: 'user1', effect: 'NoSchedule' }), taint('dedicated', 'NoSchedule', 'user1'), true],
    ['empty operator means Equal', t({ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }), taint('dedicated', 'NoSchedule', 'user1'), true],
    ['Equal with another value', t({ key: 'dedicated', value: 'user2', effect: 'NoSchedule' }), taint('dedicated', 'NoSchedule', 'user1'), false],
    ['Exists ignores the value', t({ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }), taint('dedicated', 'NoSchedule', 'x'), true],
    ['empty effect matches every effect', t({ key: 'dedicated', operator: 'Exists' }), taint('dedicated', 'NoExecute'), true],
    ['other effect does not match', t({ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }), taint('dedicated', 'NoExecute'), false],
    ['empty key + Exists tolerates everything', t({ operator: 'Exists' }), taint('anything', 'NoExecute', 'v'), true],
    ['other key does not match', t({ key: 'a', operator: 'Exists' }), taint('b', 'NoSchedule'), false],
    ['Gt is disabled (gate off)', t({ key: 'level', operator: 'Gt', value: '1', effect: 'NoSchedule' }), taint('level', 'NoSchedule', '5'), false],
    ['Lt is disabled (gate off)', t({ key: 'level', operator: 'Lt', value: '9', effect: 'NoSchedule' }), taint('level', 'NoSchedule', '5'), false],
    ['unknown operator never matches', t({ key: 'level', operator: 'Whatever', effect: 'NoSchedule' }), taint('level', 'NoSchedule'), false],
    ['tolerationSeconds is ignored', t({ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }), taint('k', 'NoExecute'), true],
  ])('%s', (_name, toleration, tnt, expected) => expect(toleratesTaint(toleration, tnt)).toBe(expected));
});

describe('daemonPodTolerations (§1.5 AddOrUpdateDaemonPodTolerations)', () => {
  const defaults = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  it('appends the six defaults in upstream order after user tolerations', () => {
    const user = { key: 'dedicated', operator: 'Equal', value: 'x', effect: 'NoSchedule' };
    expect(daemonPodTolerations({ tolerations: [user] })).toEqual([user, ...defaults]);
  });
  it('adds network-unavailable only for hostNetwork pods', () => {
    expect(daemonPodTolerations({ hostNetwork: true })).toEqual([...defaults, { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' }]);
  });
  it('§8.22 replaces a matching user toleration in place, dropping its tolerationSeconds', () => {
    const out = daemonPodTolerations({ tolerations: [{ key: 'a', operator: 'Exists' }, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }] });
    expect(out[1]).toEqual({ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' });
    expect(out).toHaveLength(7);
  });
  it('keeps a same-key toleration with operator Equal and appends the default after it', () => {
    const user = { key: 'node.kubernetes.io/not-ready', operator: 'Equal', effect: 'NoExecute', tolerationSeconds: 60 };
    const out = daemonPodTolerations({ tolerations: [user] });
    expect(out[0]).toEqual(user);
    expect(out).toHaveLength(7);
  });
  it('overwrites every duplicate entry', () => {
    const dup = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 };
    const out = daemonPodTolerations({ tolerations: [dup, dup] });
    expect(out.slice(0, 2)).toEqual([defaults[1], defaults[1]]);
  });
  it('leaves its input untouched', () => {
    const spec = { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }] };
    daemonPodTolerations(spec);
    expect(spec.tolerations[0].tolerationSeconds).toBe(60);
  });
});

describe('nodeAffinityMatches (required node affinity + nodeSelector)', () => {
  const node = aNode('node-1', { labels: { color: 'blue', speed: 'fast', cpus: '8' } });
  const req = (...terms: NodeSelectorTerm[]) => ({ containers: [], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });
  const expr = (key: string, operator: string, values?: string[]): NodeSelectorTerm => ({ matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] });
  it.each<[string, ReturnType<typeof req> | { containers: []; nodeSelector: Record<string, string> }, boolean]>([
    ['nodeSelector all equal', { containers: [], nodeSelector: { color: 'blue', speed: 'fast' } }, true],
    ['nodeSelector one differs', { containers: [], nodeSelector: { color: 'red' } }, false],
    ['In', req(expr('color', 'In', ['red', 'blue'])), true],
    ['In, absent label', req(expr('zone', 'In', ['a'])), false],
    ['NotIn, absent label', req(expr('zone', 'NotIn', ['a'])), true],
    ['NotIn, listed value', req(expr('color', 'NotIn', ['blue'])), false],
    ['Exists', req(expr('speed', 'Exists')), true],
    ['DoesNotExist', req(expr('speed', 'DoesNotExist')), false],
    ['Gt strict', req(expr('cpus', 'Gt', ['7'])), true],
    ['Gt equal is false', req(expr('cpus', 'Gt', ['8'])), false],
    ['Lt', req(expr('cpus', 'Lt', ['9'])), true],
    ['Gt on non-integer label', req(expr('color', 'Gt', ['1'])), false],
    ['Gt with non-integer value does not parse', req(expr('cpus', 'Gt', ['x'])), false],
    ['Gt with two values does not parse', req(expr('cpus', 'Gt', ['1', '2'])), false],
    ['In with no values does not parse', req(expr('color', 'In', [])), false],
    ['unknown operator does not parse', req(expr('color', 'Is', ['blue'])), false],
    ['terms are ORed; a broken term does not stop others', req(expr('color', 'Is', ['blue']), expr('color', 'In', ['blue'])), true],
    ['expressions in a term are ANDed', req({ matchExpressions: [{ key: 'color', operator: 'In', values: ['blue'] }, { key: 'speed', operator: 'In', values: ['slow'] }] }), false],
    ['matchFields metadata.name In', req({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-1'] }] }), true],
    ['matchFields metadata.name NotIn', req({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['node-1'] }] }), false],
    ['matchFields with two values does not parse', req({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-1', 'node-2'] }] }), false],
    ['matchFields Exists is unsupported', req({ matchFields: [{ key: 'metadata.name', operator: 'Exists' }] }), false],
    ['labels AND fields in one term', req({ matchExpressions: [{ key: 'color', operator: 'In', values: ['blue'] }], matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-2'] }] }), false],
    ['an empty term matches nothing', req({}), false],
    ['an empty term list matches nothing', req(), false],
  ])('%s', (_name, spec, expected) => expect(nodeAffinityMatches(spec, node)).toBe(expected));
});

describe('nodeShouldRunDaemonPod (§3)', () => {
  const ds = aDaemonSet();
  it.each<[string, Parameters<typeof aNode>[1], ReturnType<typeof aDaemonSet>, boolean, boolean]>([
    ['plain node', {}, ds, true, true],
    ['§8.17 untolerated NoSchedule taint keeps existing pods', { taints: [taint('dedicated', 'NoSchedule', 'user1')] }, ds, false, true],
    ['§8.17 tolerated by key/value/effect', { taints: [taint('dedicated', 'NoSchedule', 'user1')] }, aDaemonSet({ tolerations: [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }] }), true, true],
    ['§8.17 tolerated by {operator: Exists}', { taints: [taint('dedicated', 'NoSchedule', 'user1')] }, aDaemonSet({ tolerations: [{ operator: 'Exists' }] }), true, true],
    ['untolerated NoExecute taint', { taints: [taint('dedicated', 'NoExecute')] }, ds, false, false],
    ['§8.21 PreferNoSchedule is ignored', { taints: [taint('dedicated', 'PreferNoSchedule')] }, ds, true, true],
    ['§8.20 not-ready NoExecute is tolerated by default', { taints: [taint('node.kubernetes.io/not-ready', 'NoExecute')] }, ds, true, true],
    ['§8.20 unreachable NoExecute', { taints: [taint('node.kubernetes.io/unreachable', 'NoExecute')] }, ds, true, true],
    ['§8.20 disk-pressure', { taints: [taint('node.kubernetes.io/disk-pressure', 'NoSchedule')] }, ds, true, true],
    ['§8.20 memory-pressure', { taints: [taint('node.kubernetes.io/memory-pressure', 'NoSchedule')] }, ds, true, true],
    ['§8.20 pid-pressure', { taints: [taint('node.kubernetes.io/pid-pressure', 'NoSchedule')] }, ds, true, true],
    ['§8.20 unschedulable taint', { taints: [taint('node.kubernetes.io/unschedulable', 'NoSchedule')] }, ds, true, true],
    ['§8.20 spec.unschedulable (cordon) is ignored', { unschedulable: true }, ds, true, true],
    ['§8.20 network-unavailable without hostNetwork', { taints: [taint('node.kubernetes.io/network-unavailable', 'NoSchedule')] }, ds, false, true],
    ['§8.20 network-unavailable with hostNetwork', { taints: [taint('node.kubernetes.io/network-unavailable', 'NoSchedule')] }, aDaemonSet({ hostNetwork: true }), true, true],
    ['nodeSelector not fitting', {}, aDaemonSet({ nodeSelector: { color: 'blue' } }), false, false],
    ['template nodeName of another node', {}, aDaemonSet({ nodeName: 'node-9' }), false, false],
    ['template nodeName of this node', {}, aDaemonSet({ nodeName: 'node-1' }), true, true],
  ])('%s', (_name, nodeOpts, daemonSet, shouldRun, shouldContinueRunning) =>
    expect(nodeShouldRunDaemonPod(aNode('node-1', nodeOpts), daemonSet)).toEqual({ shouldRun, shouldContinueRunning }));
});
