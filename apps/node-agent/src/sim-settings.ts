import { resolve } from 'node:path';
import { z } from 'zod';
import { parseNodeSize, type NodeSize } from '@daemonledger/domain/cluster/simulated-node';

/**
 * The simulation settings (`SIM_*`) shared by the embedded mode's fleet
 * (apps/controller config) and `npm run agent`: one schema, one parser, so
 * both read the same variables the same way.
 */
export const intFromEnv = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`));

/** The `SIM_*` variables, spread into an app's environment schema. */
export const simulationEnv = {
  SIM_NODES: intFromEnv('SIM_NODES', 0, 100_000).default(3),
  /** npm run agent: the first node index this agent runs (nodes node-<offset> … node-<offset+SIM_NODES-1>). */
  SIM_NODE_OFFSET: intFromEnv('SIM_NODE_OFFSET', 0, 1_000_000).default(0),
  SIM_POD_START_MS: intFromEnv('SIM_POD_START_MS', 0, 3_600_000).default(2000),
  SIM_POD_STOP_MS: intFromEnv('SIM_POD_STOP_MS', 0, 3_600_000).optional(),
  SIM_PULL_BACKOFF_MS: intFromEnv('SIM_PULL_BACKOFF_MS', 1, 3_600_000).default(10_000),
  SIM_REGISTRY_CATALOG: z.string().min(1).optional(),
  SIM_REGISTRY_STRICT: z.enum(['true', 'false']).default('false'),
  SIM_FAILURES: z.string().default(''),
  /** The simulated nodes' capacity (= allocatable), e.g. `cpu=4,memory=8Gi,pods=110` (the default); see parseNodeSize. */
  SIM_NODE_CAPACITY: z.string().default(''),
};

/** SIM_NODE_CAPACITY read: the size, and every problem with it (the loaders report them with the others). */
export const nodeSizeFromEnv = (text: string): { size: NodeSize; problems: string[] } => parseNodeSize(text);

export interface FailureRuleConfig {
  mode: 'crash' | 'not-ready' | 'fail';
  image?: string;
  node?: string;
}

/**
 * SIM_FAILURES: `;`-separated rules `<mode>[:image=<text>][,node=<name>]`, mode
 * `crash` (the container crash-loops), `not-ready` (runs, never Ready) or
 * `fail` (the pod ends in phase Failed, which the controller deletes and replaces with back-off).
 * Example: `crash:image=busybox;not-ready:node=node-2`. Every problem is returned, none thrown.
 */
export const parseFailures = (text: string): { rules: FailureRuleConfig[]; problems: string[] } => {
  const rules: FailureRuleConfig[] = [];
  const problems: string[] = [];
  for (const raw of text.split(';').map((r) => r.trim()).filter(Boolean)) {
    const [mode, rest = ''] = raw.split(/:(.*)/s);
    if (mode !== 'crash' && mode !== 'not-ready' && mode !== 'fail') {
      problems.push(`SIM_FAILURES: "${raw}": mode must be crash, not-ready or fail`);
      continue;
    }
    const rule: FailureRuleConfig = { mode };
    for (const part of rest.split(',').map((p) => p.trim()).filter(Boolean)) {
      const [k, v] = part.split(/=(.*)/s);
      if ((k === 'image' || k === 'node') && v) rule[k] = v;
      else problems.push(`SIM_FAILURES: "${raw}": expected image=<text> or node=<name>, got "${part}"`);
    }
    rules.push(rule);
  }
  return { rules, problems };
};

/** How the simulated kubelets behave (the `SIM_*` settings, read). */
export interface SimulationSettings {
  podStartMs: number;
  podStopMs: number;
  pullBackoffMs: number;
  registryCatalog?: string;
  registryStrict: boolean;
  failures: FailureRuleConfig[];
  /** Capacity and allocatable of every simulated node this process registers. */
  nodeSize?: NodeSize;
}

type SimulationEnv = z.output<z.ZodObject<typeof simulationEnv>>;

/** The settings the `SIM_*` variables give (failures already parsed: `parseFailures`). */
export const simulationSettings = (e: SimulationEnv, failures: FailureRuleConfig[]): SimulationSettings => ({
  podStartMs: e.SIM_POD_START_MS,
  podStopMs: e.SIM_POD_STOP_MS ?? Math.min(e.SIM_POD_START_MS, 1000),
  pullBackoffMs: e.SIM_PULL_BACKOFF_MS,
  ...(e.SIM_REGISTRY_CATALOG ? { registryCatalog: resolve(e.SIM_REGISTRY_CATALOG) } : {}),
  registryStrict: e.SIM_REGISTRY_STRICT === 'true',
  failures,
  nodeSize: parseNodeSize(e.SIM_NODE_CAPACITY).size,
});

/**
 * An environment checked against an app's schema (empty variables count as
 * unset): the values, or every problem at once as `VARIABLE: message` lines.
 */
export const parseEnvironment = <S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): { ok: true; data: z.output<S> } | { ok: false; problems: string[] } => {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`) };
};
