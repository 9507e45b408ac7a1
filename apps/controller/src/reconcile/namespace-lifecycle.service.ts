import { existsSync, readFileSync } from 'node:fs';
import { controlPlaneActor } from '@daemonledger/domain/cluster/actors';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus, EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import {
  BUILTIN_NAMESPACES,
  type CleanupStep,
  type ControlPlaneStep,
  DEFAULT_SERVICE_CIDR,
  parseServiceRange,
  planControlPlaneObjects,
  planNamespaceCleanup,
  STORED_KINDS,
} from '@daemonledger/domain';
import { isStoredStreamKind, parseStreamId, type StoredStreamKind } from '@daemonledger/domain/cluster/streams';
import { isDomainError } from '@daemonledger/domain/errors';
import type { AppConfig } from '../config/config';
import { DaemonSetCommandMsg, ObjectCommandMsg, PodCommandMsg, RevisionCommandMsg } from '../commands/cluster.commands';
import { APP_CONFIG, LEADERSHIP, type Leadership } from '../infrastructure/tokens';
import { ClusterState } from '../projections/cluster-state.service';
import { CaughtUp, Recorded } from '../projections/recorded';
import { LeadershipResync } from './leadership-resync.service';

const NAMESPACE_CONTROLLER = { actor: 'namespace-controller', fenced: true };
/** Where the API server's certificate (its own CA) is kept (api/auth/credentials.ts writes it). */
const TLS_CERT_FILE = 'apiserver.crt';

const NAMESPACED_STORED: StoredStreamKind[] = STORED_KINDS.filter((k) => k.namespaced).map((k) => k.streamKind);

/**
 * Two controllers of every cluster, driven by the log's events:
 * - the namespace controller: a namespace whose deletion was asked
 *   (phase Terminating) is emptied step by step, each deletion a command
 *   through the ordinary deciders (DaemonSets with their dependents, pods
 *   through their graceful deletion, revisions, stored objects), then removed;
 * - what the control plane keeps in every namespace (ServiceAccount
 *   `default`, ConfigMap `kube-root-ca.crt`) and `default/kubernetes`,
 *   made again when deleted.
 * What to do is decided by the pure planners in libs/domain/src/kinds from
 * the current view; these only say when to look (level-based, as the
 * DaemonSet reconciler is). Work runs one step at a time.
 */
@Injectable()
@EventsHandler(Recorded, CaughtUp, LeadershipResync)
export class NamespaceLifecycle implements IEventHandler<Recorded | CaughtUp | LeadershipResync> {
  private readonly log = new Logger('NamespaceLifecycle');
  private queue: Promise<void> = Promise.resolve();
  private readonly pending = new Set<string>();
  private readonly serviceRange = parseServiceRange(DEFAULT_SERVICE_CIDR);

