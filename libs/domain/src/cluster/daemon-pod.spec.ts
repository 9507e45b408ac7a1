import { aDaemonSet } from '../../test/a-daemon-set';
import type { DaemonSet } from '../api/types';
import { admitDaemonSetCreate } from '../api/daemon-set-strategy';
import { newDaemonPod } from '../controller/pods';
import { daemonPodRef, rebuildDaemonPod, withResolvedPriority, type DaemonPodRef } from './daemon-pod';

const versions: DaemonSet[] = [
  admitDaemonSetCreate(aDaemonSet()),
  (() => {
    const ds = admitDaemonSetCreate(aDaemonSet());
    const t = ds.spec.template;
    return {
      ...ds,
      spec: {
        ...ds.spec,
        template: {
          ...t,
          metadata: { ...t.metadata, annotations: { a: 'b' }, finalizers: ['example.com/f'] },
          spec: {
            ...t.spec,
            tolerations: [{ key: 'k', operator: 'Exists' }],
            affinity: {
              podAffinity: {},
              nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } },
            },
          },
        },
      },
    } as DaemonSet;
  })(),
];

describe('rebuildDaemonPod', () => {
  it('is newDaemonPod of the version for the node, as JSON text (key order included), for every node, hash and time', () => {
    for (const ds of versions) {
      for (const [i, hash] of ['5b8c7f9d4', '', '77f6d'].entries()) {
        for (const node of ['node-0', 'node-1', 'a.b']) {
          const ref: DaemonPodRef = { daemonSet: ds.metadata.name!, version: 7, node, uid: `uid-${node}-${i}`, hash, created: `2026-11-22T10:0${i}:00Z` };
          const rebuilt = rebuildDaemonPod(ref, ds, `foo-${node}`);
          const expected = newDaemonPod(ds, node, { name: `foo-${node}`, uid: ref.uid, hash, now: Date.parse(ref.created) });
          expect(JSON.stringify(rebuilt)).toBe(JSON.stringify(expected));
        }
      }
    }
  });

  it('shares the parts pods of one version have in common, and leaves the version alone', () => {
    const ds = versions[1];
    const before = JSON.stringify(ds);
    const ref = (node: string): DaemonPodRef => ({ daemonSet: 'x', version: 7, node, uid: node, hash: 'h', created: '2026-11-22T10:00:00Z' });
    const a = rebuildDaemonPod(ref('node-0'), ds, 'a');
    const b = rebuildDaemonPod(ref('node-1'), ds, 'b');
    expect(a.metadata.labels).toBe(b.metadata.labels);
    expect(a.spec.tolerations).toBe(b.spec.tolerations);
    // Containers differ only by the token mount (its volume is named after the pod): the rest is shared.
    expect(a.spec.containers[0].image).toBe(b.spec.containers[0].image);
    expect(a.spec.containers[0].volumeMounts?.at(-1)?.name).not.toBe(b.spec.containers[0].volumeMounts?.at(-1)?.name);
    expect(a.spec.affinity).not.toBe(b.spec.affinity);
    expect(a.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0].matchFields?.[0].values).toEqual(['node-0']);
    expect(JSON.stringify(ds)).toBe(before);
  });
});

describe('a daemon pod with a resolved priority (issue 11 §2)', () => {
  const ds = { ...versions[0], metadata: { ...versions[0].metadata, resourceVersion: '7' } } as DaemonSet;
  const built = (priority: Parameters<typeof withResolvedPriority>[1]) => {
    const pod = newDaemonPod(ds, 'node-0', { name: 'foo-node-0', uid: 'u', hash: 'h', now: Date.parse('2026-11-22T10:00:00Z') });
    return { ...pod, spec: withResolvedPriority({ ...pod.spec, priorityClassName: 'high' }, priority) };
  };

  it('is recorded as a reference that rebuilds it exactly, priority included', () => {
    const priority = { value: 1000, preemptionPolicy: 'PreemptLowerPriority', className: 'high' };
    const pod = built(priority);
    const ref = daemonPodRef(pod, { daemonSet: ds, nodeName: 'node-0', hash: 'h', priority });
    expect(ref?.priority).toEqual(priority);
    expect(JSON.stringify(rebuildDaemonPod(ref!, ds, 'foo-node-0'))).toBe(JSON.stringify(pod));
    expect(pod.spec).toMatchObject({ priorityClassName: 'high', priority: 1000, preemptionPolicy: 'PreemptLowerPriority' });
  });

  it('a reference without a priority rebuilds the pod as before priorities', () => {
    const ref: DaemonPodRef = { daemonSet: 'x', version: 7, node: 'node-0', uid: 'u', hash: 'h', created: '2026-11-22T10:00:00Z' };
    expect(rebuildDaemonPod(ref, ds, 'foo-node-0').spec.priority).toBeUndefined();
  });
});
