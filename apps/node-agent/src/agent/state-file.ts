import { mkdirSync } from 'node:fs';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { SavedPod } from '../simulated-kubelet';

/**
 * An agent's durable container state: per node, the pods its kubelet runs
 * (what a kubelet would find in its container runtime after a restart), and
 * the ids of the commands it handled last (so a command Kafka delivers again
 * after a crash is recognised even when its pod is already gone).
 */
export interface AgentState {
  version: 1;
  nodes: Record<string, SavedPod[]>;
  handled: string[];
  /** Per node, the images its runtime holds (`repo:tag`, least recently used first); absent in files written before the image cache. */
  images?: Record<string, string[]>;
}

export const emptyAgentState = (): AgentState => ({ version: 1, nodes: {}, handled: [] });

const SavedPodSchema = z.object({
  pod: z.object({
    metadata: z.object({ namespace: z.string().optional(), name: z.string(), uid: z.string() }),
    spec: z.object({ containers: z.array(z.object({ name: z.string() }).passthrough()).min(1) }).passthrough(),
  }),
  ip: z.string(),
  startedAt: z.string().optional(),
  restarts: z.number().int().min(0),
  pullFailures: z.number().int().min(0),
  stopping: z.boolean(),
  status: z.record(z.string(), z.unknown()).optional(),
  correlationId: z.string().optional(),
});
const AgentStateSchema = z.object({
  version: z.literal(1),
  nodes: z.record(z.string(), z.array(SavedPodSchema)),
  handled: z.array(z.string()),
  images: z.record(z.string(), z.array(z.string())).optional(),
});

/**
 * Reads a state file. A missing file is a first start (empty, no problem);
 * an unreadable or corrupt one is reported and the agent starts empty: the
 * controller re-sends every pod of a node when it registers again.
 */
export const loadAgentState = async (path: string): Promise<{ state: AgentState; problem?: string }> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: emptyAgentState() };
    return { state: emptyAgentState(), problem: `cannot read ${path}: ${(e as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { state: emptyAgentState(), problem: `${path} is not JSON (${(e as Error).message})` };
  }
  const parsed = AgentStateSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return { state: emptyAgentState(), problem: `${path} is not an agent state file: ${issues.join('; ')}` };
  }
  return { state: parsed.data as unknown as AgentState };
};

/**
 * Writes the whole state to `path` atomically: a temporary file beside it,
 * flushed to disk, then renamed over it, so a reader (or a restart after
 * kill -9) sees the old file or the new one, never half of one.
 */
export const writeAgentState = async (path: string, state: AgentState, fsync = true): Promise<void> => {
  const tmp = `${path}.tmp-${process.pid}`;
  const file = await open(tmp, 'w');
  try {
    await file.writeFile(JSON.stringify(state));
    if (fsync) await file.sync();
  } finally {
    await file.close();
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
};

export interface StateFileOptions {
  /** How long changes gather before one write (group commit). */
  delayMs?: number;
  fsync?: boolean;
  log?: (line: string) => void;
}

/**
 * Batched, atomic saving of an agent's state. `changed()` marks the state
 * stale; writes are grouped (one per `delayMs` window, and never two at
 * once); `saved()` resolves once a write that began after the call has
 * finished, i.e. once every change made before it is on disk. A command's
 * handler awaits `saved()`, so the transport commits the command's offset
 * only after its effect is durable.
 */
export class StateFile {
  private dirty = false;
  private timer?: NodeJS.Timeout;
  private writing?: Promise<void>;
  /** Waiters for the next write to begin (they are satisfied when it ends). */
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private closed = false;
  writes = 0;

  constructor(
    readonly path: string,
    private readonly snapshot: () => AgentState,
    private readonly options: StateFileOptions = {},
  ) {
    mkdirSync(dirname(path), { recursive: true });
  }

  changed(): void {
    this.dirty = true;
    this.schedule();
  }

  saved(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.dirty = true;
      this.schedule();
    });
  }

  /** Writes what is pending now and stops (the agent is closing). */
  async close(): Promise<void> {
    this.closed = true; // no more scheduled writes; the last one is made here
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing;
    if (this.dirty || this.waiters.length) await this.write();
  }

  private schedule() {
    if (this.timer || this.writing || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, this.options.delayMs ?? 25);
  }

  private write(): Promise<void> {
    const waiters = this.waiters;
    this.waiters = [];
    this.dirty = false;
    const state = this.snapshot();
    this.writing = writeAgentState(this.path, state, this.options.fsync ?? true).then(
      () => {
        this.writes++;
        waiters.forEach((w) => w.resolve());
      },
      (e) => {
        this.options.log?.(`node-agent: could not save ${this.path}: ${(e as Error).message}`);
        // The handlers waiting fail, so their commands are delivered again; the state stays dirty.
        this.dirty = true;
        waiters.forEach((w) => w.reject(e));
      },
    );
    const done = this.writing.finally(() => {
      this.writing = undefined;
      if (this.dirty || this.waiters.length) this.schedule();
    });
    return done;
  }
}

/** The most recent `capacity` ids, oldest forgotten first. */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(
    private readonly capacity = 20_000,
    initial: readonly string[] = [],
  ) {
    for (const id of initial) this.add(id);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.delete(id);
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
  }

  list(): string[] {
    return [...this.ids];
  }
}
