import { Injectable } from '@nestjs/common';
import type { Node } from '@daemonledger/domain/api/types';
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

  attach(fleet: Fleet): void {
    this.fleet = fleet;
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
