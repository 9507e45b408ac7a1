import type { Container, Pod, PodStatus } from '@daemonledger/domain/api/types';
import { type KubeletObservation, kubeletPodStatus } from '@daemonledger/domain/cluster/kubelet-status';
import { EMPTY_IMAGE_CACHE, type ImageCache, pullPlan, startStages, useImages } from '@daemonledger/domain/cluster/kubelet-images';
import type { ImageRegistry } from './image-registry';

/**
 * One KWOK-style kubelet: it owns the pods bound to its node and walks each
 * through Pending → ContainerCreating (sandbox starting: no IP yet) →
 * ContainerCreating (sandbox up: the pod IP; images pulled unless present
 * and the policy allows using them) → Running → Ready, or through
 * ErrImagePull → ImagePullBackOff (with the kubelet's doubling back-off), or
 * a crash loop, and reports every visible change. Stopping a pod kills its
 * running containers (reported at once: terminated, not ready) and reports
 * it gone after the simulated termination delay.
 */
export interface KubeletOptions {
  nodeName: string;
  /** Node IP (hostIP) and the node's pod CIDR base, e.g. "10.244.3." */
  nodeIP: string;
  podIPPrefix: string;
  /** Creation → Ready. 0 = as fast as possible (one report). */
  podStartMs: number;
  /** Time a stopped pod takes to disappear (capped by its grace period). */
  podStopMs: number;
  /** First image-pull back-off; doubles per failure up to 30× (kubelet: 10 s → 300 s). */
  pullBackoffMs: number;
  failures: FailureRule[];
  now: () => Date;
}

export interface FailureRule {
  /** Matches when the image contains this text (or any image when absent). */
  image?: string;
  node?: string;
  /** crash: the container crash-loops; not-ready: runs, never Ready; fail: the pod ends in phase Failed. */
  mode: 'crash' | 'not-ready' | 'fail';
}

/** Which pod a report is about, and the correlation of the command that last set it in motion. */
export interface PodRef {
  namespace: string;
  name: string;
  uid: string;
  correlationId?: string;
}

export interface KubeletSink {
  /** `pulls`: on the report that starts the containers, per container its pull's ms or null (image present). */
  status(pod: PodRef, status: PodStatus, pulls?: (number | null)[]): void;
  /** The node's images changed (a pull, or garbage collection). */
  images?(cache: ImageCache): void;
  gone(pod: PodRef): void;
  /** The kubelet's containers changed (a pod added, started, restarted, stopping or gone): its saved state is stale. */
  changed?(): void;
}

/**
 * What a kubelet keeps about one container set across a restart of its
 * process (the agent's state file): enough to adopt it without starting it
 * again. `pod` holds only what the kubelet reads (identity and spec).
 */
export interface SavedPod {
  pod: { metadata: { namespace?: string; name?: string; uid?: string }; spec: { containers: { name: string; image?: string }[]; hostNetwork?: boolean } };
  ip: string;
  startedAt?: string;
  restarts: number;
  pullFailures: number;
  stopping: boolean;
  /** The status last reported (absent before the first report). */
  status?: PodStatus;
  correlationId?: string;
}

interface Running {
  pod: Pod;
  correlationId?: string;
  timers: NodeJS.Timeout[];
  ip: string;
  pullFailures: number;
  restarts: number;
  startedAt?: string;
  stopping: boolean;
  gracePeriodSeconds?: number;
  /**
   * What it last observed and reported: the status follows from it and the pod
   * (`kubeletPodStatus`), so only this is kept, a tenth of the status's bytes
   * on a node of a 100,000-node fleet.
   */
  observed?: KubeletObservation;
  /** A status taken over as it was (a restarted kubelet's running containers, a state file's), until the next observation. */
  status?: PodStatus;
  /** The sandbox is up: the pod has its IP (upstream: after RunPodSandbox). */
  sandbox: boolean;
}

export class SimulatedKubelet {
  private readonly pods = new Map<string, Running>();
  private nextIP = 2;
  /** The images this node's runtime holds (bounded by the image GC: `useImages`). */
  private cache: ImageCache = EMPTY_IMAGE_CACHE;

  constructor(
    readonly options: KubeletOptions,
    private readonly registry: ImageRegistry,
    private readonly sink: KubeletSink,
  ) {}

  get podCount() {
    return this.pods.size;
  }

  get images(): ImageCache {
    return this.cache;
  }

