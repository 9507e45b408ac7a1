import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { EventStore } from '@daemonledger/event-store/event-store.port';
import { timeOrderedUuid } from '@daemonledger/event-store';
import type { SnapshotStore } from '@daemonledger/event-store/snapshot-store.port';
import { InProcessTransport, type Transport } from '@daemonledger/messaging';
import type { AppConfig } from './config/config';
import { CLUSTER_COMMAND_HANDLERS } from './commands/cluster.handlers';
import { CommandRunner } from './commands/command-runner.service';
import { APP_CONFIG, CLOCK, type Clock, EVENT_STORE, ID_SOURCE, type IdSource, LEADERSHIP, type Leadership, SNAPSHOT_POLICY, SNAPSHOT_STORE, TRANSPORT, soleLeader, systemClock } from './infrastructure/tokens';
import { openSecretSealer } from './infrastructure/open-secret-sealer';
import { SECRET_SEALER } from './infrastructure/secret-sealer.port';
import { DEFAULT_SNAPSHOT_POLICY } from './projections/snapshot-scheduler';
import { ClusterState } from './projections/cluster-state.service';
import { GarbageCollector } from './reconcile/garbage-collector.service';
import { NodeLink } from './reconcile/node-link.service';
import { RECONCILE_PROVIDERS } from './reconcile';
import { SCHEDULING_PROVIDERS } from './scheduling';
import { ACTIVITY_SINK, ActivityLog } from './activity-log';
import { ControllerMetrics } from './metrics/controller-metrics';
import { API_CONTROLLERS, API_PROVIDERS, API_WRITE_PROVIDERS } from './api/api.module';

export interface AppWiring {
  config: AppConfig;
  store: EventStore;
  /** Snapshots of the read models beside the log (none: every start replays the whole log). */
  snapshots?: SnapshotStore;
  transport?: Transport;
  clock?: Clock;
  ids?: IdSource;
  /** Print a live account of what happens (npm start); off in tests. */
  activityLog?: (line: string) => void;
  /** Serve the Kubernetes REST API (an HTTP app: create it with NestFactory.create). */
  api?: boolean;
  /** Who may act (default: this process alone, the embedded mode). */
  leadership?: Leadership;
  /** More providers in the app's own module (the distributed mode's, e.g. RELAY_PROVIDERS), so its services see them. */
  extraProviders?: Provider[];
}

/** Time-ordered (UUIDv7): the store's id index then only grows at its end. */
export const timeOrderedIds: IdSource = { uuid: timeOrderedUuid };

/**
 * The controller, wired for one event store and one transport. The store is
 * opened by the caller (main.ts, tests) so that closing it is theirs too.
 */
@Module({})
export class AppModule {
  static forRoot(w: AppWiring): DynamicModule {
    const providers: Provider[] = [
      { provide: APP_CONFIG, useValue: w.config },
      { provide: EVENT_STORE, useValue: w.store },
      { provide: SNAPSHOT_STORE, useValue: w.snapshots ?? null },
      {
        provide: SNAPSHOT_POLICY,
        useValue: w.config.snapshots
          ? { ...DEFAULT_SNAPSHOT_POLICY, everyEvents: w.config.snapshots.everyEvents, retention: { ...DEFAULT_SNAPSHOT_POLICY.retention, max: w.config.snapshots.keep } }
          : DEFAULT_SNAPSHOT_POLICY,
      },
      { provide: TRANSPORT, useValue: w.transport ?? new InProcessTransport() },
      { provide: CLOCK, useValue: w.clock ?? systemClock },
      { provide: ID_SOURCE, useValue: w.ids ?? timeOrderedIds },
      { provide: LEADERSHIP, useValue: w.leadership ?? soleLeader },
      { provide: SECRET_SEALER, useFactory: () => openSecretSealer(w.config) },
      { provide: ACTIVITY_SINK, useValue: w.activityLog ?? null },
      ActivityLog,
      ClusterState,
      ControllerMetrics,
      CommandRunner,
      NodeLink,
      GarbageCollector,
      ...CLUSTER_COMMAND_HANDLERS,
      ...RECONCILE_PROVIDERS,
      ...SCHEDULING_PROVIDERS,
      ...(w.api ? API_PROVIDERS : API_WRITE_PROVIDERS),
      ...(w.extraProviders ?? []),
    ];
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot()],
      controllers: w.api ? API_CONTROLLERS : [],
      providers,
      exports: providers,
    };
  }
}
