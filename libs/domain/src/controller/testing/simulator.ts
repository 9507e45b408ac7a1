/**
 * A tiny in-memory cluster for driving repeated syncs: it applies a SyncResult the way the API
 * server, scheduler and kubelets would (creates, graceful deletes, binds, readiness), so specs can
 * read as "sync → (creates, deletes)".
 */
import type { ControllerRevision, DaemonSet, Node, Pod } from '../../api/types';
import type { FailedPodBackoff } from '../backoff';
import { CONTROLLER_REVISION_HASH_LABEL, newDaemonPod, podTargetNode, TEMPLATE_GENERATION_ANNOTATION } from '../pods';
import { applyPodDeletion, syncDaemonSet, type SyncInput, type SyncResult } from '../sync';
import { toRfc3339 } from '../time';
import { T0 } from './builders';

export interface SyncOptions {
  /** Bind new pods to their node right away (the scheduler). Default true. */
  bind?: boolean;
  /** Kubelets confirm graceful deletions right away (pods vanish). Default true. */
  confirmDeletes?: boolean;
}

export interface Step extends SyncResult {
  readonly creates: number;
  readonly deletes: number;
}

export class Cluster {
  now = T0;
  backoff: FailedPodBackoff = {};
  revisions: ControllerRevision[] = [];
  private uidSeq = 0;
  /** What plans each sync (the full planner unless a spec sets another). */
  planner: (input: SyncInput) => SyncResult = syncDaemonSet;

  constructor(
    public ds: DaemonSet,
    public nodes: Node[],
    public pods: Pod[] = [],
  ) {}

  sync(o: SyncOptions = {}): Step {
    const result = this.planner({ ds: this.ds, nodes: this.nodes, pods: this.pods, revisions: this.revisions, now: this.now, failedPodBackoff: this.backoff });
    this.apply(result);
    if (o.bind ?? true) this.bindAll();
    if (o.confirmDeletes ?? true) this.confirmDeletes();
    return { ...result, creates: result.createPods.length, deletes: result.deletePods.length };
  }

  /** Syncs until nothing is created or deleted (at most `max` times); returns every (c, d) pair. */
  settle(max = 20, o: SyncOptions = {}): [number, number][] {
    const steps: [number, number][] = [];
    for (let i = 0; i < max; i++) {
      const s = this.sync(o);
      steps.push([s.creates, s.deletes]);
      if (s.creates === 0 && s.deletes === 0) break;
    }
    return steps;
  }

