import type { Node } from '../api/types';
import type { StoredObject } from '../kinds/kind-def';
import { nodeLeaseRenewIntervalMs, planLeaseRenewals, simulatedNodeLease, withKubeletHeartbeat, type NodeHeartbeat, type NodeLeaseView } from './node-leases';

const aNode = (name: string): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, uid: `uid-${name}` }, spec: {} });
const hb = (nodeName: string, renewTime: string, o: Partial<NodeHeartbeat> = {}): NodeHeartbeat => ({ nodeName, holderIdentity: nodeName, renewTime, leaseDurationSeconds: 40, ...o });
const lease = (name: string, renewTime: string, extra: Partial<StoredObject> = {}): StoredObject => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name, namespace: 'kube-node-lease', uid: `lease-${name}`, resourceVersion: '17', creationTimestamp: '2026-12-02T11:00:00Z' },
  spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime },
  ...extra,
});
const view = (nodeNames: string[], leases: StoredObject[] = []): NodeLeaseView => ({
  node: (n) => (nodeNames.includes(n) ? aNode(n) : undefined),
  lease: (n) => leases.find((l) => l.metadata.name === n),
});

describe('heartbeats → node Leases', () => {
  it('the first heartbeat of a node creates its Lease, owned by the Node, held by the node', () => {
    const { writes, dropped } = planLeaseRenewals([hb('node-0', '2026-12-02T12:00:00.000001Z', { holderIdentity: '' })], view(['node-0']));
    expect(dropped).toEqual([]);
    expect(writes).toEqual([
      {
        nodeName: 'node-0',
        command: {
          type: 'CreateObject',
          object: {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name: 'node-0', namespace: 'kube-node-lease', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'node-0', uid: 'uid-node-0' }] },
            spec: { holderIdentity: 'node-0', leaseDurationSeconds: 40, renewTime: '2026-12-02T12:00:00.000001Z' },
          },
        },
      },
    ]);
  });

  it('a later heartbeat renews it at the resourceVersion it was read at, keeping what else the Lease holds', () => {
    const current = lease('node-0', '2026-12-02T12:00:00.000000Z', { metadata: { ...lease('node-0', '').metadata, labels: { team: 'a' } } });
    const { writes } = planLeaseRenewals([hb('node-0', '2026-12-02T12:00:10.000000Z', { holderIdentity: 'agent-1' })], view(['node-0'], [current]));
    expect(writes).toHaveLength(1);
    const cmd = writes[0].command;
    expect(cmd).toMatchObject({ type: 'UpdateObject', expectedResourceVersion: '17' });
    expect(cmd.type === 'UpdateObject' && cmd.object).toMatchObject({
      metadata: { name: 'node-0', uid: 'lease-node-0', labels: { team: 'a' } },
      spec: { holderIdentity: 'agent-1', leaseDurationSeconds: 40, renewTime: '2026-12-02T12:00:10.000000Z' },
    });
  });

  it.each<[string, string]>([
    ['older than the recorded renewal', '2026-12-02T12:00:04.999999Z'],
    ['the recorded renewal again (a redelivery)', '2026-12-02T12:00:05.000000Z'],
  ])('a heartbeat %s is dropped as stale', (_name, renewTime) => {
    const { writes, dropped } = planLeaseRenewals([hb('node-0', renewTime)], view(['node-0'], [lease('node-0', '2026-12-02T12:00:05.000000Z')]));
    expect(writes).toEqual([]);
    expect(dropped.map((d) => d.reason)).toEqual(['Stale']);
  });

  it('a heartbeat for a node the log does not know is dropped', () => {
    const { writes, dropped } = planLeaseRenewals([hb('ghost', '2026-12-02T12:00:00Z')], view(['node-0']));
    expect(writes).toEqual([]);
    expect(dropped).toMatchObject([{ heartbeat: { nodeName: 'ghost' }, reason: 'UnknownNode' }]);
  });

  it('a burst: one write per node with its newest renewal, whatever the arrival order', () => {
    const burst = [hb('node-0', '2026-12-02T12:00:20Z'), hb('node-1', '2026-12-02T12:00:10Z'), hb('node-0', '2026-12-02T12:00:30Z'), hb('node-0', '2026-12-02T12:00:25Z')];
    const { writes, dropped } = planLeaseRenewals(burst, view(['node-0', 'node-1']));
    expect(writes.map((w) => [w.nodeName, w.command.type === 'CreateObject' && (w.command.object.spec as { renewTime: string }).renewTime])).toEqual([
      ['node-0', '2026-12-02T12:00:30.000000Z'],
      ['node-1', '2026-12-02T12:00:10.000000Z'],
    ]);
    expect(dropped.map((d) => [d.heartbeat.renewTime, d.reason])).toEqual([
      ['2026-12-02T12:00:20Z', 'Stale'],
      ['2026-12-02T12:00:25Z', 'Stale'],
    ]);
  });

  it.each<[string, Partial<NodeHeartbeat>]>([
    ['a renewTime that is not RFC 3339', { renewTime: 'now' }],
    ['a duration the Lease cannot have', { leaseDurationSeconds: 0 }],
  ])('%s is dropped as invalid', (_name, over) => {
    const { writes, dropped } = planLeaseRenewals([hb('node-0', '2026-12-02T12:00:00Z', over)], view(['node-0']));
    expect(writes).toEqual([]);
    expect(dropped.map((d) => d.reason)).toEqual(['Invalid']);
  });
});