  /** The images a previous process of this kubelet found in the runtime (the agent's state file), least recently used first. */
  restoreImages(names: readonly string[]): void {
    const at = this.options.now().toISOString();
    this.cache = { images: [...this.cache.images.filter((i) => !names.includes(i.name)), ...names.map((name) => ({ name, lastUsed: at }))] };
  }

  run(pod: Pod, correlationId?: string): void {
    const uid = pod.metadata.uid!;
    if (this.pods.has(uid)) return; // at-least-once delivery
    const ip = pod.spec.hostNetwork ? this.options.nodeIP : this.allocateIP();
    const entry: Running = { pod, correlationId, timers: [], ip, pullFailures: 0, restarts: 0, stopping: false, sandbox: Boolean(pod.spec.hostNetwork) };
    this.pods.set(uid, entry);
    this.sink.changed?.();
    if (pod.status?.phase === 'Running' && pod.status.containerStatuses?.every((c) => c.state?.running)) {
      // A restarted kubelet finds its containers still running: it adopts them as they are.
      entry.ip = pod.status.podIP ?? ip;
      entry.startedAt = pod.status.startTime;
      entry.restarts = pod.status.containerStatuses?.[0]?.restartCount ?? 0;
      entry.status = pod.status;
      entry.sandbox = true;
      this.useImages(pod.spec.containers.map((c) => c.image ?? ''));
      return;
    }
    this.createSandbox(entry);
  }

  /**
   * The start's first stage: the sandbox. Until it is up the pod has no IP
   * (a host-network pod has the node's at once); then the images are pulled.
   * No status is reported when the sandbox comes up: the kubelet's pod worker
   * goes on from the sandbox to the pulls and the starts within one SyncPod,
   * and the next status it generates is after them (Running, or the pull's
   * failure), so the IP first shows with that one, as seed 001's `get pod
   * -w` shows (ContainerCreating with `<none>`, then Running with the IP).
   */
  private createSandbox(entry: Running) {
    const { sandboxMs } = startStages(this.options.podStartMs);
    if (this.options.podStartMs === 0) {
      entry.sandbox = true;
      return this.start(entry);
    }
    this.report(entry, this.observe(entry, { waiting: 'ContainerCreating' }));
    if (entry.sandbox) return this.pullImages(entry);
    this.later(entry, sandboxMs, () => {
      entry.sandbox = true;
      this.pullImages(entry);
    });
  }

  /** The start's second stage: the pulls the plan needs, one after another, then the containers start. */
  private pullImages(entry: Running) {
    const plan = pullPlan(entry.pod.spec.containers, this.cache, this.options.podStartMs);
    const wait = plan.reduce<number>((n, ms) => n + (ms ?? 0), 0);
    if (wait > 0) this.later(entry, wait, () => this.start(entry, plan));
    else this.start(entry, plan);
  }

  stop(pod: PodRef, gracePeriodSeconds: number): void {
    const entry = this.pods.get(pod.uid);
    if (!entry) {
      // Nothing runs under that uid here (the kubelet restarted after the pod stopped): it is gone.
      const ref = { namespace: pod.namespace, name: pod.name, uid: pod.uid, correlationId: pod.correlationId };
      queueMicrotask(() => this.sink.gone(ref));
      return;
    }
    if (entry.stopping) return;
    entry.correlationId = pod.correlationId ?? entry.correlationId;
    entry.stopping = true;
    entry.gracePeriodSeconds = gracePeriodSeconds;
    entry.timers.forEach(clearTimeout);
    entry.timers = [];
    this.sink.changed?.();
    this.kill(entry);
    this.terminate(entry, gracePeriodSeconds);
  }

  /**
   * Kills the running containers of a pod being deleted and reports them
   * terminated (not ready) at once, as the status manager does after
   * killContainersWithSyncResult: `kubectl get pod -w` shows `0/1 Terminating`
   * before the pod is gone. A pod none of whose containers runs has nothing
   * to kill and its status (already not ready) stays.
   */
  private kill(entry: Running) {
    if (!lastStatus(entry)?.containerStatuses?.some((c) => c.state?.running)) return;
    this.sink.status(this.ref(entry), this.observed(entry, this.observe(entry, { killed: true })));
  }

  private terminate(entry: Running, gracePeriodSeconds: number) {
    const uid = entry.pod.metadata.uid!;
    const delay = Math.min(this.options.podStopMs, gracePeriodSeconds * 1000);
    const finish = () => {
      this.pods.delete(uid);
      this.sink.changed?.();
      this.sink.gone(this.ref(entry));
    };
    if (delay > 0) entry.timers.push(setTimeout(finish, delay));
    else queueMicrotask(finish);
  }

