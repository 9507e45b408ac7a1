import { randomUUID } from 'node:crypto';
import type { Node, Pod } from '@daemonledger/domain/api/types';
import {
  NodeCommandMessage,
  type NodeReportMessage,
  retryDelayMs,
  TOPICS,
  type Transport,
} from '@daemonledger/messaging';
import { heartbeatBatch, renewIntervalMs } from './agent/heartbeats';
import { RecentIds } from './agent/state-file';
import type { ImageRegistry } from './image-registry';
import { type FailureRule, type SavedPod, SimulatedKubelet } from './simulated-kubelet';

/**
 * A fleet of simulated kubelets behind one transport subscription. Each
 * kubelet registers its Node (as a real kubelet does), runs the pods the
 * controller sends it and reports their status back. Nothing here touches
 * the log: agents speak only through the transport.
 */
export interface FleetOptions {
  podStartMs: number;
  podStopMs: number;
  pullBackoffMs: number;
  failures: FailureRule[];
  now?: () => Date;
  log?: (line: string) => void;
  /** Ids of the reports the fleet sends (default: a random uuid each). */
  ids?: () => string;
  /**
   * Renew each node's lease (a `NodeHeartbeat` per node every quarter of the
   * lease duration, one batch per tick). Off by default: the embedded fleet
   * shares the controller's process and its nodes need no lease.
   */
  heartbeat?: { holderIdentity: string; leaseDurationSeconds: number };
  /**
   * Where the kubelets' containers are kept across restarts (the agent's
   * state file). `changed` marks it stale; a command's handler resolves only
   * after `saved()`, so the transport acknowledges it once its effect is durable.
   */
  persistence?: { changed(): void; saved(): Promise<void> };
  /** Ids of commands handled before a restart (from the state file). */
  handled?: readonly string[];
}

/** What a fleet keeps across a restart: its kubelets' pods and the commands it handled last. */
export interface FleetState {
  nodes: Record<string, SavedPod[]>;
  handled: string[];
  /** Per node, the images its runtime holds: they outlive the kubelet's process, as containerd's do. */
  images: Record<string, string[]>;
}

// The Node a simulated kubelet registers is built in the domain: the log records only its index.
export { simulatedNode, simulatedNodeName } from '@daemonledger/domain/cluster/simulated-node';

const cidrPrefix = (cidr: string | undefined, fallback: string) => {
  const m = cidr && /^(\d+\.\d+\.\d+)\.0\/24$/.exec(cidr);
  return m ? `${m[1]}.` : fallback;
};

