import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus, EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import type { Node, Pod, PodStatus } from '@daemonledger/domain/api/types';
import { isDomainError } from '@daemonledger/domain/errors';
import { NodeReportMessage, TOPICS, type Transport } from '@daemonledger/messaging';
import { NodeCommandMsg, PodCommandMsg } from '../commands/cluster.commands';
import { ClusterState } from '../projections/cluster-state.service';
import { Recorded } from '../projections/recorded';
import { TRANSPORT } from '../infrastructure/tokens';

/**
 * The controller's side of the transport to the node agents.
 * Out: a pod bound to a node → RunPod; a bound pod asked to terminate →
 * StopPod (both derived from the log, so a restart can send them again).
 * In: registrations, pod status reports and "pod gone" become commands.
 */
@Injectable()
@EventsHandler(Recorded)
export class NodeLink implements IEventHandler<Recorded> {
  private readonly log = new Logger('NodeLink');

  constructor(
    @Inject(TRANSPORT) private readonly transport: Transport,
    private readonly commands: CommandBus,
    private readonly state: ClusterState,
  ) {}

  async start(): Promise<void> {
    await this.transport.subscribe(TOPICS.nodeReports, 'controller', (m) => this.onReport(m.value));
  }

  handle({ event }: Recorded): void {
    if (event.type !== 'PodBound' && event.type !== 'PodDeletionRequested') return;
    const [ns, name] = event.streamId.slice('pod-'.length).split(/\.(.*)/s);
    const pod = this.state.view.pod(ns, name);
    if (!pod?.spec.nodeName || !this.state.view.nodes.has(pod.spec.nodeName)) return;
    if (event.type === 'PodBound' && !pod.metadata.deletionTimestamp) this.runPod(pod);
    if (event.type === 'PodDeletionRequested') this.stopPod(pod);
  }

  private runPod(pod: Pod) {
    void this.transport.publish(TOPICS.nodeCommands, pod.spec.nodeName!, {
      kind: 'RunPod',
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      uid: pod.metadata.uid,
      nodeName: pod.spec.nodeName,
      pod,
    });
  }

  private stopPod(pod: Pod) {
    void this.transport.publish(TOPICS.nodeCommands, pod.spec.nodeName!, {
      kind: 'StopPod',
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      uid: pod.metadata.uid,
      nodeName: pod.spec.nodeName,
      gracePeriodSeconds: pod.metadata.deletionGracePeriodSeconds ?? 30,
    });
  }

  /** A (re)registered kubelet learns its pods again, as a real kubelet lists them at start. */
  private resync(nodeName: string) {
    for (const pod of this.state.view.allPods()) {
      if (pod.spec.nodeName !== nodeName) continue;
      if (pod.metadata.deletionTimestamp) this.stopPod(pod);
      else this.runPod(pod);
    }
  }

  private async onReport(raw: unknown): Promise<void> {
    const parsed = NodeReportMessage.safeParse(raw);
    if (!parsed.success) {
      this.log.warn(`dropped a malformed node report: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      return;
    }
    const m = parsed.data;
    const actor = `node-agent:${m.nodeName}`;
    try {
      if (m.kind === 'NodeRegister') {
        if (!this.state.view.nodes.has(m.nodeName)) {
          await this.commands.execute(new NodeCommandMsg(m.nodeName, { type: 'JoinNode', node: m.node as unknown as Node }, { actor }));
        } else {
          this.resync(m.nodeName);
        }
      } else if (m.kind === 'PodStatus') {
        await this.commands.execute(
          new PodCommandMsg(m.namespace, m.name, { type: 'ReportPodStatus', status: m.status as PodStatus, expectedUid: m.uid }, { actor }),
        );
      } else {
        await this.commands.execute(
          new PodCommandMsg(m.namespace, m.name, { type: 'ConfirmPodDeleted', reason: 'terminated', expectedUid: m.uid }, { actor }),
        );
      }
    } catch (e) {
      // A report about a pod that is already gone (or replaced under the same name) is stale: drop it.
      if (isDomainError(e, 'NotFound')) return;
      this.log.error(`node report ${m.kind} from ${m.nodeName} failed: ${(e as Error).message}`);
    }
  }
}
