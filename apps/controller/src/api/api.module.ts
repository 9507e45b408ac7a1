import type { Provider, Type } from '@nestjs/common';
import { SelfReviewsController } from './auth/self-reviews.controller';
import { DiscoveryController } from './discovery.controller';
import { HealthController } from './health.controller';
import { LedgerController } from './ledger.controller';
import { LocalApi } from './local-api';
import { ClusterAccess } from './resources/cluster-access.service';
import { NodeAgents } from './resources/node-agents.service';
import { NodeProxyController } from './resources/node-proxy.controller';
import { PodSubresourcesController } from './resources/pod-subresources.controller';
import { ResourceRegistry } from './resources/registry.service';
import { RESOURCE_CONTROLLERS } from './resources/resource.controllers';
import { ResourceReads } from './resources/resource-reads.service';
import { ResourceWrites } from './resources/resource-writes.service';
import { WatchHub } from './watch/watch-hub.service';
import { WatchService } from './watch/watch.service';
import { NamespaceLifecycle } from '../reconcile/namespace-lifecycle.service';
import { SecretShredder } from '../reconcile/secret-shredder.service';

/**
 * The Kubernetes REST API: controllers and the services behind them. They
 * join the controller's own module (AppModule.forRoot({ …, api: true })) so
 * they read the same ClusterState and send commands on the same bus. The
 * namespace lifecycle and the Secret shredder run with the API: only API
 * writes make namespaces and Secrets.
 */
export const API_CONTROLLERS: Type<unknown>[] = [DiscoveryController, HealthController, SelfReviewsController, PodSubresourcesController, NodeProxyController, LedgerController, ...RESOURCE_CONTROLLERS];

/**
 * The write path: in every app, served or not, so that in-process callers
 * (LocalApi) write as HTTP clients do. SecretShredder goes with it: a Secret
 * deleted by any writer loses its data key.
 */
export const API_WRITE_PROVIDERS: Provider[] = [ClusterAccess, NodeAgents, ResourceRegistry, ResourceWrites, LocalApi, SecretShredder];

export const API_PROVIDERS: Provider[] = [...API_WRITE_PROVIDERS, ResourceReads, WatchHub, WatchService, NamespaceLifecycle];