export class NodeFleet {
  private readonly kubelets = new Map<string, SimulatedKubelet>();
  private readonly now: () => Date;
  private readonly ids: () => string;
  /** Commands handled lately, by id: a redelivered one is recognised even after its pod is gone. */
  private readonly handled: RecentIds;
  private heartbeats?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    private readonly transport: Transport,
    private readonly registry: ImageRegistry,
    private readonly options: FleetOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.ids = options.ids ?? randomUUID;
    this.handled = new RecentIds(10_000, options.handled ?? []);
  }

  /** Subscribes to the pod commands (and, when configured, starts the heartbeats with one at once). */
  async start(group = 'node-agent'): Promise<void> {
    await this.transport.subscribe(TOPICS.nodeCommands, group, (m) => this.onCommand(m.value));
    const hb = this.options.heartbeat;
    if (hb) {
      this.heartbeats = setInterval(() => void this.heartbeat(), renewIntervalMs(hb.leaseDurationSeconds));
      await this.heartbeat();
    }
  }

  private async onCommand(raw: unknown): Promise<void> {
    const parsed = NodeCommandMessage.safeParse(raw);
    if (!parsed.success) {
      this.options.log?.(`node-agent: dropped a malformed command: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return;
    }
    const cmd = parsed.data;
    const kubelet = this.kubelets.get(cmd.nodeName);
    if (!kubelet) return; // not one of ours (another agent process serves it)
    // A redelivered command (at-least-once) is handled once: by its id here, by the pod's uid in the kubelet.
    if (cmd.id && this.handled.has(cmd.id)) return;
    if (cmd.kind === 'RunPod') kubelet.run(cmd.pod as unknown as Pod, cmd.correlationId);
    else kubelet.stop(cmd, cmd.gracePeriodSeconds);
    if (cmd.id) this.handled.add(cmd.id);
    if (this.options.persistence) {
      this.options.persistence.changed();
      await this.options.persistence.saved();
    }
  }

  /** One heartbeat tick: every node's lease renewed in one batch. */
  async heartbeat(): Promise<void> {
    const hb = this.options.heartbeat;
    if (!hb || this.stopping || this.kubelets.size === 0) return;
    const batch = heartbeatBatch([...this.kubelets.keys()], { ...hb, now: this.now(), id: this.ids });
    await this.transport.publishBatch(batch).catch((e) => this.options.log?.(`node-agent: heartbeat failed: ${e}`));
  }

  /** The kubelets' pods and the handled command ids, for the state file. */
  state(): FleetState {
    const nodes: Record<string, SavedPod[]> = {};
    const images: Record<string, string[]> = {};
    for (const [name, k] of this.kubelets) {
      nodes[name] = k.saved();
      if (k.images.images.length) images[name] = k.images.images.map((i) => i.name);
    }
    return { nodes, handled: this.handled.list(), images };
  }

  /**
   * Starts a kubelet for `node` and registers the node with the controller;
   * `adopted` are the containers a previous process of this agent ran there,
   * `images` the images its runtime held.
   */
  async join(node: Node, adopted?: readonly SavedPod[], images?: readonly string[]): Promise<void> {
    const name = node.metadata.name!;
    if (this.kubelets.has(name)) return;
    const nodeIP = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '10.0.0.1';
    const kubelet = new SimulatedKubelet(
      {
        nodeName: name,
        nodeIP,
        podIPPrefix: cidrPrefix(node.spec.podCIDR, `10.244.${this.kubelets.size % 256}.`),
        podStartMs: this.options.podStartMs,
        podStopMs: this.options.podStopMs,
        pullBackoffMs: this.options.pullBackoffMs,
        failures: this.options.failures,
        now: this.now,
      },
      this.registry,
      {
        status: (p, status, pulls) => void this.report({ ...p, kind: 'PodStatus', nodeName: name, status: status as Record<string, unknown>, ...(pulls ? { pulls } : {}) }),
        gone: (p) => void this.report({ ...p, kind: 'PodGone', nodeName: name }),
        changed: () => this.options.persistence?.changed(),
        images: (cache) => void this.report({ kind: 'NodeImages', nodeName: name, images: cache.images.map((i) => i.name) }),
      },
    );
    this.kubelets.set(name, kubelet);
    if (images?.length) kubelet.restoreImages(images);
    await this.report({ kind: 'NodeRegister', nodeName: name, node: node as unknown as Record<string, unknown> });
    if (adopted?.length) kubelet.adopt(adopted);
  }

  /** Stops a kubelet (the machine is gone); the controller learns it through a NodeLeft command. */
  leave(name: string): void {
    this.kubelets.get(name)?.shutdown();
    this.kubelets.delete(name);
  }

  has(name: string) {
    return this.kubelets.has(name);
  }

  get size() {
    return this.kubelets.size;
  }

  /**
   * Holds every kubelet still (no more timers, reports or heartbeats) but
   * keeps its pods, so the state saved afterwards is what a restart adopts.
   */
  freeze(): void {
    this.stopping = true;
    if (this.heartbeats) clearInterval(this.heartbeats);
    this.heartbeats = undefined;
    for (const k of this.kubelets.values()) k.freeze();
  }

  stop(): void {
    this.freeze();
    for (const k of this.kubelets.values()) k.shutdown();
    this.kubelets.clear();
  }

  /**
   * Sends a report. With persistence, a report leaves only once the state it
   * describes is saved (the controller never hears of a container a restart
   * would not find), and the reports of one save leave together in one
   * `publishBatch` (kafkajs does not merge concurrent sends).
   */
  private report(message: NodeReportMessage): Promise<void> {
    if (this.stopping) return Promise.resolve();
    const m: NodeReportMessage = { ...message, id: this.ids() };
    const persistence = this.options.persistence;
    if (!persistence) return this.publish([m]);
    const afterSave = (): Promise<void> =>
      persistence.saved().then(
        () => this.ready(m),
        () => (this.stopping ? undefined : afterSave()),
      );
    return afterSave();
  }

  private outbox: { message: NodeReportMessage; sent: () => void }[] = [];

  private ready(message: NodeReportMessage): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise<void>((sent) => {
      if (!this.outbox.length) setImmediate(() => void this.flushOutbox());
      this.outbox.push({ message, sent });
    });
  }

  /** Batches leave one after another, in order; a batch the broker refuses is sent again (with back-off) until it goes or the agent stops. */
  private sending: Promise<void> = Promise.resolve();

  private flushOutbox(): Promise<void> {
    const batch = this.outbox;
    this.outbox = [];
    const values = batch.map((b) => ({ topic: TOPICS.nodeReports, key: b.message.nodeName, value: b.message }));
    this.sending = this.sending.then(async () => {
      for (let attempt = 1; !this.stopping; attempt++) {
        try {
          await this.transport.publishBatch(values);
          break;
        } catch (e) {
          this.options.log?.(`node-agent: ${values.length} reports not sent (${(e as Error).message}); trying again`);
          await new Promise((r) => setTimeout(r, retryDelayMs(attempt)));
        }
      }
      batch.forEach((b) => b.sent());
    });
    return this.sending;
  }

  private publish(messages: NodeReportMessage[]): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return this.transport
      .publishBatch(messages.map((value) => ({ topic: TOPICS.nodeReports, key: value.nodeName, value })))
      .catch((e) => this.options.log?.(`node-agent: report failed: ${e}`));
  }
}
