import type { DynamicModule, INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Node } from '@daemonledger/domain/api/types';
import type { AppConfig } from '../config/config';
import { authMiddleware } from './auth/auth.middleware';
import { loadOrCreateTls, loadOrCreateTokens, type Tokens, writeKubeconfigs } from './auth/credentials';
import { bodyMiddleware } from './http/body.middleware';
import { StatusFilter } from './http/status.filter';
import { ledgerPageMiddleware } from './ledger-page.middleware';
import { NodeAgents } from './resources/node-agents.service';

export interface ServedApi {
  /** `https://host:port` the server listens on. */
  url: string;
  /** PEM of the server's self-signed certificate (its own CA): what clients must trust. */
  caCert: string;
  /** Absolute paths of the admin and read-only kubeconfig files. */
  kubeconfig: string;
  viewerKubeconfig: string;
  tokens: Tokens;
}

/**
 * The controller as an HTTPS app (kubectl sends bearer tokens over TLS only),
 * with the plumbing that must precede Nest's routes: raw body reading with
 * the 3 MiB limit, bearer-token auth, and the filter that turns every error
 * into a Status. Call `app.init()` after, `listenApi` once the loop runs.
 */
export const createApiApp = async (module: DynamicModule, config: AppConfig, logger: LogLevel[]): Promise<INestApplication> => {
  const tls = loadOrCreateTls(config.dataDir, config.host);
  const tokens = loadOrCreateTokens(config.dataDir);
  const app = await NestFactory.create(module, { logger, bodyParser: false, httpsOptions: tls, forceCloseConnections: true });
  app.use(bodyMiddleware());
  app.use(ledgerPageMiddleware()); // the page's own files need no token; its data requests do
  app.use(authMiddleware(() => tokens));
  app.useGlobalFilters(new StatusFilter());
  return app;
};

/**
 * Listens on HOST:PORT (PORT 0: any free port), attaches the simulated
 * kubelets (if any) for API-created nodes, and writes the kubeconfig files.
 */
export const listenApi = async (
  app: INestApplication,
  config: AppConfig,
  fleet?: { join(node: Node): Promise<void>; leave(name: string): void },
): Promise<ServedApi> => {
  if (fleet) app.get(NodeAgents).attach(fleet, config.simulation.nodeSize);
  // Keep idle connections as kube-apiserver does (90 s), not Node's 5 s: a
  // client reusing a connection the server is just closing sees a reset, and
  // kubectl, informers and dashboards poll at intervals longer than 5 s.
  const server = app.getHttpServer() as { keepAliveTimeout: number };
  server.keepAliveTimeout = 90_000;
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as { port: number };
  const host = config.host.includes(':') ? `[${config.host}]` : config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  const url = `https://${host}:${address.port}`;
  const tokens = loadOrCreateTokens(config.dataDir);
  const { cert } = loadOrCreateTls(config.dataDir, config.host);
  const files = writeKubeconfigs(config.dataDir, url, tokens, cert);
  return { url, caCert: cert, kubeconfig: files.admin, viewerKubeconfig: files.viewer, tokens };
};