describe('the Lease of a simulated kubelet in this process (derived, never written)', () => {
  const joined = Date.parse('2026-12-02T11:00:00Z');
  const node = (ready: { status: 'True' | 'Unknown'; lastHeartbeatTime: string }): Node => ({
    ...aNode('node-0'),
    metadata: { name: 'node-0', uid: 'aaaa-bbbb', resourceVersion: '5', creationTimestamp: '2026-12-02T11:00:00Z' },
    status: { conditions: [{ type: 'Ready', reason: 'KubeletReady', ...ready }] },
  });
  const lease = (n: Node, now: number) => simulatedNodeLease(n, now, 40)!;

  it('renews every quarter of its duration, as upstream’s kubelet does (10 s for 40 s)', () => expect(nodeLeaseRenewIntervalMs(40)).toBe(10_000));

  it('is named after the node in kube-node-lease, held by it, owned by it, as old as it', () => {
    const l = lease(node({ status: 'True', lastHeartbeatTime: '2026-12-02T11:00:00Z' }), joined);
    expect(l.metadata).toMatchObject({ name: 'node-0', namespace: 'kube-node-lease', creationTimestamp: '2026-12-02T11:00:00Z', resourceVersion: '5', ownerReferences: [{ kind: 'Node', name: 'node-0', uid: 'aaaa-bbbb' }] });
    expect(l.metadata.uid).not.toBe('aaaa-bbbb');
    expect(l.spec).toEqual({ holderIdentity: 'node-0', leaseDurationSeconds: 40, renewTime: '2026-12-02T11:00:00.000000Z' });
  });

  it('renewTime is the last renewal tick at or before now (bounded: no write per renewal)', () => {
    const ready = node({ status: 'True', lastHeartbeatTime: '2026-12-02T11:00:00Z' });
    expect((lease(ready, joined + 25_000).spec as { renewTime: string }).renewTime).toBe('2026-12-02T11:00:20.000000Z');
    expect((lease(ready, joined + 3_600_000).spec as { renewTime: string }).renewTime).toBe('2026-12-02T12:00:00.000000Z');
  });

  it('a node marked Unknown (its kubelet stopped) renews no more: the last tick before its last heartbeat', () => {
    const unknown = node({ status: 'Unknown', lastHeartbeatTime: '2026-12-02T11:05:07Z' });
    expect((lease(unknown, joined + 3_600_000).spec as { renewTime: string }).renewTime).toBe('2026-12-02T11:05:00.000000Z');
  });
});

describe('a simulated kubelet’s periodic status reports (derived at read time)', () => {
  const at = (t: string) => Date.parse(t);
  const node = (status: 'True' | 'Unknown'): Node => ({
    ...aNode('node-0'),
    status: {
      conditions: [
        { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: '2026-12-02T11:00:00Z', lastTransitionTime: '2026-12-02T11:00:00Z' },
        { type: 'Ready', status, lastHeartbeatTime: '2026-12-02T11:00:00Z', lastTransitionTime: '2026-12-02T11:00:00Z' },
      ],
    },
  });
  const heartbeats = (n: Node) => n.status?.conditions?.map((c) => c.lastHeartbeatTime);

  it('every 5 minutes (nodeStatusReportFrequency) each condition’s heartbeat moves to the last report; transitions stay', () => {
    const later = withKubeletHeartbeat(node('True'), at('2026-12-02T11:12:34Z'));
    expect(heartbeats(later)).toEqual(['2026-12-02T11:10:00Z', '2026-12-02T11:10:00Z']);
    expect(later.status?.conditions?.map((c) => c.lastTransitionTime)).toEqual(['2026-12-02T11:00:00Z', '2026-12-02T11:00:00Z']);
  });

  it('before the first report is due, the node is the one recorded (same object)', () => {
    const n = node('True');
    expect(withKubeletHeartbeat(n, at('2026-12-02T11:04:59Z'))).toBe(n);
  });

  it('a node marked Unknown (its kubelet stopped) reports nothing', () => {
    const n = node('Unknown');
    expect(withKubeletHeartbeat(n, at('2026-12-02T12:00:00Z'))).toBe(n);
  });
});
