import type { Node } from '@daemonledger/domain/api/types';
import { nodeStream } from '@daemonledger/domain/cluster/streams';
import type { RecordedEvent } from '@daemonledger/event-store/event-store.port';
import { ClusterView } from './cluster-view';

/** What the view tells an incremental planner changed: the nodes a DaemonSet's next sync must read again. */
const T = '2026-12-03T10:00:00Z';
const node = (name: string): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { a: '1' } }, spec: {} });
let position = 0;
const event = (streamId: string, type: string, data: unknown): RecordedEvent =>
  ({ id: `e${++position}`, type, schemaVersion: 1, data, metadata: { actor: 'kubelet', wallTime: T }, streamId, revision: position, position, recordedAt: T }) as RecordedEvent;

describe('ClusterView.takePlanChanges', () => {
  const view = new ClusterView();
  view.apply(event(nodeStream('node-0'), 'NodeJoined', { node: node('node-0') }));
  view.apply(event(nodeStream('node-1'), 'NodeJoined', { node: node('node-1') }));

  it('a planner that never asked reads every node', () => expect(view.takePlanChanges('default', 'ds-uid')).toBe('all'));

  it('a node\'s image list changing marks nothing (no predicate reads status.images); its labels changing marks it', () => {
    view.apply(event(nodeStream('node-0'), 'NodeImagesChanged', { images: ['nginx:1.9.1'] }));
    expect([...(view.takePlanChanges('default', 'ds-uid') as Iterable<string>)]).toEqual([]);
    expect(view.nodes.get('node-0')?.status?.images?.[0]?.names).toContain('nginx:1.9.1');
    view.apply(event(nodeStream('node-1'), 'NodeLabelsChanged', { labels: { a: '2' } }));
    expect([...(view.takePlanChanges('default', 'ds-uid') as Iterable<string>)]).toEqual(['node-1']);
  });
});
