import { Injectable, type Type } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { DaemonSet } from '@daemonledger/domain/api/types';
import { CHANGE_CAUSE_ANNOTATION, decideDaemonSet } from '@daemonledger/domain/cluster/daemon-set.decider';
import { decideNode } from '@daemonledger/domain/cluster/node.decider';
import { decidePod } from '@daemonledger/domain/cluster/pod.decider';
import { decideRevision } from '@daemonledger/domain/cluster/revision.decider';
import { daemonSetStream, nodeStream, objectStream, podStream, revisionStream } from '@daemonledger/domain/cluster/streams';
import { objectDecider } from '@daemonledger/domain/kinds/object.decider';
import { storedKindOfStream } from '@daemonledger/domain/kinds/registry';
import { DomainError } from '@daemonledger/domain/errors';
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
  SetImage,
  UndoRollout,
} from './cluster.commands';
import { undoTarget } from './undo';

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

const notFound = (name: string) =>
  new DomainError('NotFound', `daemonsets.apps "${name}" not found`, { name, group: 'apps', kind: 'daemonsets' });

@CommandHandler(SetImage)
export class SetImageHandler implements ICommandHandler<SetImage> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly state: ClusterState,
  ) {}

  execute({ namespace, name, images, meta }: SetImage) {
    return this.runner.run({
      streamId: daemonSetStream(namespace, name),
      load: () => this.state.view.daemonSet(namespace, name),
      decide: (_: SetImage, ds: DaemonSet | undefined, ctx) => {
        if (!ds) throw notFound(name);
        const containers = ds.spec.template.spec.containers;
        const unknown = Object.keys(images).filter((c) => c !== '*' && !containers.some((x) => x.name === c));
        if (unknown.length) {
          throw new DomainError('NotFound', `unable to find container named "${unknown[0]}"`);
        }
        const next: DaemonSet = {
          ...ds,
          metadata: {
            ...ds.metadata,
            annotations: meta.changeCause
              ? { ...ds.metadata.annotations, [CHANGE_CAUSE_ANNOTATION]: meta.changeCause }
              : ds.metadata.annotations,
          },
          spec: {
            ...ds.spec,
            template: {
              ...ds.spec.template,
              spec: {
                ...ds.spec.template.spec,
                containers: containers.map((c) => ({ ...c, image: images[c.name] ?? images['*'] ?? c.image })),
              },
            },
          },
        };
        return decideDaemonSet({ type: 'UpdateDaemonSet', daemonSet: next }, ds, ctx);
      },
      command: { namespace, name, images, meta } as SetImage,
      meta,
    });
  }
}

@CommandHandler(UndoRollout)
export class UndoRolloutHandler implements ICommandHandler<UndoRollout> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly state: ClusterState,
  ) {}

  execute(cmd: UndoRollout) {
    const { namespace, name, toRevision, meta } = cmd;
    return this.runner.run({
      streamId: daemonSetStream(namespace, name),
      load: () => this.state.view.daemonSet(namespace, name),
      decide: (_: UndoRollout, ds: DaemonSet | undefined, ctx) => {
        if (!ds) throw notFound(name);
        const target = undoTarget(ds, this.state.view.revisionsIn(namespace), toRevision);
        if (target.skipped) return [];
        return decideDaemonSet({ type: 'UpdateDaemonSet', daemonSet: { ...ds, spec: { ...ds.spec, template: target.template } } }, ds, ctx);
      },
      command: cmd,
      meta,
    });
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
  SetImageHandler,
  UndoRolloutHandler,
];
