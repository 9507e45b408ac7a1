import { existsSync, readdirSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { simulatedNode } from '@daemonledger/domain/cluster/simulated-node';
import { openTransport, type Transport, type TransportConfig } from '@daemonledger/messaging';
import { ImageRegistry } from '../image-registry';
import { NodeFleet } from '../node-fleet';
import type { AgentConfig } from './agent-config';
import { loadAgentState, StateFile } from './state-file';

/**
 * A node agent process: simulated kubelets for nodes node-<offset> …
 * node-<offset+count-1> (the same Nodes the embedded mode joins, from
 * `simulatedNode`), speaking to the controller only through the transport.
 * Their containers are kept in a state file under the data folder, so a
 * restarted agent adopts what it ran and registers its nodes again.
 */
export interface AgentOptions extends Omit<AgentConfig, 'transport'> {
  /** The transport's configuration (the agent opens and closes it), or an open one (the caller closes it). */
  transport: TransportConfig | Transport;
  /** Group commit window of the state file (default 25 ms). */
  stateWriteDelayMs?: number;
  now?: () => Date;
  log?: (line: string) => void;
}

export interface RunningAgent {
  agentId: string;
  nodes: string[];
  /** The state file (DATA_DIR/agent-<offset>-<count>.json). */
  stateFile: string;
  /** The consumer group it reads pod commands with (one per node range, so it sees all of its nodes' commands). */
  group: string;
  /** How many pods it adopted from the state file at start. */
  adopted: number;
  fleet: NodeFleet;
  /** Renews every node's lease now (tests; the agent does so on its own every quarter of the lease duration). */
  heartbeat(): Promise<void>;
  /** Waits until everything changed so far is in the state file. */
  saved(): Promise<void>;
  /** Stops taking commands, saves the state, stops the kubelets and (if it opened it) the transport. */
  close(): Promise<void>;
}

const defaultCatalog = (): string => {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const catalog = join(dir, 'infra/registry/catalog.yaml');
    if (existsSync(join(dir, 'package.json')) && existsSync(catalog)) return catalog;
  }
  throw new Error('infra/registry/catalog.yaml not found (set SIM_REGISTRY_CATALOG)');
};

export const agentStateFile = (dataDir: string, offset: number, count: number): string => join(dataDir, `agent-${offset}-${count}.json`);

/** Temporaries of writes a killed process did not finish (the state file itself is whole: it is only ever renamed into place). */
const removeLeftovers = (path: string, log: (line: string) => void) => {
  const base = basename(path);
  if (!existsSync(dirname(path))) return;
  for (const name of readdirSync(dirname(path))) {
    if (!name.startsWith(`${base}.tmp-`)) continue;
    try {
      unlinkSync(join(dirname(path), name));
    } catch (e) {
      log(`node-agent: could not remove ${name}: ${(e as Error).message}`);
    }
  }
};

const isTransport = (t: TransportConfig | Transport): t is Transport => typeof (t as Transport).subscribe === 'function';

export const startAgent = async (o: AgentOptions): Promise<RunningAgent> => {
  const log = o.log ?? (() => undefined);
  const path = agentStateFile(o.dataDir, o.nodeOffset, o.nodeCount);
  removeLeftovers(path, log);
  const loaded = await loadAgentState(path);
  if (loaded.problem) log(`node-agent: ${loaded.problem}; starting with no containers (the controller re-sends each node's pods when it registers)`);
  const registry = ImageRegistry.fromFile(o.simulation.registryCatalog ?? defaultCatalog(), o.simulation.registryStrict);
  const ownTransport = !isTransport(o.transport);
  const transport = isTransport(o.transport)
    ? o.transport
    : await openTransport(o.transport.kind === 'kafka' ? { ...o.transport, clientId: o.transport.clientId ?? `daemonledger-agent-${o.agentId}` } : o.transport);

  let fleet: NodeFleet | undefined;
  const file = new StateFile(path, () => (fleet ? { version: 1, ...fleet.state() } : loaded.state), { delayMs: o.stateWriteDelayMs ?? 25, log });
  fleet = new NodeFleet(transport, registry, {
    podStartMs: o.simulation.podStartMs,
    podStopMs: o.simulation.podStopMs,
    pullBackoffMs: o.simulation.pullBackoffMs,
    failures: o.simulation.failures,
    ...(o.now ? { now: o.now } : {}),
    log,
    heartbeat: { holderIdentity: o.agentId, leaseDurationSeconds: o.nodeLeaseDurationSeconds },
    persistence: file,
    handled: loaded.state.handled,
  });

  // Register every node (adopting its containers) before taking commands: a resync's RunPod then finds the pod adopted.
  const nodes: string[] = [];
  let adopted = 0;
  for (let i = o.nodeOffset; i < o.nodeOffset + o.nodeCount; i++) {
    const node = simulatedNode(i, {}, o.simulation.nodeSize);
    const name = node.metadata.name!;
    const saved = loaded.state.nodes[name] ?? [];
    adopted += saved.length;
    await fleet.join(node, saved, loaded.state.images?.[name]);
    nodes.push(name);
  }
  const stale = Object.keys(loaded.state.nodes).filter((n) => !nodes.includes(n));
  if (stale.length) log(`node-agent: the state file names nodes outside this agent's range (${stale.slice(0, 3).join(', ')}…): ignored`);
  const group = `node-agent.${o.nodeOffset}-${o.nodeCount}`;
  await fleet.start(group);
  await file.saved();

  let closed: Promise<void> | undefined;
  const running = fleet;
  return {
    agentId: o.agentId,
    nodes,
    stateFile: path,
    group,
    adopted,
    fleet: running,
    heartbeat: () => running.heartbeat(),
    saved: () => file.saved(),
    close: () =>
      (closed ??= (async () => {
        running.freeze();
        if (ownTransport) await transport.close();
        await file.close();
        running.stop();
      })()),
  };
};

