import type { Pod } from '@daemonledger/domain/api/types';
import { type PodCommandContext, type PodCommandEvent, podCommandsFor, resyncMessages } from './pod-commands';

const pod = (name: string, o: { node?: string; uid?: string; deleting?: boolean; grace?: number } = {}): Pod =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace: 'default',
      name,
      uid: o.uid ?? `uid-${name}`,
      ...(o.deleting ? { deletionTimestamp: '2026-12-02T10:00:00Z', deletionGracePeriodSeconds: o.grace ?? 30 } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'nginx' }], ...(o.node === undefined ? { nodeName: 'node-1' } : o.node ? { nodeName: o.node } : {}) },
  }) as Pod;

const event = (type: string, streamId: string, data: unknown = {}, o: { id?: string; correlationId?: string } = {}): PodCommandEvent => ({
  id: o.id ?? 'ev-1',
  type,
  streamId,
  revision: 3,
  data,
  metadata: o.correlationId ? { correlationId: o.correlationId } : {},
});

const context = (pods: Pod[], o: { later?: string[]; nodes?: string[] } = {}): PodCommandContext => ({
  pod: (ns, name) => pods.find((p) => p.metadata.namespace === ns && p.metadata.name === name),
  nodeKnown: (n) => (o.nodes ?? ['node-1']).includes(n),
  podsOn: (n) => pods.filter((p) => p.spec.nodeName === n),
  later: () => o.later ?? [],
});

describe('pod commands from the log', () => {
  it('PodBound → RunPod keyed by the node, id = the event id, the correlation carried', () => {
    const p = pod('ds-a');
    expect(podCommandsFor(event('PodBound', 'pod-default.ds-a', { nodeName: 'node-1' }, { id: 'e-7', correlationId: 'c-1' }), context([p]))).toEqual([
      { kind: 'RunPod', id: 'e-7', namespace: 'default', name: 'ds-a', uid: 'uid-ds-a', nodeName: 'node-1', pod: p, correlationId: 'c-1' },
    ]);
  });

  it('PodDeletionRequested → StopPod with the grace period the deletion asked for', () => {
    const p = pod('ds-a', { deleting: true, grace: 30 });
    expect(podCommandsFor(event('PodDeletionRequested', 'pod-default.ds-a', { gracePeriodSeconds: 5 }, { id: 'e-8' }), context([p]))).toEqual([
      { kind: 'StopPod', id: 'e-8', namespace: 'default', name: 'ds-a', uid: 'uid-ds-a', nodeName: 'node-1', gracePeriodSeconds: 5 },
    ]);
  });

  it.each([
    ['the pod is gone from the view', 'PodBound', [], {}],
    ['the pod was deleted since', 'PodBound', [pod('ds-a')], { later: ['PodStatusReported', 'PodDeleted'] }],
    ['the pod was replaced under the same name (a new PodCreated)', 'PodBound', [pod('ds-a', { uid: 'new' })], { later: ['PodDeleted', 'PodCreated', 'PodBound'] }],
    ['the pod is already being deleted', 'PodBound', [pod('ds-a', { deleting: true })], {}],
    ['a deletion follows later in the log', 'PodBound', [pod('ds-a')], { later: ['PodDeletionRequested'] }],
    ['the node is not known', 'PodBound', [pod('ds-a', { node: 'node-9' })], {}],
    ['the pod is not bound', 'PodBound', [pod('ds-a', { node: '' })], {}],
    ['a StopPod for a pod replaced since', 'PodDeletionRequested', [pod('ds-a', { uid: 'new' })], { later: ['PodDeleted', 'PodCreated'] }],
    ['a StopPod for a pod gone', 'PodDeletionRequested', [], { later: ['PodDeleted'] }],
  ] as [string, string, Pod[], { later?: string[] }][])('sends nothing when %s', (_why, type, pods, o) => {
    expect(podCommandsFor(event(type, 'pod-default.ds-a', { nodeName: 'node-1', gracePeriodSeconds: 30 }), context(pods, o))).toEqual([]);
  });

  it('ignores every other event', () => {
    expect(podCommandsFor(event('PodStatusReported', 'pod-default.ds-a'), context([pod('ds-a')]))).toEqual([]);
    expect(podCommandsFor(event('NodeJoined', 'node-node-1'), context([pod('ds-a')]))).toEqual([]);
  });

  it('NodeReregistered → every pod on the node again: RunPod, or StopPod when it is being deleted; ids unique per pod', () => {
    const pods = [pod('a'), pod('b', { deleting: true, grace: 10 }), pod('c', { node: 'node-2' })];
    const messages = podCommandsFor(event('NodeReregistered', 'node-node-1', {}, { id: 'e-9' }), context(pods, { nodes: ['node-1', 'node-2'] }));
    expect(messages.map((m) => [m.kind, m.name, m.id, m.nodeName])).toEqual([
      ['RunPod', 'a', 'e-9:uid-a', 'node-1'],
      ['StopPod', 'b', 'e-9:uid-b', 'node-1'],
    ]);
    expect(messages[1]).toMatchObject({ gracePeriodSeconds: 10 });
  });

  it('the embedded resync builds the same messages, without ids', () => {
    expect(resyncMessages([pod('a')])).toEqual([{ kind: 'RunPod', namespace: 'default', name: 'a', uid: 'uid-a', nodeName: 'node-1', pod: pod('a') }]);
  });
});