  constructor(
    private readonly commands: CommandBus,
    private readonly state: ClusterState,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LEADERSHIP) private readonly leadership: Leadership,
  ) {}

  /** Acts only while leading; a new leader looks at everything, as a fresh start does. */
  handle(message: Recorded | CaughtUp | LeadershipResync): void {
    if (!this.leadership.isLeader()) return;
    if (message instanceof CaughtUp || message instanceof LeadershipResync) {
      for (const ns of this.state.view.objectsOf('namespace')) if (ns.metadata.deletionTimestamp) this.later(`cleanup:${ns.metadata.name}`);
      this.later('control-plane');
      return;
    }
    const { event } = message;
    const ref = parseStreamId(event.streamId);
    if (!ref) return;
    if (ref.kind === 'namespace') {
      if (event.type === 'ObjectCreated') this.later('control-plane');
      if (event.type === 'ObjectDeletionRequested') this.later(`cleanup:${ref.name}`);
      return;
    }
    const ns = ref.namespace;
    if (ns === undefined) return;
    if (this.state.view.object('namespace', '', ns)?.metadata.deletionTimestamp) {
      // Something in a terminating namespace changed (a pod went, a DaemonSet finished): look again.
      this.later(`cleanup:${ns}`);
    } else if (isStoredStreamKind(ref.kind) && (event.type === 'ObjectDeleted' || event.type === 'ObjectUpdated') && ['serviceaccount', 'configmap', 'service'].includes(ref.kind)) {
      this.later('control-plane');
    }
  }

  /** Resolves when every step queued so far is done (tests). */
  idle(): Promise<void> {
    return this.queue;
  }

  /** Queues a piece of work unless the same is already waiting (a burst of events asks once). */
  private later(key: string) {
    if (this.pending.has(key)) return;
    this.pending.add(key);
    this.queue = this.queue
      .then(() => {
        this.pending.delete(key);
        return key === 'control-plane' ? this.controlPlaneObjects() : this.cleanup(key.slice('cleanup:'.length));
      })
      .catch((e) => this.log.error(`${key} failed: ${(e as Error).message}`));
  }

  private async cleanup(ns: string) {
    const view = this.state.view;
    if (!view.object('namespace', '', ns)?.metadata.deletionTimestamp) return;
    const ref = (o: { metadata: { name?: string; uid?: string; deletionTimestamp?: string } }) => ({
      name: o.metadata.name ?? '',
      uid: o.metadata.uid ?? '',
      deleting: Boolean(o.metadata.deletionTimestamp),
    });
    const steps = planNamespaceCleanup({
      daemonSets: [...(view.daemonSets.get(ns)?.values() ?? [])].map(ref),
      pods: view.podsIn(ns).map(ref),
      revisions: view.revisionsIn(ns).map(ref),
      objects: NAMESPACED_STORED.flatMap((kind) => view.objectsOf(kind, ns).map((o) => ({ ...ref(o), kind }))),
    });
    for (const step of steps) await this.quietly(this.commands.execute(this.cleanupCommand(ns, step)));
  }

  private cleanupCommand(ns: string, step: CleanupStep) {
    const m = NAMESPACE_CONTROLLER;
    switch (step.type) {
      case 'DeleteDaemonSet':
        return new DaemonSetCommandMsg(ns, step.name, { type: 'DeleteDaemonSet', propagationPolicy: 'Background', expectedUid: step.uid }, m);
      case 'DeletePod':
        return new PodCommandMsg(ns, step.name, { type: 'RequestPodDeletion', reason: 'namespace-deleted', expectedUid: step.uid }, m);
      case 'DeleteRevision':
        return new RevisionCommandMsg(ns, step.name, { type: 'DeleteRevision', reason: 'garbage-collected' }, m);
      case 'DeleteObject':
        return new ObjectCommandMsg(step.kind, ns, step.name, { type: 'DeleteObject', reason: 'namespace-deleted', expectedUid: step.uid }, m);
      case 'FinalizeNamespace':
        return new ObjectCommandMsg('namespace', '', ns, { type: 'FinalizeObjectDeletion' }, m);
    }
  }

  private async controlPlaneObjects() {
    const view = this.state.view;
    const stored = view.objectsOf('namespace');
    const active = [
      ...BUILTIN_NAMESPACES.filter((n) => !view.object('namespace', '', n)),
      ...stored.filter((n) => !n.metadata.deletionTimestamp).map((n) => n.metadata.name ?? ''),
    ];
    const steps = planControlPlaneObjects({
      activeNamespaces: active,
      find: (kind, ns, name) => view.object(kind, ns, name),
      caCert: this.caCert(),
      serviceRange: this.serviceRange,
      apiPort: this.config.port || 443,
    });
    for (const step of steps) await this.quietly(this.commands.execute(this.controlPlaneCommand(step)));
  }

  private controlPlaneCommand(step: ControlPlaneStep) {
    const { namespace = '', name = '' } = step.object.metadata;
    const meta = { actor: controlPlaneActor(step.kind), fenced: true };
    return step.type === 'Create'
      ? new ObjectCommandMsg(step.kind, namespace, name, { type: 'CreateObject', object: step.object }, meta)
      : new ObjectCommandMsg(step.kind, namespace, name, { type: 'UpdateObject', object: step.object, expectedResourceVersion: step.object.metadata.resourceVersion }, meta);
  }

  private caCert(): string {
    const file = join(this.config.dataDir, TLS_CERT_FILE);
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  /** A step whose object went or changed meanwhile is simply redone from state on the next look. */
  private async quietly(p: Promise<unknown>) {
    try {
      await p;
    } catch (e) {
      if (!isDomainError(e, 'NotFound') && !isDomainError(e, 'AlreadyExists') && !isDomainError(e, 'VersionConflict') && !isDomainError(e, 'Conflict')) throw e;
    }
  }
}