  apply(r: SyncResult): void {
    const ds = this.ds;
    const byName = (name: string) => (p: { metadata: { name?: string } }) => p.metadata.name === name;
    for (const a of r.revisionActions) {
      switch (a.type) {
        case 'create':
          this.revisions.push(structuredClone(a.revision));
          break;
        case 'delete':
          this.revisions = this.revisions.filter((x) => !byName(a.name)(x));
          break;
        case 'renumber':
          this.revisions = this.revisions.map((x) => (byName(a.name)(x) ? { ...x, revision: a.to } : x));
          break;
        case 'set-hash-label':
          this.revisions = this.revisions.map((x) => (byName(a.name)(x) ? { ...x, metadata: { ...x.metadata, labels: { ...(x.metadata.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: a.hash } } } : x));
          break;
        case 'adopt':
          this.revisions = this.revisions.map((x) => (byName(a.name)(x) ? { ...x, metadata: { ...x.metadata, ownerReferences: [...(x.metadata.ownerReferences ?? []), { apiVersion: 'apps/v1', kind: 'DaemonSet', name: ds.metadata.name!, uid: ds.metadata.uid!, controller: true, blockOwnerDeletion: true }] } } : x));
          break;
        case 'release':
          this.revisions = this.revisions.map((x) => (byName(a.name)(x) ? { ...x, metadata: { ...x.metadata, ownerReferences: (x.metadata.ownerReferences ?? []).filter((o) => o.uid !== ds.metadata.uid) } } : x));
          break;
      }
    }
    const editPod = (name: string, f: (p: Pod) => Pod) => (this.pods = this.pods.map((p) => (p.metadata.name === name ? f(p) : p)));
    for (const name of r.adoptPods) {
      editPod(name, (p) => ({ ...p, metadata: { ...p.metadata, ownerReferences: [...(p.metadata.ownerReferences ?? []), { apiVersion: 'apps/v1', kind: 'DaemonSet', name: ds.metadata.name!, uid: ds.metadata.uid!, controller: true, blockOwnerDeletion: true }] } }));
    }
    for (const name of r.releasePods) {
      editPod(name, (p) => ({ ...p, metadata: { ...p.metadata, ownerReferences: (p.metadata.ownerReferences ?? []).filter((o) => o.uid !== ds.metadata.uid) } }));
    }
    for (const { name, hash } of r.relabelPods) {
      editPod(name, (p) => ({ ...p, metadata: { ...p.metadata, labels: { ...(p.metadata.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash } } }));
    }
    for (const c of r.createPods) this.pods.push(newDaemonPod(ds, c.nodeName, { name: c.name, uid: `pod-uid-${++this.uidSeq}`, hash: c.hash, now: this.now }));
    for (const d of r.deletePods) this.pods = this.pods.flatMap((p) => (p.metadata.name === d.name ? (applyPodDeletion(p, this.now) ?? []) : [p]));
    if (r.status) this.ds = { ...this.ds, status: r.status };
    this.backoff = r.nextBackoff;
  }

  /** The scheduler binds every pending pod to its target node (if that node exists). */
  bindAll(): void {
    this.pods = this.pods.map((p) => {
      const target = podTargetNode(p);
      if (p.spec.nodeName || target === undefined || !this.nodes.some((n) => n.metadata.name === target)) return p;
      return { ...p, spec: { ...p.spec, nodeName: target } };
    });
  }

  /** Kubelets finish graceful deletions; pod GC removes pods bound to vanished nodes. */
  confirmDeletes(): void {
    const names = new Set(this.nodes.map((n) => n.metadata.name));
    this.pods = this.pods.filter((p) => !p.metadata.deletionTimestamp && !(p.spec.nodeName && !names.has(p.spec.nodeName)));
  }

  /** Marks matching pods Running and Ready (transition at `now`). Returns how many changed. */
  markReady(filter: (p: Pod) => boolean = () => true): number {
    let n = 0;
    this.pods = this.pods.map((p) => {
      if (!filter(p) || p.metadata.deletionTimestamp || p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return p;
      n++;
      return { ...p, status: { ...p.status, phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: toRfc3339(this.now) }] } };
    });
    return n;
  }

  setPhase(name: string, phase: NonNullable<Pod['status']>['phase']): void {
    this.pods = this.pods.map((p) => (p.metadata.name === name ? { ...p, status: { ...p.status, phase, conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: toRfc3339(this.now) }] } } : p));
  }

  /** A spec update as the registry applies it (§1.3): template change bumps generation and templateGeneration. */
  updateSpec(mutate: (spec: DaemonSet['spec']) => void): void {
    const spec = structuredClone(this.ds.spec);
    mutate(spec);
    const templateChanged = JSON.stringify(spec.template) !== JSON.stringify(this.ds.spec.template);
    const specChanged = JSON.stringify(spec) !== JSON.stringify(this.ds.spec);
    if (!specChanged) return;
    const md = this.ds.metadata;
    const tg = Number(md.annotations?.[TEMPLATE_GENERATION_ANNOTATION] ?? '1');
    this.ds = {
      ...this.ds,
      spec,
      metadata: {
        ...md,
        generation: (md.generation ?? 1) + 1,
        annotations: { ...(md.annotations ?? {}), [TEMPLATE_GENERATION_ANNOTATION]: String(templateChanged ? tg + 1 : tg) },
      },
    };
  }

  setImage(image: string): void {
    this.updateSpec((s) => {
      s.template.spec.containers[0].image = image;
    });
  }

  advance(ms: number): void {
    this.now += ms;
  }

  podsOn(node: string, o: { includeDeleting?: boolean } = {}): Pod[] {
    return this.pods.filter((p) => podTargetNode(p) === node && (o.includeDeleting || !p.metadata.deletionTimestamp));
  }

  get hash(): string {
    return this.revisions.reduce<ControllerRevision | undefined>((m, r) => (!m || r.revision > m.revision ? r : m), undefined)?.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '';
  }

  revisionNumbers(): number[] {
    return this.revisions.map((r) => r.revision).sort((a, b) => a - b);
  }
}

/** A script of expected (creates, deletes) per sync, `ready` marking every pod Ready in between. */
export type Script = ('ready' | [number, number])[];

/** Runs a script against the cluster and returns what each sync did, to compare with the script. */
export const play = (c: Cluster, script: Script): (string | [number, number])[] =>
  script.map((step) => {
    if (step === 'ready') {
      c.markReady();
      return 'ready';
    }
    const s = c.sync();
    return [s.creates, s.deletes];
  });
