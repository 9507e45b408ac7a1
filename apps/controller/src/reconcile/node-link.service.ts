import { type BeforeApplicationShutdown, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { CommandBus, EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import type { Node, Pod, PodStatus } from '@daemonledger/domain/api/types';
import { isDomainError } from '@daemonledger/domain/errors';
import { NodeReportMessage, TOPICS, type Transport } from '@daemonledger/messaging';
import { ClusterCommandBatch, NodeCommandMsg, PodCommandMsg } from '../commands/cluster.commands';
import { ClusterState } from '../projections/cluster-state.service';
import { Recorded } from '../projections/recorded';
import { TRANSPORT } from '../infrastructure/tokens';
import { POD_COMMANDS_VIA_RELAY } from '../distributed/relay/relay.tokens';
import { podsByNode, resyncMessages, runPodMessage, stopPodMessage } from '../distributed/relay/pod-commands';

/**
 * The controller's side of the transport to the node agents.
 * Out: a pod bound to a node → RunPod; a bound pod asked to terminate →
 * StopPod (both derived from the log, so a restart can send them again).
 * In: registrations, pod status reports and "pod gone" become commands.
 *
 * In the distributed mode (`POD_COMMANDS_VIA_RELAY`, provided by
 * RELAY_PROVIDERS) the "out" side is the leader's pod-command relay, which
 * sends them from the log with a checkpoint; here only the reports are
 * handled (in every controller process: they are facts), and a kubelet that
 * registers again is recorded (`ReregisterNode`), so the relay resends its
 * pods even when a follower received the registration.
 */
@Injectable()
@EventsHandler(Recorded)
export class NodeLink implements IEventHandler<Recorded>, BeforeApplicationShutdown {
  private readonly log = new Logger('NodeLink');
  /** Set when the app shuts down: reports still in flight are dropped (the kubelets re-report after a restart). */
  private stopping = false;

  beforeApplicationShutdown(): void {
    this.stopping = true;
  }

  constructor(
    @Inject(TRANSPORT) private readonly transport: Transport,
    private readonly commands: CommandBus,
    private readonly state: ClusterState,
    @Optional() @Inject(POD_COMMANDS_VIA_RELAY) private readonly viaRelay: boolean | null = null,
  ) {}

  async start(): Promise<void> {
    await this.transport.subscribe(TOPICS.nodeReports, 'controller', (m) => this.onReport(m.value));
  }

  handle({ event }: Recorded): void {
    if (this.viaRelay) return;
    if (event.type !== 'PodBound' && event.type !== 'PodDeletionRequested') return;
    const [ns, name] = event.streamId.slice('pod-'.length).split(/\.(.*)/s);
    const pod = this.state.view.pod(ns, name);
    if (!pod?.spec.nodeName || !this.state.view.nodes.has(pod.spec.nodeName)) return;
    const correlationId = event.metadata.correlationId;
    // The message id is the event's: a receiver recognises a redelivery.
    const extra = { id: event.id, correlationId };
    if (event.type === 'PodBound' && !pod.metadata.deletionTimestamp) this.send(runPodMessage(pod, extra));
    if (event.type === 'PodDeletionRequested') this.send(stopPodMessage(pod, extra));
  }

  private send(message: { nodeName: string }) {
    void this.transport.publish(TOPICS.nodeCommands, message.nodeName, message);
  }

  /** A (re)registered kubelet learns its pods again, as a real kubelet lists them at start. */
  private resync(nodeName: string) {
    for (const message of resyncMessages(this.podsOn(nodeName))) this.send(message);
  }

  /** The view's pods by node, indexed once per view position (pod-commands.ts). */
  private readonly podsOnNode = podsByNode();

  private podsOn(nodeName: string): Pod[] {
    return this.podsOnNode(this.state.view, nodeName);
  }

  /**
   * Reports arrive in bursts (a rollout step makes hundreds of pods change at
   * once, and each node that pulled a new image reports its images). They are
   * gathered for one turn of the event loop and appended together: one
   * transaction per burst instead of one per report.
   */
  private pending: (PodCommandMsg | NodeCommandMsg)[] = [];
  private flushing?: Promise<void>;

  private async onReport(raw: unknown): Promise<void> {
    if (this.stopping) return;
    const parsed = NodeReportMessage.safeParse(raw);
    if (!parsed.success) {
      this.log.warn(`dropped a malformed node report: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      return;
    }
    const m = parsed.data;
    const actor = `node-agent:${m.nodeName}`;
    // Reports carry the correlation of the command that set the pod in motion (a rollout's):
    // the audit of that rollout then shows what each kubelet did too.
    // The report's id becomes its event's: a report Kafka delivers again (its offset was not committed
    // before a broker or controller died) is then an idempotent retry, not an older status recorded anew.
    const meta = { actor, ...('correlationId' in m && m.correlationId ? { correlationId: m.correlationId } : {}), ...(m.id ? { messageId: m.id } : {}) };
    if (m.kind === 'NodeRegister') {
      if (this.viaRelay) {
        try {
          await this.registerInLog(m.nodeName, m.node as unknown as Node, actor);
        } catch (e) {
          if (!isDomainError(e, 'AlreadyExists')) this.log.error(`node ${m.nodeName} could not register: ${(e as Error).message}`);
        }
      } else if (!this.state.view.nodes.has(m.nodeName)) {
        // Joins come in bursts too (a fleet starting): they share the burst's transaction.
        await this.enqueue(new NodeCommandMsg(m.nodeName, { type: 'JoinNode', node: m.node as unknown as Node }, { actor }));
      } else {
        this.resync(m.nodeName);
      }
      return;
    }
    await this.enqueue(
      m.kind === 'NodeImages'
        ? new NodeCommandMsg(m.nodeName, { type: 'ReportNodeImages', images: m.images }, meta)
        : m.kind === 'PodStatus'
          ? new PodCommandMsg(m.namespace, m.name, { type: 'ReportPodStatus', status: m.status as PodStatus, expectedUid: m.uid, ...(m.pulls ? { pulls: m.pulls } : {}) }, meta)
          : new PodCommandMsg(m.namespace, m.name, { type: 'ConfirmPodDeleted', reason: 'terminated', expectedUid: m.uid }, meta),
    );
  }

  private enqueue(command: PodCommandMsg | NodeCommandMsg): Promise<void> {
    this.pending.push(command);
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
    return this.flushing;
  }

  /**
   * The distributed mode: a new node joins; a known one's re-registration is
   * recorded, so the leader's relay resends its pods in log order, wherever
   * this registration landed. The view only guesses which (a follower's may
   * lag); the decider, on the node's stream, decides.
   */
  private async registerInLog(nodeName: string, node: Node, actor: string): Promise<void> {
    const join = () => this.commands.execute(new NodeCommandMsg(nodeName, { type: 'JoinNode', node }, { actor }));
    const reregister = () => this.commands.execute(new NodeCommandMsg(nodeName, { type: 'ReregisterNode' }, { actor }));
    if (!this.state.view.nodes.has(nodeName)) {
      try {
        await join();
      } catch (e) {
        if (!isDomainError(e, 'AlreadyExists')) throw e;
        await reregister();
      }
      return;
    }
    try {
      await reregister();
    } catch (e) {
      if (!isDomainError(e, 'NotFound')) throw e;
      await join();
    }
  }

  private async flush(): Promise<void> {
    const items = this.pending;
    this.pending = [];
    this.flushing = undefined;
    if (!items.length || this.stopping) return;
    const results: ({ error: unknown } | object)[] = await this.commands.execute(new ClusterCommandBatch(items));
    // A pod this process has not seen yet is not a stale report: on a follower the view trails the
    // leader's appends, and the pod a kubelet reports on may be newer than it. Decide those again
    // once the view holds the whole log; only then is NotFound the pod's own answer.
    const unseen = results.flatMap((r, i) => ('error' in r && isDomainError(r.error, 'NotFound') ? [i] : []));
    if (unseen.length && (await this.state.catchUp())) {
      const again: ({ error: unknown } | object)[] = await this.commands.execute(new ClusterCommandBatch(unseen.map((i) => items[i])));
      unseen.forEach((i, k) => (results[i] = again[k]));
    }
    results.forEach((r, i) => {
      if (!('error' in r)) return;
      const item = items[i];
      const message = (r.error as Error).message;
      if (item instanceof NodeCommandMsg) {
        // Two registrations of a new node in one burst: the second finds it joined. A node that left
        // before its images were recorded: they are no one's concern.
        const [expected, what] = item.command.type === 'JoinNode' ? (['AlreadyExists', 'could not register'] as const) : (['NotFound', 'images not recorded'] as const);
        if (!isDomainError(r.error, expected)) this.log.error(`node ${item.name}: ${what}: ${message}`);
        return;
      }
      // A report about a pod that is already gone (or replaced under the same name) is stale: drop it.
      if (!isDomainError(r.error, 'NotFound')) this.log.error(`report for pod ${item.namespace}/${item.name} failed: ${message}`);
    });
  }
}
