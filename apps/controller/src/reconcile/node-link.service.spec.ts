import type { CommandBus } from '@nestjs/cqrs';
import type { Pod } from '@daemonledger/domain/api/types';
import { DomainError } from '@daemonledger/domain/errors';
import { simulatedNode } from '@daemonledger/domain/cluster/simulated-node';
import type { RecordedEvent } from '@daemonledger/event-store/event-store.port';
import { InProcessTransport, TOPICS, type TransportMessage } from '@daemonledger/messaging';
import type { ClusterCommandBatch, NodeCommandMsg, PodCommandMsg } from '../commands/cluster.commands';
import type { ClusterState } from '../projections/cluster-state.service';
import { Recorded } from '../projections/recorded';
import { NodeLink } from './node-link.service';

const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace: 'default', name: 'ds-a', uid: 'uid-a' },
  spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx' }] },
} as Pod;

/** A view that knows `nodes` and the one pod, and a bus that answers node commands from `log` (the node stream's truth). */
const setup = (o: { viaRelay: boolean; viewNodes: string[]; logNodes: string[] }) => {
  const state = { view: { nodes: new Map(o.viewNodes.map((n) => [n, simulatedNode(0)])), pod: () => pod, allPods: () => [pod], position: 1 } } as unknown as ClusterState;
  const executed: string[] = [];
  const bus = {
    execute: async (msg: NodeCommandMsg) => {
      executed.push(`${msg.command.type} ${msg.name}`);
      const exists = o.logNodes.includes(msg.name);
      if (msg.command.type === 'JoinNode' && exists) throw new DomainError('AlreadyExists', 'exists');
      if (msg.command.type === 'ReregisterNode' && !exists) throw new DomainError('NotFound', 'not found');
      return [];
    },
  } as unknown as CommandBus;
  const transport = new InProcessTransport();
  const link = new NodeLink(transport, bus, state, o.viaRelay);
  return { link, executed, transport };
};

const register = (link: NodeLink, nodeName: string) =>
  (link as unknown as { onReport(m: unknown): Promise<void> }).onReport({ kind: 'NodeRegister', nodeName, node: simulatedNode(1) });

const bound = { id: 'ev-1', type: 'PodBound', streamId: 'pod-default.ds-a', revision: 1, position: 2, data: { nodeName: 'node-1' }, metadata: {}, schemaVersion: 1, recordedAt: '' } as RecordedEvent;

