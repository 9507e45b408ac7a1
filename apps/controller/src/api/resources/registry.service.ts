import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { EventStore } from '@daemonledger/event-store/event-store.port';
import { CLOCK, type Clock, EVENT_STORE } from '../../infrastructure/tokens';
import { NodeAgents } from './node-agents.service';
import { CONTROLLER_REVISIONS_RESOURCE } from './controller-revisions.resource';
import { DAEMON_SETS } from './daemon-sets.resource';
import { ENDPOINT_SLICES_RESOURCE, ENDPOINTS_RESOURCE, EVENTS_RESOURCE, REPLICASETS_RESOURCE } from './derived.resources';
import { SECRET_SEALER, type SecretSealer } from '../../infrastructure/secret-sealer.port';
import { storedResources } from './stored.resources';
import { nodesResource } from './nodes.resource';
import { PODS_RESOURCE } from './pods.resource';
import type { ResourceDef } from './resource-def';
import { ROLLOUTS_RESOURCE } from './rollouts.resource';

/** Every resource the API serves, by group and plural name. */
@Injectable()
export class ResourceRegistry implements OnApplicationBootstrap {
  /** When the cluster began: the first event of the log (namespaces are as old as it). */
  private createdAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  readonly all: readonly ResourceDef[];

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SECRET_SEALER) sealer: SecretSealer,
    @Inject(CLOCK) clock: Clock,
    nodeAgents: NodeAgents,
  ) {
    // Embedded mode: the fleet's kubelets run here, their node Leases (stored.resources.ts) and periodic status reports (nodes.resource.ts) are derived.
    const simulatedLeases = () => (nodeAgents.attached ? { now: clock.now().getTime(), leaseDurationSeconds: nodeAgents.leaseDurationSeconds } : undefined);
    this.all = [
      DAEMON_SETS,
      CONTROLLER_REVISIONS_RESOURCE,
      REPLICASETS_RESOURCE,
      PODS_RESOURCE,
      nodesResource(simulatedLeases),
      ...storedResources({ createdAt: () => this.createdAt, sealer, simulatedLeases }),
      EVENTS_RESOURCE,
      ENDPOINTS_RESOURCE,
      ENDPOINT_SLICES_RESOURCE,
      ROLLOUTS_RESOURCE,
    ] as unknown as ResourceDef[];
  }

  async onApplicationBootstrap(): Promise<void> {
    const [first] = await this.store.readAll({ maxCount: 1 });
    if (first) this.createdAt = (first.metadata.wallTime ?? first.recordedAt).replace(/\.\d+Z$/, 'Z');
  }

  get(group: string, resource: string): ResourceDef | undefined {
    return this.all.find((d) => d.group === group && d.resource === resource);
  }
}
