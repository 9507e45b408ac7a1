import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config/config';
import { startDistributed } from './distributed';
import { startEmbedded } from './embedded';
import { projectRoot } from './infrastructure/paths';

/**
 * `npm start`: the embedded default — the SQLite log under DATA_DIR, the
 * in-process transport, and SIM_NODES simulated nodes, all in this process.
 * With TRANSPORT=kafka, one controller of the distributed mode
 * (distributed.ts): leader election over the log, no nodes of its own.
 * SIGTERM/SIGINT stop cleanly (a leader releases its lease first).
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
  // Private to the server's user (a folder that exists keeps its mode: the operator chose it).
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const where = config.eventStore.kind === 'sqlite' ? config.eventStore.file : config.eventStore.kind;
  const log = (line: string) => console.log(line);
  // TRANSPORT=kafka: one controller among several on the log, nodes from node-agent processes (npm run agent).
  const running =
    config.transport.kind === 'kafka'
      ? await startDistributed(config, log)
      : await startEmbedded({ config, activityLog: config.logLevel === 'info' || config.logLevel === 'debug' ? log : undefined, serve: true });
  const head = running.state.view.position;
  console.log(`daemonledger: event log ${where} (head position ${head})`);
  console.log(`daemonledger: data directory ${config.dataDir}`);
  if (config.transport.kind === 'kafka') console.log(`daemonledger: Kafka ${config.transport.brokers.join(',')} (topic prefix ${config.transport.topicPrefix})`);
  console.log(`daemonledger: ${running.state.view.nodes.size} nodes, ${running.state.view.allDaemonSets().length} daemonsets, ${running.state.view.allPods().length} pods`);
  console.log(`daemonledger: Kubernetes API on ${running.api!.url} (read-only kubeconfig: ${running.api!.viewerKubeconfig})`);
  // The read-only token rides in the fragment, which never reaches a server; the page moves it to session storage.
  console.log(`daemonledger: rollout timeline ${running.api!.url}/ledger/#token=${running.api!.tokens.viewer}`);
  // DATA_DIR too, so the README's walkthrough (the viewer kubeconfig) works whatever DATA_DIR the server has.
  console.log(`export KUBECONFIG=${running.api!.kubeconfig} DATA_DIR=${config.dataDir} PATH=${join(projectRoot(), 'bin')}:$PATH   # kubectl, and the kubectl ledger plugin`);

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
