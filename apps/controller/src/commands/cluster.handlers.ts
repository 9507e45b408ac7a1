import { Injectable, type Type } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideDaemonSet } from '@daemonledger/domain/cluster/daemon-set.decider';
import { decideNode } from '@daemonledger/domain/cluster/node.decider';
import { decidePod } from '@daemonledger/domain/cluster/pod.decider';
import { decideRevision } from '@daemonledger/domain/cluster/revision.decider';
import { daemonSetStream, nodeStream, objectStream, podStream, revisionStream } from '@daemonledger/domain/cluster/streams';
import { objectDecider } from '@daemonledger/domain/kinds/object.decider';
import { storedKindOfStream } from '@daemonledger/domain/kinds/registry';
import { ClusterState } from '../projections/cluster-state.service';
import { type AnyDecision, CommandRunner } from './command-runner.service';
import {
  ClusterCommandBatch,
  type ClusterCommandMsg,
  DaemonSetCommandMsg,
  NodeCommandMsg,
  ObjectCommandMsg,
  PodCommandMsg,
  RevisionCommandMsg,
} from './cluster.commands';

/** Where each command goes and who decides it: the one mapping every handler and the batch share. */
@Injectable()
export class Decisions {
  constructor(private readonly state: ClusterState) {}

  for(msg: ClusterCommandMsg): AnyDecision {
    const view = this.state.view;
    if (msg instanceof DaemonSetCommandMsg) {
      const { namespace: ns, name } = msg;
      return { streamId: daemonSetStream(ns, name), load: () => view.daemonSet(ns, name), decide: decideDaemonSet, command: msg.command, meta: msg.meta };
    }
    if (msg instanceof NodeCommandMsg) {
      return { streamId: nodeStream(msg.name), load: () => view.nodes.get(msg.name), decide: decideNode, command: msg.command, meta: msg.meta };
    }
    if (msg instanceof PodCommandMsg) {
      const { namespace: ns, name } = msg;
      return { streamId: podStream(ns, name), load: () => view.pod(ns, name), decide: decidePod, command: msg.command, meta: msg.meta };
    }
    if (msg instanceof ObjectCommandMsg) {
      const { kind, namespace: ns, name } = msg;
      return { streamId: objectStream(kind, ns, name), load: () => view.object(kind, ns, name), decide: objectDecider(storedKindOfStream(kind)), command: msg.command, meta: msg.meta };
    }
    const { namespace: ns, name } = msg;
    return { streamId: revisionStream(ns, name), load: () => view.revision(ns, name), decide: decideRevision, command: msg.command, meta: msg.meta };
  }
}

/**
 * @nestjs/cqrs routes by class, so each command class gets its handler; all
 * of them do the same: decide through `Decisions`, run through the runner.
 */
const routedHandler = <T extends ClusterCommandMsg>(command: Type<T>): Type<unknown> => {
  @CommandHandler(command)
  class RoutedHandler {
    constructor(
      private readonly runner: CommandRunner,
      private readonly decisions: Decisions,
    ) {}
    execute(msg: T) {
      return this.runner.run(this.decisions.for(msg));
    }
  }
  Object.defineProperty(RoutedHandler, 'name', { value: `${command.name}Handler` });
  return RoutedHandler;
};

@CommandHandler(ClusterCommandBatch)
export class ClusterCommandBatchHandler implements ICommandHandler<ClusterCommandBatch> {
  constructor(private readonly runner: CommandRunner, private readonly decisions: Decisions) {}
  execute({ items }: ClusterCommandBatch) {
    return this.runner.runMany(items.map((m) => this.decisions.for(m)));
  }
}

export const CLUSTER_COMMAND_HANDLERS = [
  Decisions,
  ClusterCommandBatchHandler,
  routedHandler(DaemonSetCommandMsg),
  routedHandler(NodeCommandMsg),
  routedHandler(PodCommandMsg),
  routedHandler(RevisionCommandMsg),
  routedHandler(ObjectCommandMsg),
];
