import { resolve } from 'node:path';
import { z } from 'zod';
import { type FailureRuleConfig, parseEnvironment, nodeSizeFromEnv, parseFailures, simulationEnv, simulationSettings, type SimulationSettings } from '@daemonledger/node-agent';

/**
 * The controller's configuration, read from the environment once at start and
 * validated with zod. These variable names are a public interface (README,
 * docker-compose.yml, scripts): rename none of them.
 */
const intFromEnv = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`));

const EnvSchema = z.object({
  PORT: intFromEnv('PORT', 0, 65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  EVENT_STORE: z.enum(['sqlite', 'eventstoredb', 'memory']).default('sqlite'),
  SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
  EVENTSTOREDB_CONNECTION_STRING: z.string().optional(),
  TRANSPORT: z.enum(['inprocess', 'kafka']).default('inprocess'),
  KAFKA_BROKERS: z.string().optional(),
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[a-zA-Z0-9._-]*$/, 'KAFKA_TOPIC_PREFIX may hold only letters, digits, ".", "_" and "-"').default('daemonledger.'),
  ...simulationEnv,
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  // Debugging the incremental planner: every sync also runs the full planner and fails on a difference (the test harnesses turn it on).
  PLANNER_CHECK: z.enum(['0', '1']).default('0'),
  SNAPSHOT_EVERY_EVENTS: intFromEnv('SNAPSHOT_EVERY_EVENTS', 0, 100_000_000).default(10_000),
  SNAPSHOT_KEEP: intFromEnv('SNAPSHOT_KEEP', 2, 100_000).default(128),
  // Distributed mode (TRANSPORT=kafka). Node leases: a kubelet renews every quarter of the duration
  // (10 s of 40 upstream); the node lifecycle marks a node unreachable when none came for the grace period.
  NODE_LEASE_DURATION_SECONDS: intFromEnv('NODE_LEASE_DURATION_SECONDS', 1, 3600).default(40),
  NODE_MONITOR_GRACE_SECONDS: intFromEnv('NODE_MONITOR_GRACE_SECONDS', 1, 3600).default(40),
  // The controller's leader lease (kube-system/daemonledger-controller): upstream's leader election defaults to 15 s.
  CONTROLLER_LEASE_SECONDS: intFromEnv('CONTROLLER_LEASE_SECONDS', 2, 3600).default(15),
  /** This controller process's holderIdentity (default: hostname, pid and a random suffix). */
  CONTROLLER_ID: z.string().regex(/^[a-zA-Z0-9._:-]{1,128}$/, 'CONTROLLER_ID may hold only letters, digits, ".", "_", ":" and "-" (at most 128)').optional(),
});

export type { FailureRuleConfig };

export type Env = z.input<typeof EnvSchema>;

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  eventStore:
    | { kind: 'sqlite'; file: string; synchronous: 'FULL' | 'NORMAL' }
    | { kind: 'eventstoredb'; connectionString: string }
    | { kind: 'memory' };
  transport: { kind: 'inprocess' } | { kind: 'kafka'; brokers: string[]; topicPrefix: string };
  simulation: SimulationSettings & {
    nodes: number;
    /** First node index (npm run agent: SIM_NODE_OFFSET). */
    nodeOffset?: number;
  };
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  /** Every sync also asks the full planner and fails where the incremental plan differs (README "Planning at scale"). */
  plannerCheck: boolean;
  /** Snapshots of the read models: every `everyEvents` events folded (0: none), at most `keep` kept. */
  snapshots?: { everyEvents: number; keep: number };
  /** Leases (distributed mode): node heartbeats and the controllers' leader election. */
  leases?: { nodeLeaseDurationSeconds: number; nodeMonitorGraceSeconds: number; controllerLeaseSeconds: number; controllerId?: string };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; every problem is reported at once. */
export const loadConfig = (env: Record<string, string | undefined> = process.env): AppConfig => {
  const parsed = parseEnvironment(EnvSchema, env);
  if (!parsed.ok) throw new ConfigError(parsed.problems);
  const e = parsed.data;
  const failures = parseFailures(e.SIM_FAILURES);
  const problems: string[] = [...failures.problems, ...nodeSizeFromEnv(e.SIM_NODE_CAPACITY).problems];
  if (e.EVENT_STORE === 'eventstoredb' && !e.EVENTSTOREDB_CONNECTION_STRING) {
    problems.push('EVENTSTOREDB_CONNECTION_STRING: required when EVENT_STORE=eventstoredb (e.g. esdb://127.0.0.1:2113?tls=false)');
  }
  if (e.TRANSPORT === 'kafka' && !e.KAFKA_BROKERS) {
    problems.push('KAFKA_BROKERS: required when TRANSPORT=kafka (comma-separated host:port list)');
  }
  if (problems.length) throw new ConfigError(problems);

  const dataDir = resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    eventStore:
      e.EVENT_STORE === 'sqlite'
        ? { kind: 'sqlite', file: resolve(dataDir, 'events.sqlite'), synchronous: e.SQLITE_SYNCHRONOUS }
        : e.EVENT_STORE === 'eventstoredb'
          ? { kind: 'eventstoredb', connectionString: e.EVENTSTOREDB_CONNECTION_STRING! }
          : { kind: 'memory' },
    transport:
      e.TRANSPORT === 'kafka'
        ? { kind: 'kafka', brokers: e.KAFKA_BROKERS!.split(',').map((b) => b.trim()).filter(Boolean), topicPrefix: e.KAFKA_TOPIC_PREFIX }
        : { kind: 'inprocess' },
    simulation: {
      nodes: e.SIM_NODES,
      ...simulationSettings(e, failures.rules),
      nodeOffset: e.SIM_NODE_OFFSET,
    },
    logLevel: e.LOG_LEVEL,
    plannerCheck: e.PLANNER_CHECK === '1',
    snapshots: { everyEvents: e.SNAPSHOT_EVERY_EVENTS, keep: e.SNAPSHOT_KEEP },
    leases: {
      nodeLeaseDurationSeconds: e.NODE_LEASE_DURATION_SECONDS,
      nodeMonitorGraceSeconds: e.NODE_MONITOR_GRACE_SECONDS,
      controllerLeaseSeconds: e.CONTROLLER_LEASE_SECONDS,
      ...(e.CONTROLLER_ID ? { controllerId: e.CONTROLLER_ID } : {}),
    },
  };
};