  /** What this kubelet runs, for the agent's state file. */
  saved(): SavedPod[] {
    return [...this.pods.values()].map((e) => ({
      // Only what the kubelet reads: a state file of thousands of pods is rewritten many times a second.
      pod: {
        metadata: { namespace: e.pod.metadata.namespace, name: e.pod.metadata.name, uid: e.pod.metadata.uid },
        spec: { containers: e.pod.spec.containers.map((c) => ({ name: c.name, image: c.image })), ...(e.pod.spec.hostNetwork ? { hostNetwork: true } : {}) },
      },
      ip: e.ip,
      ...(e.startedAt !== undefined ? { startedAt: e.startedAt } : {}),
      restarts: e.restarts,
      pullFailures: e.pullFailures,
      stopping: e.stopping,
      ...(e.status || e.observed ? { status: lastStatus(e) } : {}),
      ...(e.correlationId ? { correlationId: e.correlationId } : {}),
    }));
  }

  /**
   * A restarted agent takes back the containers its previous process ran, as
   * a kubelet finds its containers in the runtime after a restart: a running
   * or finished container stays as it was (no ContainerCreating again) and
   * its last status is reported once more (the report may have been lost
   * with the process; the controller records an unchanged status as
   * nothing); a pod still starting starts again; a pod being stopped
   * finishes stopping.
   */
  adopt(saved: readonly SavedPod[]): void {
    for (const s of saved) {
      const uid = s.pod.metadata.uid;
      if (!uid || this.pods.has(uid)) continue;
      const entry: Running = {
        pod: s.pod as unknown as Pod,
        correlationId: s.correlationId,
        timers: [],
        ip: s.ip,
        pullFailures: s.pullFailures,
        restarts: s.restarts,
        startedAt: s.startedAt,
        stopping: false,
        status: s.status,
        sandbox: Boolean(s.status?.podIP),
      };
      this.pods.set(uid, entry);
      this.reserveIP(s.ip);
      this.useImages(s.pod.spec.containers.map((c) => c.image ?? ''));
      if (s.stopping) {
        entry.stopping = true;
        this.terminate(entry, 0);
        continue;
      }
      const state = s.status?.containerStatuses?.[0]?.state;
      const settled = s.status && (s.status.phase === 'Failed' || state?.running);
      if (settled) this.sink.status(this.ref(entry), s.status!);
      else this.createSandbox(entry);
    }
    this.sink.changed?.();
  }

  /** Stops every timer but keeps the pods (the agent is saving its state and closing). */
  freeze(): void {
    for (const e of this.pods.values()) {
      e.timers.forEach(clearTimeout);
      e.timers = [];
    }
  }

  /** Forget every pod without reporting (the node left or the agent stops). */
  shutdown(): void {
    for (const e of this.pods.values()) e.timers.forEach(clearTimeout);
    this.pods.clear();
  }

  /**
   * The containers start: each image is pulled (a retry after a back-off
   * pulls again, per the plan) unless the plan found it present; then the
   * containers run, crash or fail as the failure rules say.
   */
  private start(entry: Running, plan: (number | null)[] = pullPlan(entry.pod.spec.containers, this.cache, this.options.podStartMs)) {
    if (entry.stopping) return;
    for (const [i, c] of entry.pod.spec.containers.entries()) {
      if (plan[i] === null) continue;
      const pulled = this.registry.pull(c.image ?? '');
      if (!pulled.ok) return this.pullFailed(entry, c, pulled.message);
    }
    this.useImages(entry.pod.spec.containers.map((c) => c.image ?? ''));
    const rule = this.failureFor(entry.pod);
    entry.startedAt ??= this.options.now().toISOString().replace(/\.\d+Z$/, 'Z');
    if (rule?.mode === 'crash') return this.crash(entry);
    if (rule?.mode === 'fail') return this.report(entry, this.observe(entry, { failed: true }));
    this.report(entry, this.observe(entry, { running: true, ready: rule?.mode !== 'not-ready' }), plan);
  }

  /**
   * The images just used join the cache (most recently used), which the image
   * GC then bounds; every pod's images stay. The node reports its images when
   * the set changes (a pull, or a removal), not when a use only reorders them.
   */
  private useImages(images: string[]) {
    const inUse = [...this.pods.values()].flatMap((e) => e.pod.spec.containers.map((c) => c.image ?? ''));
    const next = useImages(this.cache, images, this.options.now().toISOString(), inUse);
    const names = (c: ImageCache) => c.images.map((i) => i.name).sort().join('\n');
    const changedSet = names(next) !== names(this.cache);
    this.cache = next;
    this.sink.changed?.();
    if (changedSet) this.sink.images?.(next);
  }

