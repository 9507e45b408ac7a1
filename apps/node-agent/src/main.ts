/**
 * `npm run agent`: simulated kubelets for a range of nodes over Kafka (see the
 * README, "Node agents"). One line per milestone; SIGTERM/SIGINT save the
 * containers' state and close cleanly.
 */
import { startAgent } from './agent/agent';
import { AgentConfigError, loadAgentConfig } from './agent/agent-config';

const main = async () => {
  let config;
  try {
    config = loadAgentConfig();
  } catch (e) {
    if (e instanceof AgentConfigError) {
      console.error(`daemonledger agent: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  const last = config.nodeOffset + config.nodeCount - 1;
  console.log(`daemonledger agent ${config.agentId}: nodes node-${config.nodeOffset} … node-${last}, Kafka ${config.transport.brokers.join(',')} (topics ${config.transport.topicPrefix}*)`);
  const agent = await startAgent({ ...config, log: (line) => console.error(line) });
  console.log(`daemonledger agent ${config.agentId}: ${agent.nodes.length} nodes registered, ${agent.adopted} pods adopted from ${agent.stateFile}; heartbeats every ${(config.nodeLeaseDurationSeconds / 4).toFixed(1)} s`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`daemonledger agent ${config.agentId}: ${signal}: saving state and closing`);
    agent.close().then(
      () => {
        console.log(`daemonledger agent ${config.agentId}: stopped`);
        process.exit(0);
      },
      (e) => {
        console.error(`daemonledger agent ${config.agentId}: close failed: ${(e as Error).stack ?? e}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
};

main().catch((e) => {
  console.error(`daemonledger agent: ${(e as Error).stack ?? e}`);
  process.exit(1);
});
