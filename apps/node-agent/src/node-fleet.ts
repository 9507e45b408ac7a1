import type { Node, Pod } from '@daemonledger/domain/api/types';
import {
  NodeCommandMessage,
  type NodeReportMessage,
  TOPICS,
  type Transport,
} from '@daemonledger/messaging';
import type { ImageRegistry } from './image-registry';
import { type FailureRule, SimulatedKubelet } from './simulated-kubelet';

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

  constructor(
    private readonly transport: Transport,
    private readonly registry: ImageRegistry,
    private readonly options: FleetOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  async start(group = 'node-agent'): Promise<void> {
    await this.transport.subscribe(TOPICS.nodeCommands, group, async (m) => {
      const parsed = NodeCommandMessage.safeParse(m.value);
      if (!parsed.success) {
        this.options.log?.(`node-agent: dropped a malformed command: ${parsed.error.issues[0]?.message}`);
        return;
      }
      const cmd = parsed.data;
      const kubelet = this.kubelets.get(cmd.nodeName);
      if (!kubelet) return; // not one of ours (another agent process serves it)
      if (cmd.kind === 'RunPod') kubelet.run(cmd.pod as unknown as Pod, cmd.correlationId);
      else kubelet.stop(cmd, cmd.gracePeriodSeconds);
    });
  }

  /** Starts a kubelet for `node` and registers the node with the controller. */
  async join(node: Node): Promise<void> {
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
        status: (p, status) => void this.report({ ...p, kind: 'PodStatus', nodeName: name, status: status as Record<string, unknown> }),
        gone: (p) => void this.report({ ...p, kind: 'PodGone', nodeName: name }),
      },
    );
    this.kubelets.set(name, kubelet);
    await this.report({ kind: 'NodeRegister', nodeName: name, node: node as unknown as Record<string, unknown> });
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

  stop(): void {
    for (const k of this.kubelets.values()) k.shutdown();
    this.kubelets.clear();
  }

  private report(message: NodeReportMessage) {
    const key = message.nodeName;
    return this.transport.publish(TOPICS.nodeReports, key, message).catch((e) => this.options.log?.(`node-agent: report failed: ${e}`));
  }
}