  private pullFailed(entry: Running, container: Container, message: string) {
    entry.pullFailures += 1;
    this.report(entry, this.observe(entry, { waiting: 'ErrImagePull', message }));
    const backoff = Math.min(this.options.pullBackoffMs * 2 ** (entry.pullFailures - 1), this.options.pullBackoffMs * 30);
    // The kubelet shows the back-off at once, then retries the pull when it ends.
    this.later(entry, Math.max(1, Math.min(backoff / 10, 1000)), () =>
      this.report(entry, this.observe(entry, { waiting: 'ImagePullBackOff', message: `Back-off pulling image "${container.image}"` })),
    );
    this.later(entry, backoff, () => this.pullImages(entry));
  }

  private crash(entry: Running) {
    entry.restarts += 1;
    this.report(entry, this.observe(entry, { waiting: 'CrashLoopBackOff', message: 'back-off restarting failed container' }));
    const backoff = Math.min(this.options.pullBackoffMs * 2 ** (entry.restarts - 1), this.options.pullBackoffMs * 30);
    this.later(entry, backoff, () => this.pullImages(entry));
  }

  private failureFor(pod: Pod): FailureRule | undefined {
    return this.options.failures.find(
      (r) =>
        (!r.node || r.node === this.options.nodeName) &&
        (!r.image || pod.spec.containers.some((c) => (c.image ?? '').includes(r.image!))),
    );
  }

  private later(entry: Running, ms: number, fn: () => void) {
    const t = setTimeout(() => {
      entry.timers = entry.timers.filter((x) => x !== t);
      if (!entry.stopping) fn();
    }, ms);
    entry.timers.push(t);
  }

  private report(entry: Running, observation: KubeletObservation, pulls?: (number | null)[]) {
    if (entry.stopping) return;
    const status = this.observed(entry, observation);
    this.sink.changed?.();
    if (pulls) this.sink.status(this.ref(entry), status, pulls);
    else this.sink.status(this.ref(entry), status);
  }

  private ref(entry: Running): PodRef {
    return {
      namespace: entry.pod.metadata.namespace ?? 'default',
      name: entry.pod.metadata.name!,
      uid: entry.pod.metadata.uid!,
      ...(entry.correlationId ? { correlationId: entry.correlationId } : {}),
    };
  }

  /** Keeps a restored pod's IP from being handed out again soon. */
  private reserveIP(ip: string) {
    if (!ip.startsWith(this.options.podIPPrefix)) return;
    const n = Number(ip.slice(this.options.podIPPrefix.length));
    if (Number.isInteger(n) && n >= this.nextIP && n < 254) this.nextIP = n + 1;
  }

  private allocateIP() {
    const ip = `${this.options.podIPPrefix}${this.nextIP}`;
    this.nextIP = this.nextIP >= 254 ? 2 : this.nextIP + 1;
    return ip;
  }

  /** Keeps what it observed, and gives the status it posts for it. */
  private observed(entry: Running, observation: KubeletObservation): PodStatus {
    entry.observed = observation;
    entry.status = undefined;
    return kubeletPodStatus(entry.pod, observation);
  }

  /** What this kubelet observed, from which the domain's `kubeletPodStatus` builds the status it posts (the log records the observation). */
  private observe(entry: Running, s: { waiting?: string; message?: string; running?: boolean; ready?: boolean; failed?: boolean; killed?: boolean }): KubeletObservation {
    const at = this.options.now().toISOString().replace(/\.\d+Z$/, 'Z');
    return {
      at,
      state: s.failed ? 'Failed' : s.killed ? 'Killed' : s.running ? 'Running' : 'Waiting',
      ...(s.running && s.ready ? { ready: true } : {}),
      ...(!s.failed && !s.running && !s.killed ? { reason: s.waiting, ...(s.message ? { message: s.message } : {}) } : {}),
      hostIP: this.options.nodeIP,
      ...(entry.sandbox ? { podIP: entry.ip } : {}),
      ...(entry.startedAt !== undefined ? { startedAt: entry.startedAt } : {}),
      ...(entry.restarts ? { restarts: entry.restarts } : {}),
    };
  }
}

/** The status a kubelet last posted for a pod (built again from its observation). */
const lastStatus = (entry: Running): PodStatus | undefined => entry.status ?? (entry.observed && kubeletPodStatus(entry.pod, entry.observed));
