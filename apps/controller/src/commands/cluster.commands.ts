import type { DaemonSetCommand } from '@daemonledger/domain/cluster/daemon-set.decider';
import type { NodeCommand } from '@daemonledger/domain/cluster/node.decider';
import type { PodCommand } from '@daemonledger/domain/cluster/pod.decider';
import type { RevisionCommand } from '@daemonledger/domain/cluster/revision.decider';
import type { StoredStreamKind } from '@daemonledger/domain/cluster/streams';
import type { ObjectCommand } from '@daemonledger/domain/kinds/object.decider';
import type { CommandMeta } from './command-runner.service';

/**
 * The @nestjs/cqrs command classes. The bus routes by class, so each carries
 * a plain domain command (a tagged union, decided in libs/domain) plus the
 * target object and who asked. One command per kind of change: a user's
 * change reaches them only through the API's admission (ResourceWrites, or
 * LocalApi in this process); the controller's own loops send the rest.
 */
export class DaemonSetCommandMsg {
  constructor(
    readonly namespace: string,
    readonly name: string,
    readonly command: DaemonSetCommand,
    readonly meta: CommandMeta,
  ) {}
}

export class NodeCommandMsg {
  constructor(
    readonly name: string,
    readonly command: NodeCommand,
    readonly meta: CommandMeta,
  ) {}
}

export class PodCommandMsg {
  constructor(
    readonly namespace: string,
    readonly name: string,
    readonly command: PodCommand,
    readonly meta: CommandMeta,
  ) {}
}

export class RevisionCommandMsg {
  constructor(
    readonly namespace: string,
    readonly name: string,
    readonly command: RevisionCommand,
    readonly meta: CommandMeta,
  ) {}
}

/** A command on one object of a stored kind (namespace '' for cluster-scoped kinds). */
export class ObjectCommandMsg {
  constructor(
    readonly kind: StoredStreamKind,
    readonly namespace: string,
    readonly name: string,
    readonly command: ObjectCommand,
    readonly meta: CommandMeta,
  ) {}
}

export type ClusterCommandMsg = DaemonSetCommandMsg | NodeCommandMsg | PodCommandMsg | RevisionCommandMsg | ObjectCommandMsg;

/**
 * Several commands decided together and appended in one transaction (one
 * fsync): a plan step of the reconciler, a burst of kubelet reports. Each
 * item succeeds or fails on its own; the result lists the outcomes in order.
 */
export class ClusterCommandBatch {
  constructor(readonly items: ClusterCommandMsg[]) {}
}

/** Level-triggered: "look at this DaemonSet again". Carries no decision. */
export class ReconcileDaemonSet {
  constructor(
    readonly namespace: string,
    readonly name: string,
  ) {}
}
