import { Reconciler } from '../src/reconcile/reconciler.service';
import 'reflect-metadata';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { decodeManifest } from '@daemonledger/domain';
import type { DaemonSet, Pod } from '@daemonledger/domain/api/types';
import { loadConfig } from '../src/config/config';
import { startEmbedded, type Embedded, type EmbeddedOptions } from '../src/embedded';
import { DAEMONSETS_API, LocalApi } from '../src/api/local-api';

/**
 * A whole DaemonLedger in the test process, on a real SQLite file in a temp
 * directory (or a given store), with instant simulated pods by default.
 */
export interface Harness extends Embedded {
  dir: string;
  bus: CommandBus;
  /** The API's write path, in process: what users' changes go through (kubectl set image, rollout undo, …). */
  writes: LocalApi;
  /** Creates the DaemonSet through the API (namespace `default` unless it names one). */
  apply(ds: DaemonSet): Promise<void>;
  pods(ns?: string): Pod[];
  ds(name: string, ns?: string): DaemonSet | undefined;
  /** Settles, then polls until `predicate` holds (simulated kubelets run on timers of their own). */
  until(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  dispose(): Promise<void>;
}

export const startHarness = async (
  opts: Partial<EmbeddedOptions> & { nodes?: number; podStartMs?: number; env?: Record<string, string>; dir?: string } = {},
): Promise<Harness> => {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'daemonledger-'));
  const config = loadConfig({
    DATA_DIR: dir,
    SIM_NODES: String(opts.nodes ?? 3),
    SIM_POD_START_MS: String(opts.podStartMs ?? 0),
    LOG_LEVEL: 'warn',
    PLANNER_CHECK: '1',
    ...opts.env,
  });
  const embedded = await startEmbedded({ podStopMs: 0, pullBackoffMs: 50, ...opts, config });
  const bus = embedded.app.get(CommandBus);
  const api = embedded.app.get(LocalApi);
  return {
    ...embedded,
    dir,
    bus,
    writes: api,
    apply: async (ds) => {
      await api.create(DAEMONSETS_API, ds.metadata.namespace ?? 'default', ds, { user: 'test' });
    },
    pods: (ns = 'default') => embedded.state.view.podsIn(ns),
    ds: (name, ns = 'default') => embedded.state.view.daemonSet(ns, name),
    until: async (predicate, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await embedded.settle();
        if (predicate()) return;
        if (Date.now() > deadline) throw new Error('condition not reached in time');
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    dispose: async () => {
      await embedded.close();
      rmSync(dir, { recursive: true, force: true });
      // PLANNER_CHECK is on: a sync whose incremental plan differed from the full one fails the spec.
      const mismatch = embedded.app.get(Reconciler).plannerMismatch;
      if (mismatch) throw mismatch;
    },
  };
};

export const manifest = (file: string): DaemonSet =>
  decodeManifest(readFileSync(join(__dirname, '../../../infra/manifests', file), 'utf8'))[0] as DaemonSet;
