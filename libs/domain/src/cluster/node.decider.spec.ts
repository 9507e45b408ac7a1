import type { Node } from '../api/types';
import { evolveNode } from './evolve';
import { decideNode } from './node.decider';

const ctx = { now: '2026-11-22T10:00:00Z', newUid: 'n-uid' };
const aNode: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-0', labels: { a: 'b' } }, spec: {} };
const joined = evolveNode(undefined, decideNode({ type: 'JoinNode', node: aNode }, undefined, ctx)[0], '1')!;

describe('Node decider', () => {
  it('joins once', () => {
    expect(joined.metadata).toMatchObject({ uid: 'n-uid', creationTimestamp: ctx.now, resourceVersion: '1' });
    expect(() => decideNode({ type: 'JoinNode', node: aNode }, joined, ctx)).toThrow(/already exists/);
  });

  it.each([
    ['False', 'node.kubernetes.io/not-ready'],
    ['Unknown', 'node.kubernetes.io/unreachable'],
  ] as const)('readiness %s puts the %s taints (NoSchedule and NoExecute), and True removes them', (status, key) => {
    const down = evolveNode(joined, decideNode({ type: 'SetNodeReadiness', status }, joined, ctx)[0], '2')!;
    expect(down.spec.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual([`${key}:NoSchedule`, `${key}:NoExecute`]);
    expect(down.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe(status);
    const up = evolveNode(down, decideNode({ type: 'SetNodeReadiness', status: 'True' }, down, ctx)[0], '3')!;
    expect(up.spec.taints).toEqual([]);
  });

  describe('ReregisterNode (a restarted kubelet registers again)', () => {
    it('records the re-registration, which changes nothing in the Node (same object, same resourceVersion)', () => {
      const events = decideNode({ type: 'ReregisterNode' }, joined, ctx);
      expect(events).toEqual([{ type: 'NodeReregistered', data: {} }]);
      expect(evolveNode(joined, events[0], '9')).toBe(joined);
    });

    it('is refused for a node the log does not hold', () => expect(() => decideNode({ type: 'ReregisterNode' }, undefined, ctx)).toThrow(/not found/));
  });

  describe('UpdateNode (a user PUT/PATCH)', () => {
    const update = (over: Partial<{ labels: Record<string, string>; taints: Node['spec']['taints']; unschedulable: boolean; expectedResourceVersion: string }>, node = joined) =>
      decideNode({ type: 'UpdateNode', labels: node.metadata.labels ?? {}, taints: node.spec.taints ?? [], unschedulable: Boolean(node.spec.unschedulable), ...over } as never, node, ctx);

    it('appends nothing when nothing changes', () => expect(update({})).toEqual([]));

    it('records a label change alone', () => expect(update({ labels: { a: 'c' } })).toEqual([{ type: 'NodeLabelsChanged', data: { labels: { a: 'c' } } }]));

    it('changes labels and taints in one decision', () => {
      const taints = [{ key: 'k', value: 'v', effect: 'NoSchedule' as const }];
      expect(update({ labels: { a: 'b', disktype: 'ssd' }, taints })).toEqual([
        { type: 'NodeLabelsChanged', data: { labels: { a: 'b', disktype: 'ssd' } } },
        { type: 'NodeTaintsChanged', data: { taints } },
      ]);
    });

    it('cordons with the unschedulable taint added to the taints sent, and uncordons removing it', () => {
      const [cordon] = update({ unschedulable: true });
      expect(cordon).toEqual({ type: 'NodeCordoned', data: { taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: ctx.now }] } });
      const cordoned = evolveNode(joined, cordon as never, '2')!;
      expect(cordoned.spec.unschedulable).toBe(true);
      expect(update({ unschedulable: true }, cordoned)).toEqual([]);
      const [uncordon] = update({ unschedulable: false }, cordoned);
      expect(uncordon).toEqual({ type: 'NodeUncordoned', data: { taints: [] } });
      expect(evolveNode(cordoned, uncordon as never, '3')!.spec.unschedulable).toBeUndefined();
    });

    it('refuses a stale resourceVersion', () => expect(() => update({ expectedResourceVersion: '0' })).toThrow(/the object has been modified/));

    it('records annotations (kubectl annotate node), and their removal', () => {
      const [e] = update({ annotations: { note: 'rack 4' } } as never);
      expect(e).toEqual({ type: 'NodeAnnotationsChanged', data: { annotations: { note: 'rack 4' } } });
      const annotated = evolveNode(joined, e as never, '2')!;
      expect(annotated.metadata.annotations).toEqual({ note: 'rack 4' });
      const cleared = evolveNode(annotated, update({ annotations: {} } as never, annotated)[0] as never, '3')!;
      expect(cleared.metadata.annotations).toBeUndefined();
    });
  });

  describe('ReportNodeStatus (PUT/PATCH nodes/<name>/status)', () => {
    const ready = (status: 'True' | 'False') => ({ conditions: [{ type: 'Ready', status, reason: 'Test' }], capacity: { cpu: '4' } });

    it('replaces the status; a Ready change brings or lifts the lifecycle taints', () => {
      const up = evolveNode(joined, decideNode({ type: 'ReportNodeStatus', status: ready('True') }, joined, ctx)[0], '2')!;
      expect(up.status).toEqual(ready('True'));
      expect(up.spec.taints ?? []).toEqual([]);
      const [down] = decideNode({ type: 'ReportNodeStatus', status: ready('False') }, up, ctx);
      const notReady = evolveNode(up, down, '3')!;
      expect(notReady.spec.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual(['node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute']);
      const back = evolveNode(notReady, decideNode({ type: 'ReportNodeStatus', status: ready('True') }, notReady, ctx)[0], '4')!;
      expect(back.spec.taints).toEqual([]);
    });

    it('appends nothing for the same status, and refuses a stale resourceVersion', () => {
      const up = evolveNode(joined, decideNode({ type: 'ReportNodeStatus', status: ready('True') }, joined, ctx)[0], '2')!;
      expect(decideNode({ type: 'ReportNodeStatus', status: ready('True') }, up, ctx)).toEqual([]);
      expect(() => decideNode({ type: 'ReportNodeStatus', status: ready('False'), expectedResourceVersion: '1' }, up, ctx)).toThrow(/the object has been modified/);
    });
  });

  it('ReportNodeStatus with other labels records them with the status, in one decision', () => {
    const events = decideNode({ type: 'ReportNodeStatus', status: { capacity: { cpu: '4' } }, labels: { a: 'c' }, annotations: { n: 'm' } }, joined, ctx);
    expect(events.map((e) => e.type)).toEqual(['NodeStatusReported', 'NodeLabelsChanged', 'NodeAnnotationsChanged']);
    const after = events.reduce<Node | undefined>((n, e, i) => evolveNode(n, e, String(2 + i)), joined)!;
    expect(after.metadata).toMatchObject({ labels: { a: 'c' }, annotations: { n: 'm' } });
    expect(after.status).toEqual({ capacity: { cpu: '4' } });
    expect(decideNode({ type: 'ReportNodeStatus', status: joined.status ?? {}, labels: { a: 'b' } }, joined, ctx)).toEqual([]);
  });
});
