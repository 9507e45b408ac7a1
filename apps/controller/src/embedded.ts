import { join } from 'node:path';
import type { INestApplication, INestApplicationContext, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { EventStore } from '@daemonledger/event-store/event-store.port';
import type { SnapshotStore } from '@daemonledger/event-store/snapshot-store.port';
import { InProcessTransport, type Transport } from '@daemonledger/messaging';
import { ImageRegistry, NodeFleet, simulatedNode, type FailureRule } from '@daemonledger/node-agent';
import { AppModule } from './app.module';
import { createApiApp, listenApi, type ServedApi } from './api/serve';
import { NodeAgents } from './api/resources/node-agents.service';
import { projectRoot } from './infrastructure/paths';
import { openLog } from './infrastructure/open-log';
import type { AppConfig } from './config/config';
import type { Clock, IdSource } from './infrastructure/tokens';
import { ClusterState } from './projections/cluster-state.service';
import { NodeLink } from './reconcile/node-link.service';
import { Reconciler } from './reconcile/reconciler.service';
import { GarbageCollector } from './reconcile/garbage-collector.service';
import { SchedulerService } from './scheduling';

/**
 * The whole loop in one process: controller, projections, and a fleet of
 * simulated kubelets on the in-process transport. `npm start`, the demo, the
 * benchmarks and the integration tests all start it through here.
 */
export interface EmbeddedOptions {
  config: AppConfig;
  store?: EventStore;
  /** Snapshots; by default beside the configured log (none when `store` is given, or SNAPSHOT_EVERY_EVENTS=0). */
  snapshots?: SnapshotStore;
  clock?: Clock;
  ids?: IdSource;
  activityLog?: (line: string) => void;
  podStopMs?: number;
  pullBackoffMs?: number;
  failures?: FailureRule[];
  registryCatalog?: string;
  registryStrict?: boolean;
  /** Join `config.simulation.nodes` nodes when the log has none (first start). */
  joinNodes?: boolean;
  /** Serve the Kubernetes API on config.host:config.port (npm start, e2e tests). */
  serve?: boolean;
}

export interface Embedded {
  app: INestApplicationContext;
  store: EventStore;
  snapshots?: SnapshotStore;
  transport: InProcessTransport;
  fleet: NodeFleet;
  state: ClusterState;
  /** The API server, when started with `serve`. */
  api?: ServedApi;
  /** Resolves once everything queued so far (commands, reports, reconciles) has settled. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_CATALOG = join(projectRoot(), 'infra/registry/catalog.yaml');

export const startEmbedded = async (o: EmbeddedOptions): Promise<Embedded> => {
  const opened = await openLog(o);
  const { store, snapshots } = opened;
  const transport = new InProcessTransport();
  const module = AppModule.forRoot({ config: o.config, store, snapshots, transport: transport as Transport, clock: o.clock, ids: o.ids, activityLog: o.activityLog, api: o.serve });
  const logger: LogLevel[] = o.config.logLevel === 'debug' ? ['error', 'warn', 'log', 'debug'] : ['error', 'warn'];
  let app: INestApplicationContext;
  if (o.serve) {
    app = await createApiApp(module, o.config, logger);
  } else {
    app = await NestFactory.createApplicationContext(module, { logger });
  }
  await app.init();
  const state = app.get(ClusterState);
  const reconciler = app.get(Reconciler);
  const gc = app.get(GarbageCollector);
  const scheduler = app.get(SchedulerService);
  await app.get(NodeLink).start();
  reconciler.start();
  await state.start();

  const fleet = new NodeFleet(
    transport,
    ImageRegistry.fromFile(o.registryCatalog ?? o.config.simulation.registryCatalog ?? DEFAULT_CATALOG, o.registryStrict ?? o.config.simulation.registryStrict),
    {
      podStartMs: o.config.simulation.podStartMs,
      podStopMs: o.podStopMs ?? o.config.simulation.podStopMs,
      pullBackoffMs: o.pullBackoffMs ?? o.config.simulation.pullBackoffMs,
      failures: o.failures ?? o.config.simulation.failures,
      now: o.clock ? () => o.clock!.now() : undefined,
    },
  );
  await fleet.start();
  // API-created nodes get a kubelet; when serving, listenApi attaches the fleet too.
  if (!o.serve) app.get(NodeAgents).attach(fleet, o.config.simulation.nodeSize);
  // Kubelets come back for every node the log knows (a restart), plus new ones on first start.
  const known = [...state.view.nodes.values()];
  for (const node of known) await fleet.join(node);
  if ((o.joinNodes ?? true) && known.length === 0) {
    for (let i = 0; i < o.config.simulation.nodes; i++) await fleet.join(simulatedNode(i, {}, o.config.simulation.nodeSize));
  }

  const api = o.serve ? await listenApi(app as INestApplication, o.config, fleet) : undefined;

  const settle = async () => {
    for (let i = 0; i < 1000; i++) {
      await transport.drain();
      await gc.idle();
      await reconciler.idle();
      await scheduler.idle();
      await new Promise((r) => setImmediate(r));
      if (transport.idle && reconciler.isIdle && scheduler.isIdle && (await store.headPosition()) === state.view.position) return;
    }
  };

  return {
    app,
    store,
    snapshots,
    transport,
    fleet,
    state,
    api,
    settle,
    close: async () => {
      fleet.stop();
      reconciler.stop();
      await transport.close();
      await app.close();
      await opened.close();
    },
  };
};
