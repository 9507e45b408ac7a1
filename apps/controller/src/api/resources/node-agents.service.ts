import { Injectable } from '@nestjs/common';
import type { Node } from '@daemonledger/domain/api/types';
import { DEFAULT_NODE_SIZE, type NodeSize } from '@daemonledger/domain/cluster/simulated-node';
import type { KubeObject, NodeAgentHooks } from './resource-def';

interface Fleet {
  join(node: Node): Promise<void>;
  leave(name: string): void;
}

/**
 * The simulated kubelet fleet, when it runs in this process (embedded mode;
 * attached once it has started). In distributed mode nothing is attached and
 * API-created nodes simply wait for an agent to serve them.
 */
@Injectable()
export class NodeAgents implements NodeAgentHooks {
  private fleet?: Fleet;
  /** The simulated machines' size (SIM_NODE_CAPACITY): what a kubelet reports for a Node created without one. */
  nodeSize: NodeSize = DEFAULT_NODE_SIZE;
  /** The Lease duration the fleet's kubelets would renew with (the kubelet's default, nodeLeaseDurationSeconds 40). */
  leaseDurationSeconds = 40;

  attach(fleet: Fleet, nodeSize: NodeSize = DEFAULT_NODE_SIZE): void {
    this.fleet = fleet;
    this.nodeSize = nodeSize;
  }

  get attached(): boolean {
    return this.fleet !== undefined;
  }

  async join(node: KubeObject): Promise<void> {
    await this.fleet?.join(node as Node);
  }

  leave(name: string): void {
    this.fleet?.leave(name);
  }
}
