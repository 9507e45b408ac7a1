import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { TransportConfig } from '@daemonledger/messaging';
import { intFromEnv, nodeSizeFromEnv, parseEnvironment, parseFailures, simulationEnv, simulationSettings, type SimulationSettings } from '../sim-settings';

/**
 * `npm run agent`'s configuration, read from the environment and validated
 * with zod; every problem is reported at once (as the controller's config does).
 */
const AgentEnvSchema = z.object({
  KAFKA_BROKERS: z.string({ error: 'required: the Kafka brokers, a comma-separated host:port list (e.g. 127.0.0.1:9092)' }),
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[a-zA-Z0-9._-]*$/, 'KAFKA_TOPIC_PREFIX may hold only letters, digits, ".", "_" and "-"').default('daemonledger.'),
  DATA_DIR: z.string().min(1).default('./data'),
  NODE_LEASE_DURATION_SECONDS: intFromEnv('NODE_LEASE_DURATION_SECONDS', 1, 3600).default(40),
  AGENT_ID: z.string().regex(/^[a-zA-Z0-9._:-]{1,128}$/, 'AGENT_ID may hold only letters, digits, ".", "_", ":" and "-" (at most 128)').optional(),
  ...simulationEnv,
});

export interface AgentConfig {
  transport: Extract<TransportConfig, { kind: 'kafka' }>;
  dataDir: string;
  /** The agent's identity: its nodes' Lease holderIdentity. */
  agentId: string;
  nodeOffset: number;
  nodeCount: number;
  nodeLeaseDurationSeconds: number;
  simulation: SimulationSettings;
}

export class AgentConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'AgentConfigError';
  }
}

export const loadAgentConfig = (env: Record<string, string | undefined> = process.env): AgentConfig => {
  const parsed = parseEnvironment(AgentEnvSchema, env);
  if (!parsed.ok) throw new AgentConfigError(parsed.problems);
  const e = parsed.data;
  const failures = parseFailures(e.SIM_FAILURES);
  const problems = [...failures.problems, ...nodeSizeFromEnv(e.SIM_NODE_CAPACITY).problems];
  const brokers = e.KAFKA_BROKERS.split(',').map((b) => b.trim()).filter(Boolean);
  if (!brokers.length || brokers.some((b) => !/^[^:\s]+:\d+$/.test(b))) problems.push(`KAFKA_BROKERS: expected host:port[,host:port…], got "${e.KAFKA_BROKERS}"`);
  if (e.SIM_NODES < 1) problems.push('SIM_NODES: an agent runs at least one node');
  if (problems.length) throw new AgentConfigError(problems);
  return {
    transport: { kind: 'kafka', brokers, topicPrefix: e.KAFKA_TOPIC_PREFIX },
    dataDir: resolve(e.DATA_DIR),
    agentId: e.AGENT_ID ?? `${hostname()}-agent-${e.SIM_NODE_OFFSET}`,
    nodeOffset: e.SIM_NODE_OFFSET,
    nodeCount: e.SIM_NODES,
    nodeLeaseDurationSeconds: e.NODE_LEASE_DURATION_SECONDS,
    simulation: simulationSettings(e, failures.rules),
  };
};
