import { claimPods } from './claims';
import { sameJson } from '../cluster/equality';
import { admitDaemonPodSpec, compareDaemonPods, daemonPodBeforeAdmission, generatePodName, isPodAvailable, isPodUpdated, newDaemonPod, podTargetNode, scaledValue } from './pods';
import { aDaemonSet, aPod, LABELS, T0, seconds } from './testing/builders';
import { toRfc3339 } from './time';

describe('newDaemonPod (§1.5)', () => {
  const ds = aDaemonSet({
    templateGeneration: 3,
    tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'color', operator: 'In', values: ['blue'] }] }] },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'x', operator: 'Exists' }] } }],
      },
    },
  });
  ds.spec.template.metadata = { labels: { ...LABELS }, annotations: { note: 'n' }, finalizers: ['example.com/f'] };
  const pod = newDaemonPod(ds, 'node-3', { name: 'foo-abcde', uid: 'u1', hash: 'h4sh', now: T0 });

  it('carries template labels, the hash and the template generation', () =>
    expect(pod.metadata.labels).toEqual({ ...LABELS, 'controller-revision-hash': 'h4sh', 'pod-template-generation': '3' }));
  it('copies template annotations and finalizers', () => {
    expect(pod.metadata.annotations).toEqual({ note: 'n' });
    expect(pod.metadata.finalizers).toEqual(['example.com/f']);
  });
  it('is controlled by the DaemonSet, blocking owner deletion', () =>
    expect(pod.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'foo', uid: 'uid-foo-1', controller: true, blockOwnerDeletion: true }]));
  it('keeps the generateName prefix and the namespace', () => {
    expect(pod.metadata.generateName).toBe('foo-');
    expect(pod.metadata.namespace).toBe('default');
    expect(pod.metadata.creationTimestamp).toBe(toRfc3339(T0));
  });
  it('is not bound: required node affinity is replaced by matchFields metadata.name In [node]', () => {
    expect(pod.spec.nodeName).toBeUndefined();
    expect(pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual({
      nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-3'] }] }],
    });
    expect(pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(podTargetNode(pod)).toBe('node-3');
  });
  it('§8.22 gets the default tolerations, the user not-ready one losing tolerationSeconds', () => {
    expect(pod.spec.tolerations?.[0]).toEqual({ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' });
    expect(pod.spec.tolerations).toHaveLength(6);
  });
  it('keeps a template nodeName', () => expect(newDaemonPod(aDaemonSet({ nodeName: 'node-0' }), 'node-0', { name: 'p', uid: 'u', hash: 'h', now: T0 }).spec.nodeName).toBe('node-0'));
  it('omits pod-template-generation when the annotation does not parse, and the hash label when empty', () => {
    const odd = aDaemonSet();
    odd.metadata.annotations = { 'deprecated.daemonset.template.generation': 'x' };
    expect(newDaemonPod(odd, 'n', { name: 'p', uid: 'u', hash: '', now: T0 }).metadata.labels).toEqual({ ...LABELS });
  });
  it('does not modify the DaemonSet', () => expect(ds.spec.template.spec.tolerations?.[0].tolerationSeconds).toBe(300));
  it('is the pod built from a copy of the template, its parts in common shared with the version\'s other pods', () => {
    const args = { name: 'foo-vwxyz', uid: 'u2', hash: 'h4sh', now: T0 + 1000 };
    const other = newDaemonPod(ds, 'node-4', args);
    const copied = daemonPodBeforeAdmission(ds, 'node-4', args);
    expect(sameJson(other, { ...copied, spec: admitDaemonPodSpec(copied.spec, 'default', args.name) })).toBe(true);
    expect(other.spec.containers).not.toBe(pod.spec.containers); // each mounts its own token volume
    expect(other.spec.tolerations).toBe(pod.spec.tolerations);
    expect(other.metadata.ownerReferences).toBe(pod.metadata.ownerReferences);
  });
  it('a DaemonSet changed in place gets pods of its new template, not the ones built before', () => {
    const d = aDaemonSet();
    const before = newDaemonPod(d, 'n', { name: 'p', uid: 'u', hash: 'h', now: T0 });
    d.spec.template.spec = { ...d.spec.template.spec, containers: [{ name: 'c', image: 'other:2' }] };
    expect(newDaemonPod(d, 'n', { name: 'p', uid: 'u', hash: 'h', now: T0 }).spec.containers[0].image).toBe('other:2');
    expect(before.spec.containers[0].image).not.toBe('other:2');
  });
});

describe('generatePodName', () => {
  it('is deterministic: <ds>-<5 chars of bcdfghjklmnpqrstvwxz2456789>', () => {
    const a = generatePodName('foo', 'seed-1');
    expect(a).toMatch(/^foo-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(generatePodName('foo', 'seed-1')).toBe(a);
    expect(generatePodName('foo', 'seed-2')).not.toBe(a);
  });
  it('cuts the base to 58 characters', () => {
    const name = generatePodName('x'.repeat(70), 's');
    expect(name).toHaveLength(63);
    expect(name.startsWith('x'.repeat(58))).toBe(true);
  });
});

describe('availability (§6.1, v1.32 strict)', () => {
  const readyAt = (t: number) => aPod(null, 'n', { ready: true, readySince: t });
  it.each<[string, number, number, boolean]>([
    ['minReadySeconds 0: ready is available', 0, 0, true],
    ['ready 10 s ago with minReadySeconds 15', 15, seconds(10), false],
    ['exactly minReadySeconds after: not yet (strict <)', 10, seconds(10), false],
    ['one millisecond later', 10, seconds(10) + 1, true],
  ])('%s', (_n, minReady, elapsed, expected) => expect(isPodAvailable(readyAt(T0), minReady, T0 + elapsed)).toBe(expected));
  it('a Ready condition without lastTransitionTime is never available with minReadySeconds > 0', () => {
    const p = aPod(null, 'n', { ready: true });
    delete p.status!.conditions![0].lastTransitionTime;
    expect(isPodAvailable(p, 1, T0 + seconds(100))).toBe(false);
  });
});

describe('isPodUpdated (§5.4)', () => {
  it.each<[string, { hash?: string; generation?: string }, string, string | undefined, boolean]>([
    ['hash label matches', { hash: 'h2' }, 'h2', '2', true],
    ['generation label matches', { hash: 'h1', generation: '2' }, 'h2', '2', true],
    ['neither', { hash: 'h1', generation: '1' }, 'h2', '2', false],
    ['empty hash never matches', { hash: '' }, '', undefined, false],
    ['unparseable annotation disables the generation half', { generation: '2' }, 'h2', undefined, false],
  ])('%s', (_n, labels, hash, gen, expected) => expect(isPodUpdated(aPod(null, 'n', labels), hash, gen)).toBe(expected));
});

describe('scaledValue (intstr, round up) — §8.53', () => {
  it.each<[string, number | string, number, number]>([
    ['int', 2, 5, 2],
    ['50% of 3', '50%', 3, 2],
    ['10% of 5', '10%', 5, 1],
    ['33% of 10', '33%', 10, 4],
    ['50% of 2', '50%', 2, 1],
    ['100% of 2', '100%', 2, 2],
    ['any % of 0', '30%', 0, 0],
  ])('%s', (_n, v, total, expected) => expect(scaledValue(v, total)).toBe(expected));
  it.each([['5'], ['abc%'], ['1.5%']])('rejects %j', (v) => expect(() => scaledValue(v, 10)).toThrow('invalid value for IntOrString'));
});

describe('oldest-first order (§4.4)', () => {
  it('§8.24 a bound pod sorts before an older unbound one; equal timestamps by name', () => {
    const bound = aPod(null, 'n', { name: 'b', created: T0 + 5 * 1000 });
    const unbound = aPod(null, 'n', { name: 'a', created: T0, bound: false });
    expect([unbound, bound].sort(compareDaemonPods).map((p) => p.metadata.name)).toEqual(['b', 'a']);
    const x = aPod(null, 'n', { name: 'x' });
    const w = aPod(null, 'n', { name: 'w' });
    expect([x, w].sort(compareDaemonPods).map((p) => p.metadata.name)).toEqual(['w', 'x']);
  });
});

describe('claimPods (§4.2) — §8.35', () => {
  const ds = aDaemonSet();
  const other = aDaemonSet({ uid: 'uid-other' });
  it.each<[string, ReturnType<typeof aPod>, 'owned' | 'adopt' | 'release' | 'ignored']>([
    ['owned and matching', aPod(ds, 'n'), 'owned'],
    ['orphan matching → adopted', aPod(ds, 'n', { owner: null }), 'adopt'],
    ['controlled by a ReplicaSet → untouched', aPod(ds, 'n', { ownerKind: 'ReplicaSet' }), 'ignored'],
    ['controlled by another DaemonSet → untouched', aPod(other, 'n'), 'ignored'],
    ['orphan being deleted → not adopted', aPod(ds, 'n', { owner: null, deleting: true }), 'ignored'],
    ['orphan not matching → ignored', aPod(ds, 'n', { owner: null, labels: { name: 'x' } }), 'ignored'],
    ['owned but not matching → released', aPod(ds, 'n', { labels: { name: 'simple-daemon', type: 'test' } }), 'release'],
  ])('%s', (_n, pod, expected) => {
    const r = claimPods(ds, [pod]);
    const got = r.adopt.length ? 'adopt' : r.release.length ? 'release' : r.owned.length ? 'owned' : 'ignored';
    expect(got).toBe(expected);
  });
  it('releases nothing while the DaemonSet is being deleted, and adopts nothing', () => {
    const deleting = { ...ds, metadata: { ...ds.metadata, deletionTimestamp: toRfc3339(T0) } };
    const r = claimPods(deleting, [aPod(ds, 'n', { labels: { name: 'x' } }), aPod(ds, 'n', { owner: null })]);
    expect([r.owned.length, r.adopt.length, r.release.length]).toEqual([0, 0, 0]);
  });
});
