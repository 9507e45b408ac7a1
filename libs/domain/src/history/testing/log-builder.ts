import type { DaemonSet, IntOrString } from '../../api/types';
import type { ClusterEvent } from '../../cluster/events';
import { daemonSetStream, podStream, revisionStream, rolloutStream } from '../../cluster/streams';
import { daemonSetControllerRef, newDaemonPod } from '../../controller/pods';
import { toRfc3339 } from '../../controller/time';
import type { LoggedEvent } from '../log-event';

const NS = 'default';
const T0 = Date.parse('2026-01-01T00:00:00Z');

export interface DaemonSetOptions {
  maxUnavailable?: IntOrString;
  maxSurge?: IntOrString;
  minReadySeconds?: number;
  onDelete?: boolean;
}

/**
 * Writes small logs as the controller would, one line per fact, for the
 * verifier's specifications: positions 1, 2, 3…, a clock that moves only on
 * `tick`, pods built by the controller's own `newDaemonPod`.
 */
export class LogBuilder {
  readonly events: LoggedEvent[] = [];
  now = T0;
  private position = 0;
  private readonly streamRevisions = new Map<string, number>();
  private readonly daemonSets = new Map<string, DaemonSet>();
  private readonly rollouts = new Map<string, number>();
  private seq = 0;

  /** Appends one event; returns its position. */
  add(streamId: string, event: ClusterEvent, actor = 'daemonset-controller'): number {
    const revision = (this.streamRevisions.get(streamId) ?? -1) + 1;
    this.streamRevisions.set(streamId, revision);
    const at = new Date(this.now).toISOString();
    this.events.push({ ...event, position: ++this.position, streamId, revision, recordedAt: at, metadata: { actor, wallTime: at } } as LoggedEvent);
    return this.position;
  }

  tick(ms: number): this {
    this.now += ms;
    return this;
  }

  daemonSet(name: string, o: DaemonSetOptions = {}): number {
    const ds: DaemonSet = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name, namespace: NS, uid: `uid-${name}`, generation: 1, annotations: { 'deprecated.daemonset.template.generation': '1' } },
      spec: {
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `${name}:1` }] } },
        updateStrategy: o.onDelete
          ? { type: 'OnDelete' }
          : { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: o.maxUnavailable ?? 1, maxSurge: o.maxSurge ?? 0 } },
        minReadySeconds: o.minReadySeconds ?? 0,
      },
    };
    this.daemonSets.set(name, ds);
    return this.add(daemonSetStream(NS, name), { type: 'DaemonSetCreated', data: { daemonSet: ds } }, 'user:admin');
  }

  /** The controller's status write: `desired` nodes should run a pod. */
  status(ds: string, desired: number): number {
    return this.add(daemonSetStream(NS, ds), {
      type: 'DaemonSetStatusChanged',
      data: { status: { desiredNumberScheduled: desired, currentNumberScheduled: desired, numberMisscheduled: 0, numberReady: 0 } },
    });
  }

  templateChange(ds: string, generation: number): number {
    const d = this.daemonSets.get(ds)!;
    return this.add(daemonSetStream(NS, ds), {
      type: 'DaemonSetSpecChanged',
      data: { spec: d.spec, generation, templateGeneration: generation, templateChanged: true },
    }, 'user:admin');
  }

  revision(ds: string, name: string, revision: number): number {
    const d = this.daemonSets.get(ds)!;
    return this.add(revisionStream(NS, name), {
      type: 'ControllerRevisionCreated',
      data: {
        revision: {
          apiVersion: 'apps/v1',
          kind: 'ControllerRevision',
          metadata: { name, namespace: NS, ownerReferences: [daemonSetControllerRef(d)] },
          data: { spec: { template: d.spec.template } },
          revision,
        },
      },
    });
  }

  renumber(name: string, from: number, to: number): number {
    return this.add(revisionStream(NS, name), { type: 'ControllerRevisionRenumbered', data: { from, to } });
  }

  /** A daemon pod of `ds` for `node` (name `<ds>-<node>-<n>`); returns [position, name]. */
  pod(ds: string, node: string, hash = 'rev1'): [number, string] {
    const name = `${ds}-${node}-${++this.seq}`;
    const pod = newDaemonPod(this.daemonSets.get(ds)!, node, { name, uid: `uid-${name}`, hash, now: this.now });
    return [this.add(podStream(NS, name), { type: 'PodCreated', data: { pod } }), name];
  }

  /** The compact form of a daemon pod's creation (schema v2): the DaemonSet, node and hash it was built from. */
  compactPod(ds: string, node: string, hash = 'rev1'): [number, string] {
    const name = `${ds}-${node}-${++this.seq}`;
    const daemonPod = { daemonSet: ds, version: 1, node, uid: `uid-${name}`, hash, created: toRfc3339(this.now) };
    return [this.add(podStream(NS, name), { type: 'PodCreated', data: { daemonPod } }), name];
  }

  /** The compact form of a kubelet's report (schema v2): what it observed. */
  observed(pod: string, state: 'Waiting' | 'Running' | 'Failed', ready = state === 'Running'): number {
    const kubelet = { at: toRfc3339(this.now), state, ...(ready ? { ready: true } : {}), hostIP: '10.0.0.1', podIP: '10.244.0.1' };
    return this.add(podStream(NS, pod), { type: 'PodStatusReported', data: { kubelet } }, 'node-agent');
  }

  /** The compact form of a status write (schema v2): only the fields that changed. */
  statusChanged(ds: string, desired: number): number {
    return this.add(daemonSetStream(NS, ds), { type: 'DaemonSetStatusChanged', data: { changed: { desiredNumberScheduled: desired } } });
  }

  ready(pod: string, isReady = true): number {
    const at = toRfc3339(this.now);
    return this.add(podStream(NS, pod), {
      type: 'PodStatusReported',
      data: { status: { phase: 'Running', conditions: [{ type: 'Ready', status: isReady ? 'True' : 'False', lastTransitionTime: at }] } },
    }, 'node-agent');
  }

  failed(pod: string): number {
    return this.add(podStream(NS, pod), { type: 'PodStatusReported', data: { status: { phase: 'Failed', conditions: [{ type: 'Ready', status: 'False' }] } } }, 'node-agent');
  }

  stop(pod: string, reason = 'rolling-update'): number {
    return this.add(podStream(NS, pod), { type: 'PodDeletionRequested', data: { deletionTimestamp: toRfc3339(this.now), gracePeriodSeconds: 30, reason } });
  }

  gone(pod: string): number {
    return this.add(podStream(NS, pod), { type: 'PodDeleted', data: { reason: 'terminated' } }, 'node-agent');
  }

  rolloutCompleted(ds: string): number {
    const n = (this.rollouts.get(ds) ?? 1) + 1;
    this.rollouts.set(ds, n);
    return this.add(rolloutStream(NS, ds, n), { type: 'RolloutCompleted', data: { desired: 0, updated: 0, available: 0, unavailable: 0 } });
  }

  /** Pods of `ds` on node-0…node-(n-1), all Ready; returns their names. */
  readyPods(ds: string, nodes: number, hash = 'rev1'): string[] {
    const names = Array.from({ length: nodes }, (_, i) => this.pod(ds, `node-${i}`, hash)[1]);
    names.forEach((n) => this.ready(n));
    return names;
  }
}
