import { admitNodeCreate, admitNodeStatusUpdate, admitNodeUpdate, canonicalJson, forbidden, invalidError, NODES, SELECTABLE_FIELDS, statusWriteMetadata } from '@daemonledger/domain';
import type { Node } from '@daemonledger/domain/api/types';
import { withKubeletHeartbeat } from '@daemonledger/domain/cluster/node-leases';
import { registeredNodeStatus } from '@daemonledger/domain/cluster/simulated-node';
import { NodeCommandMsg } from '../../commands/cluster.commands';
import { controllerRefChange, refuseFinalizerChange } from './kept-metadata';
import { byName, type ResourceDef, type WriteContext } from './resource-def';

const command = (name: string, c: WriteContext, cmd: NodeCommandMsg['command'], actor?: string) =>
  c.execute(new NodeCommandMsg(name, cmd, actor ? { ...c.meta, actor } : c.meta));

/**
 * v1 nodes (+ status). A user-created Node (`kubectl create -f
 * node.yaml`) gets a simulated kubelet in embedded mode, which registers and
 * reports Ready like a real one; deleting a Node stops its kubelet and the
 * garbage collector removes its pods.
 */
export const NODES_RESOURCE: ResourceDef<Node> = {
  group: '',
  version: 'v1',
  resource: 'nodes',
  kind: 'Node',
  namespaced: false,
  ref: NODES,
  streamKind: 'node',
  hasStatus: true,
  selectableFields: SELECTABLE_FIELDS.Node,
  fields: (n) => ({ 'metadata.name': n.metadata.name ?? '', 'spec.unschedulable': String(Boolean(n.spec.unschedulable)) }),
  list: (view) => byName([...view.nodes.values()]),
  get: (view, _ns, name) => view.nodes.get(name),
  writes: {
    decodeKind: 'Node',
    patchKind: 'Node',
    async create(input, c) {
      const node = admitNodeCreate({ ...input, metadata: { ...input.metadata, namespace: undefined } });
      if (c.dryRun) return node;
      const name = node.metadata.name!;
      await command(name, c, { type: 'JoinNode', node });
      if (c.nodeAgents.attached) {
        await c.nodeAgents.join(c.view.nodes.get(name)!);
        // What the kubelet posts once it runs: its machine's resources (when the Node gave none), then Ready.
        const status = registeredNodeStatus(c.view.nodes.get(name)!, c.nodeAgents.nodeSize);
        if (status) await command(name, c, { type: 'ReportNodeStatus', status }, `node-agent:${name}`);
        await command(name, c, { type: 'SetNodeReadiness', status: 'True' }, `node-agent:${name}`);
      }
      return c.view.nodes.get(name) ?? node;
    },
    async update(input, current, c) {
      const node = admitNodeUpdate(input, current);
      controllerRefChange('Node', node, current, false);
      refuseFinalizerChange('Node', node, current);
      const rest = (n: Node) => canonicalJson({ ...n.spec, taints: undefined, unschedulable: undefined });
      if (rest(node) !== rest(current)) {
        throw invalidError('Node', '', current.metadata.name!, [forbidden('spec', 'DaemonLedger records changes to spec.taints and spec.unschedulable only')]);
      }
      if (c.dryRun) return node;
      const name = current.metadata.name!;
      await command(name, c, {
        type: 'UpdateNode',
        labels: node.metadata.labels ?? {},
        annotations: node.metadata.annotations ?? {},
        taints: node.spec.taints ?? [],
        unschedulable: Boolean(node.spec.unschedulable),
        expectedResourceVersion: input.metadata.resourceVersion,
      });
      return c.view.nodes.get(name) ?? node;
    },
    async updateStatus(input, current, c) {
      const node = admitNodeStatusUpdate(input, current);
      if (c.dryRun) return node;
      const name = current.metadata.name!;
      await command(name, c, { type: 'ReportNodeStatus', status: node.status ?? {}, ...statusWriteMetadata(node), expectedResourceVersion: input.metadata.resourceVersion });
      return c.view.nodes.get(name) ?? current;
    },
    async delete(current, _options, c) {
      if (c.dryRun) return current;
      const name = current.metadata.name!;
      c.nodeAgents.leave(name);
      await command(name, c, { type: 'LeaveNode' });
      return c.view.nodes.get(name);
    },
  },
};

/**
 * Nodes as served when their kubelets are simulated in this process
 * (embedded mode): each as its kubelet's periodic status reports leave it
 * (`withKubeletHeartbeat`: the conditions' lastHeartbeatTime moves every
 * 5 minutes), derived when read instead of written, as their Leases are.
 * `present` is there only while the fleet is (a getter: the fleet attaches
 * after the API is built), so nothing changes for other modes; while it is,
 * node lists are not kept across requests (their heartbeats move with time).
 */
export const nodesResource = (simulated: () => { now: number } | undefined): ResourceDef<Node> => {
  const reported = (n: Node) => {
    const sim = simulated();
    return sim ? withKubeletHeartbeat(n, sim.now) : n;
  };
  const def: ResourceDef<Node> = {
    ...NODES_RESOURCE,
    list: (view, ns) => NODES_RESOURCE.list(view, ns).map(reported),
    get: (view, ns, name) => {
      const n = NODES_RESOURCE.get(view, ns, name);
      return n && reported(n);
    },
  };
  Object.defineProperty(def, 'present', { enumerable: true, get: () => (simulated() ? reported : undefined) });
  return def;
};