describe('NodeLink', () => {
  describe('with the pod-command relay (distributed mode)', () => {
    it('records a known kubelet registering again (the relay resends its pods), and publishes nothing itself', async () => {
      const { link, executed, transport } = setup({ viaRelay: true, viewNodes: ['node-1'], logNodes: ['node-1'] });
      const sent: TransportMessage[] = [];
      await transport.subscribe(TOPICS.nodeCommands, 'agents', (m) => void sent.push(m));
      await register(link, 'node-1');
      link.handle(new Recorded(bound, []));
      await transport.drain();
      expect(executed).toEqual(['ReregisterNode node-1']);
      expect(sent).toEqual([]);
    });

    it('a follower whose view lags: JoinNode refused as AlreadyExists → the re-registration is recorded', async () => {
      const { link, executed } = setup({ viaRelay: true, viewNodes: [], logNodes: ['node-1'] });
      await register(link, 'node-1');
      expect(executed).toEqual(['JoinNode node-1', 'ReregisterNode node-1']);
    });

    it('a node that left since the view saw it joins again', async () => {
      const { link, executed } = setup({ viaRelay: true, viewNodes: ['node-1'], logNodes: [] });
      await register(link, 'node-1');
      expect(executed).toEqual(['ReregisterNode node-1', 'JoinNode node-1']);
    });
  });

  describe('pod reports', () => {
    /** A view `behind` the log until caught up: a pod the log has is NotFound to the view until then. */
    const reporting = (o: { behind: boolean }) => {
      let behind = o.behind;
      const state = { view: { nodes: new Map(), position: 1 }, catchUp: async () => (behind ? ((behind = false), true) : false) } as unknown as ClusterState;
      const decided: string[][] = [];
      const bus = {
        execute: async (batch: ClusterCommandBatch) => {
          decided.push(batch.items.map((m) => (m as PodCommandMsg).name));
          return batch.items.map((m) =>
            (m as PodCommandMsg).name === 'old' || behind ? { error: new DomainError('NotFound', `pod ${(m as PodCommandMsg).name} not found`) } : {},
          );
        },
      } as unknown as CommandBus;
      const link = new NodeLink(new InProcessTransport(), bus, state, true);
      const report = (name: string) =>
        (link as unknown as { onReport(m: unknown): Promise<void> }).onReport({ kind: 'PodStatus', nodeName: 'node-1', namespace: 'default', name, uid: `uid-${name}`, status: { phase: 'Running' } });
      return { decided, report };
    };

    it('a pod newer than a lagging view (a follower): decided again once the view holds the log, not dropped', async () => {
      const { decided, report } = reporting({ behind: true });
      await Promise.all([report('new-a'), report('new-b')]);
      expect(decided).toEqual([['new-a', 'new-b'], ['new-a', 'new-b']]);
    });

    it('a view already at the head: NotFound is the pod\'s own answer (a stale report), decided once and dropped', async () => {
      const { decided, report } = reporting({ behind: false });
      await Promise.all([report('old'), report('new-a')]);
      expect(decided).toEqual([['old', 'new-a']]);
    });
  });

  describe('bursts', () => {
    it('new nodes registering and nodes reporting their images in one turn share one batch (one transaction); refusals are answered, not thrown', async () => {
      const batches: string[][] = [];
      const state = { view: { nodes: new Map([['node-0', simulatedNode(0)]]), position: 1 }, catchUp: async () => false } as unknown as ClusterState;
      const bus = {
        execute: async (batch: ClusterCommandBatch) => {
          batches.push(batch.items.map((m) => `${m.command.type} ${m.name}`));
          // node-2 registered twice in the burst: the second join finds it; node-9 left before its images were recorded.
          return batch.items.map((m, i) =>
            m.name === 'node-2' && i > 2 ? { error: new DomainError('AlreadyExists', 'exists') } : m.name === 'node-9' ? { error: new DomainError('NotFound', 'gone') } : {},
          );
        },
      } as unknown as CommandBus;
      const link = new NodeLink(new InProcessTransport(), bus, state, false);
      const onReport = (m: unknown) => (link as unknown as { onReport(m: unknown): Promise<void> }).onReport(m);
      const errors: string[] = [];
      (link as unknown as { log: { error(m: string): void; warn(m: string): void } }).log = { error: (m: string) => void errors.push(m), warn: (m: string) => void errors.push(m) };
      await Promise.all([
        register(link, 'node-1'),
        register(link, 'node-2'),
        onReport({ kind: 'NodeImages', nodeName: 'node-0', images: ['nginx:1.9.1'] }),
        register(link, 'node-2'),
        onReport({ kind: 'NodeImages', nodeName: 'node-9', images: [] }),
      ]);
      expect(batches).toEqual([['JoinNode node-1', 'JoinNode node-2', 'ReportNodeImages node-0', 'JoinNode node-2', 'ReportNodeImages node-9']]);
      expect(errors).toEqual([]);
    });
  });

  describe('embedded (no relay): as before', () => {
    it('publishes RunPod for a PodBound (id = the event id), and resyncs a known kubelet directly, appending nothing', async () => {
      const { link, executed, transport } = setup({ viaRelay: false, viewNodes: ['node-1'], logNodes: ['node-1'] });
      const sent: TransportMessage[] = [];
      await transport.subscribe(TOPICS.nodeCommands, 'agents', (m) => void sent.push(m));
      link.handle(new Recorded(bound, []));
      await register(link, 'node-1');
      await transport.drain();
      expect(executed).toEqual([]);
      expect(sent.map((m) => [m.key, (m.value as { kind: string; id?: string }).kind, (m.value as { id?: string }).id])).toEqual([
        ['node-1', 'RunPod', 'ev-1'],
        ['node-1', 'RunPod', undefined],
      ]);
    });
  });
});
