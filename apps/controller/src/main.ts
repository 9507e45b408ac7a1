import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config/config';
import { startEmbedded } from './embedded';
import { projectRoot } from './infrastructure/paths';

/**
 * `npm start`: the embedded default — the SQLite log under DATA_DIR, the
 * in-process transport, and SIM_NODES simulated nodes, all in this process.
 */
const main = async () => {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`daemonledger: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  if (config.transport.kind === 'kafka') {
    // The Kafka transport exists and passes the transport contract (libs/messaging), but node agents
    // as processes, heartbeats and failover do not yet (issue 10): started alone, nothing would run pods.
    console.error('daemonledger: TRANSPORT=kafka: distributed mode is not complete yet (node-agent processes are planned); use TRANSPORT=inprocess (the default)');
    process.exit(2);
  }
  // Private to the server's user (a folder that exists keeps its mode: the operator chose it).
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const where = config.eventStore.kind === 'sqlite' ? config.eventStore.file : config.eventStore.kind;
  const running = await startEmbedded({ config, activityLog: config.logLevel === 'info' || config.logLevel === 'debug' ? (line) => console.log(line) : undefined, serve: true });
  const head = running.state.view.position;
  console.log(`daemonledger: event log ${where} (head position ${head})`);
  console.log(`daemonledger: data directory ${config.dataDir}`);
  console.log(`daemonledger: ${running.state.view.nodes.size} nodes, ${running.state.view.allDaemonSets().length} daemonsets, ${running.state.view.allPods().length} pods`);
  console.log(`daemonledger: Kubernetes API on ${running.api!.url} (read-only kubeconfig: ${running.api!.viewerKubeconfig})`);
  // The read-only token rides in the fragment, which never reaches a server; the page moves it to session storage.
  console.log(`daemonledger: rollout timeline ${running.api!.url}/ledger/#token=${running.api!.tokens.viewer}`);
  console.log(`export KUBECONFIG=${running.api!.kubeconfig} PATH=${join(projectRoot(), 'bin')}:$PATH   # kubectl, and the kubectl ledger plugin`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`daemonledger: ${signal}, stopping`);
    await running.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
};

void main().catch((e) => {
  console.error('daemonledger: failed to start:', e instanceof Error ? e.message : e);
  process.exit(1);
});
