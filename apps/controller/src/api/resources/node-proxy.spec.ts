import type { Pod } from '@daemonledger/domain/api/types';
import { kubeletPodList, proxiedNodeName } from './node-proxy.controller';

const pod = (name: string, nodeName?: string): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [], ...(nodeName ? { nodeName } : {}) } });

describe("a kubelet's /pods through the node proxy", () => {
  it.each([
    ['node-1', 'node-1'],
    ['node-1:10250', 'node-1'],
    ['kind-worker:10255', 'kind-worker'],
  ])('%s names node %s', (name, node) => expect(proxiedNodeName(name)).toBe(node));

  it("is a v1 PodList of that node's pods only (unbound pods and other nodes' pods left out)", () => {
    const list = kubeletPodList([pod('a', 'n1'), pod('b', 'n2'), pod('c'), pod('d', 'n1')], 'n1');
    expect(list).toMatchObject({ kind: 'PodList', apiVersion: 'v1', metadata: {} });
    expect(list.items.map((p) => p.metadata.name)).toEqual(['a', 'd']);
    expect(list.items.every((p) => p.kind === 'Pod' && p.apiVersion === 'v1')).toBe(true);
  });
});
