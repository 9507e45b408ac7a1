import type { INestApplication, INestApplicationContext, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { EventStore } from '@daemonledger/event-store/event-store.port';
import type { SnapshotStore } from '@daemonledger/event-store/snapshot-store.port';
import { openTransport, type Transport } from '@daemonledger/messaging';
import { AppModule, timeOrderedIds } from './app.module';
import { createApiApp, listenApi, type ServedApi } from './api/serve';
import type { AppConfig } from './config/config';
import { openLog } from './infrastructure/open-log';
import type { Clock, IdSource } from './infrastructure/tokens';
import { systemClock } from './infrastructure/tokens';
import { ClusterState } from './projections/cluster-state.service';
import { GarbageCollector } from './reconcile/garbage-collector.service';
import { NodeLink } from './reconcile/node-link.service';
import { Reconciler } from './reconcile/reconciler.service';
import { controllerIdentity, LeaderElectionService } from './distributed/leader-election.service';
import { LIFECYCLE_PROVIDERS, NodeHeartbeats, NodeLifecycle } from './distributed/lifecycle.providers';
import { RELAY_PROVIDERS, Relays } from './distributed/relay/relay.providers';

/**
 * One controller process among several on one log (distributed mode): the
 * API, the projection, NodeLink's reports, and leader election; the acting
 * services (reconcile, GC, namespace lifecycle, and the node lifecycle and
 * relays when wired) run only while this process holds the lease. No
 * simulated fleet: nodes come from node-agent processes over the transport.
 */
export interface ControllerOptions {
  config: AppConfig;
  transport: Transport;
  /** Opened from `config.eventStore` when not given (closed by `close()` only then). */
  store?: EventStore;
  snapshots?: SnapshotStore;
  clock?: Clock;
  ids?: IdSource;
  /** Serve the Kubernetes API on config.host:config.port. */
  serve?: boolean;
  /** Operator lines: identity, leadership changes (`daemonledger: leader <id>`, `daemonledger: following <holder>`). */
  log?: (line: string) => void;
  activityLog?: (line: string) => void;
}

export interface ControllerProcess {
  app: INestApplicationContext;
  store: EventStore;
  state: ClusterState;
  election: LeaderElectionService;
  api?: ServedApi;
  /** Releases the lease (another process takes over at once), then stops everything this process started. */
  close(): Promise<void>;
  /** A crash, as far as the others can tell: the election stops without releasing, the acting services stop. */
  crash(): Promise<void>;
}

/**
 * What the distributed controller adds to the app (issue 10): node heartbeats
 * recorded as node Leases (every process) and the node lifecycle (acts while
 * leader), from distributed/lifecycle.providers.ts; the events outbox and
 * the pod-command relay (relay while leader), from
 * distributed/relay/relay.providers.ts. Started once the view holds the log,
 * stopped before the app closes.
 */
export const DISTRIBUTED_PROVIDERS = [...LIFECYCLE_PROVIDERS, ...RELAY_PROVIDERS];

const startExtensions = async (app: INestApplicationContext): Promise<() => Promise<void>> => {
  const heartbeats = app.get(NodeHeartbeats);
  const lifecycle = app.get(NodeLifecycle);
  const relays = app.get(Relays);
  await heartbeats.start();
  lifecycle.start();
  await relays.start();
  return async () => {
    await lifecycle.stop();
    heartbeats.stop();
    await relays.stop();
  };
};

export const startController = async (o: ControllerOptions): Promise<ControllerProcess> => {
  const { config } = o;
  const opened = await openLog(o);
  const { store, snapshots } = opened;
  const clock = o.clock ?? systemClock;
  const ids = o.ids ?? timeOrderedIds;
  const election = new LeaderElectionService({
    store,
    identity: controllerIdentity(config.leases?.controllerId),
    leaseDurationSeconds: config.leases?.controllerLeaseSeconds ?? 15,
    clock,
    ids,
    log: o.log,
  });
  o.log?.(`daemonledger: controller identity ${election.identity}`);
  const module = AppModule.forRoot({ config, store, snapshots, transport: o.transport, clock, ids, activityLog: o.activityLog, api: o.serve, leadership: election, extraProviders: DISTRIBUTED_PROVIDERS });
  const logger: LogLevel[] = config.logLevel === 'debug' ? ['error', 'warn', 'log', 'debug'] : ['error', 'warn'];
  const app: INestApplicationContext = o.serve ? await createApiApp(module, config, logger) : await NestFactory.createApplicationContext(module, { logger });
  await app.init();
  const state = app.get(ClusterState);
  const reconciler = app.get(Reconciler);
  await app.get(NodeLink).start();
  reconciler.start();
  await state.start();
  // Elected only once the view holds the log: a new leader's resync then starts from all of it.
  await election.start();
  // The API first: joining the heartbeat and relay consumer groups may wait for a rebalance.
  const api = o.serve ? await listenApi(app as INestApplication, config) : undefined;
  const stopExtensions = await startExtensions(app);

  let closed = false;
  const shutdown = async (release: boolean) => {
    if (closed) return;
    closed = true;
    if (release) await election.close();
    else election.halt();
    await stopExtensions();
    reconciler.stop();
    await app.get(GarbageCollector).idle();
    await app.close();
    await opened.close();
  };
  return { app, store, state, election, api, close: () => shutdown(true), crash: () => shutdown(false) };
};

/**
 * `TRANSPORT=kafka npm start`: the Kafka transport (openTransport), this
 * controller on the configured log, the API. Prints the lines npm start
 * prints, plus the identity and every leadership change.
 */
export const startDistributed = async (config: AppConfig, log: (line: string) => void = (l) => console.log(l)) => {
  if (config.transport.kind !== 'kafka') throw new Error('startDistributed needs TRANSPORT=kafka');
  const transport = await openTransport({ kind: 'kafka', brokers: config.transport.brokers, topicPrefix: config.transport.topicPrefix });
  let controller: ControllerProcess;
  try {
    controller = await startController({
      config,
      transport,
      serve: true,
      log,
      activityLog: config.logLevel === 'info' || config.logLevel === 'debug' ? log : undefined,
    });
  } catch (e) {
    await transport.close();
    throw e;
  }
  return {
    ...controller,
    transport,
    close: async () => {
      await controller.close();
      await transport.close();
    },
  };
};
