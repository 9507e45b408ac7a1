import 'reflect-metadata';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeManifest } from '@daemonledger/domain';
import type { DaemonSet, Pod } from '@daemonledger/domain/api/types';
import { DAEMONSETS_API, LocalApi } from './api/local-api';
import { loadConfig } from './config/config';
import { startEmbedded, type Embedded } from './embedded';
import { projectRoot } from './infrastructure/paths';

/**
 * `npm run demo`: the seed walkthrough, in-process, on a throwaway SQLite log,
 * every change through the API's write path (LocalApi) as kubectl's would go:
 * apply nginx-ds, set image with a change-cause, watch the rollout, typo the
 * image (nginx:1.91) and watch it stall, undo, read the history.
 */
const NS = 'default';
const NAME = 'nginx-ds';
const say = (s = '') => console.log(s);
const step = (s: string) => say(`\n\x1b[1m$ ${s}\x1b[0m`);

const rolloutStatusLine = (ds: DaemonSet): { line: string; done: boolean } => {
  const s = ds.status!;
  if ((ds.metadata.generation ?? 0) > (s.observedGeneration ?? 0)) return { line: 'Waiting for daemon set spec update to be observed...', done: false };
  if ((s.updatedNumberScheduled ?? 0) < s.desiredNumberScheduled)
    return { line: `Waiting for daemon set "${NAME}" rollout to finish: ${s.updatedNumberScheduled ?? 0} out of ${s.desiredNumberScheduled} new pods have been updated...`, done: false };
  if ((s.numberAvailable ?? 0) < s.desiredNumberScheduled)
    return { line: `Waiting for daemon set "${NAME}" rollout to finish: ${s.numberAvailable ?? 0} of ${s.desiredNumberScheduled} updated pods are available...`, done: false };
  return { line: `daemon set "${NAME}" successfully rolled out`, done: true };
};

const rolloutStatus = async (e: Embedded, timeoutMs: number) => {
  let last = '';
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ds = e.state.view.daemonSet(NS, NAME)!;
    const { line, done } = rolloutStatusLine(ds);
    if (line !== last) say((last = line));
    if (done) return true;
    if (Date.now() > until) {
      say('error: timed out waiting for the condition');
      return false;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
};

const podStatus = (p: Pod) => {
  if (p.metadata.deletionTimestamp) return 'Terminating';
  const waiting = p.status?.containerStatuses?.find((c) => c.state?.waiting)?.state?.waiting?.reason;
  return waiting ?? p.status?.phase ?? 'Pending';
};

const getPods = (e: Embedded) => {
  const rows = e.state.view.podsIn(NS).sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
  say('NAME             READY   STATUS             NODE     IMAGE');
  for (const p of rows) {
    const ready = p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? '1/1' : '0/1';
    say(`${p.metadata.name!.padEnd(17)}${ready.padEnd(8)}${podStatus(p).padEnd(19)}${(p.spec.nodeName ?? '').padEnd(9)}${p.spec.containers[0].image}`);
  }
};

const history = (e: Embedded) => {
  const ds = e.state.view.daemonSet(NS, NAME)!;
  const revs = e.state.view.revisionsIn(NS).filter((r) => r.metadata.ownerReferences?.some((o) => o.uid === ds.metadata.uid)).sort((a, b) => a.revision - b.revision);
  say(`daemonset.apps/${NAME} `);
  say('REVISION  CHANGE-CAUSE');
  for (const r of revs) say(`${String(r.revision).padEnd(10)}${r.metadata.annotations?.['kubernetes.io/change-cause'] ?? '<none>'}`);
};

const main = async () => {
  const dir = process.env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'daemonledger-demo-'));
  const config = loadConfig({ ...process.env, DATA_DIR: dir, SIM_NODES: process.env.SIM_NODES ?? '5', SIM_POD_START_MS: process.env.SIM_POD_START_MS ?? '600' });
  say(`DaemonLedger demo — ${config.simulation.nodes} simulated nodes, pods ready ${config.simulation.podStartMs} ms after creation, log ${join(dir, 'events.sqlite')}`);
  const e = await startEmbedded({ config, podStopMs: 200, pullBackoffMs: 1000, activityLog: process.env.DEMO_VERBOSE ? (l) => say(`    ${l}`) : undefined });
  const api = e.app.get(LocalApi);
  await e.settle();

  step('kubectl apply -f infra/manifests/nginx-ds.yaml --record');
  const manifest = decodeManifest(readFileSync(join(projectRoot(), 'infra/manifests/nginx-ds.yaml'), 'utf8'))[0] as DaemonSet;
  await api.create(DAEMONSETS_API, NS, manifest, { user: 'demo', userAgent: 'kubectl-client-side-apply' });
  say(`daemonset.apps/${NAME} created`);
  step(`kubectl rollout status daemonset/${NAME}`);
  await rolloutStatus(e, 30_000);

  const cause1 = `kubectl set image daemonset/${NAME} nginx-ds=nginx:1.9.1 --record=true`;
  step(cause1);
  await api.setImage(NS, NAME, { '*': 'nginx:1.9.1' }, { user: 'demo', changeCause: cause1 });
  say(`daemonset.apps/${NAME} image updated`);
  step(`kubectl rollout status daemonset/${NAME}`);
  await rolloutStatus(e, 60_000);

  step(`kubectl set image daemonset/${NAME} nginx-ds=nginx:1.91`);
  await api.setImage(NS, NAME, { '*': 'nginx:1.91' }, { user: 'demo' });
  say(`daemonset.apps/${NAME} image updated`);
  step(`kubectl rollout status daemonset/${NAME} --timeout=4s`);
  await rolloutStatus(e, 4_000);
  step('kubectl get pod');
  getPods(e);
  const stalled = e.state.view.rolloutsOf(NS, NAME).at(-1);
  if (stalled?.state === 'stalled') say(`\n(audit) rollout #${stalled.rollout} is STALLED: ${stalled.stalledReason}`);

  step(`kubectl rollout history daemonset/${NAME}`);
  history(e);
  step(`kubectl rollout undo daemonset/${NAME}`);
  await api.rolloutUndo(NS, NAME, 0, { user: 'demo' });
  say(`daemonset.apps/${NAME} rolled back`);
  step(`kubectl rollout status daemonset/${NAME}`);
  await rolloutStatus(e, 60_000);
  step(`kubectl rollout history daemonset/${NAME}`);
  history(e);

  say('\nThe audit trail of every rollout, from the log:');
  for (const r of e.state.view.rolloutsOf(NS, NAME)) {
    say(`  #${r.rollout}  revision ${r.started.fromRevision ?? '-'} → ${r.started.toRevision}  ${r.state.padEnd(10)} ${r.started.changeCause ?? ''}`);
  }
  say(`\n${e.state.view.position} events in the log.`);
  await e.close();
  if (!process.env.DATA_DIR) rmSync(dir, { recursive: true, force: true });
};

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
