import 'reflect-metadata';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeManifest } from '@daemonledger/domain';
import type { DaemonSet } from '@daemonledger/domain/api/types';
import { CHANGE_CAUSE_ANNOTATION } from '@daemonledger/domain/cluster/daemon-set.decider';
import { DAEMONSETS_API, LocalApi } from './api/local-api';
import { loadConfig } from './config/config';
import { historyTable, palette, podTable, recordedChangeCause } from './demo-print';
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
const { bold } = palette({ isTTY: process.stdout.isTTY, env: process.env });
const step = (s: string) => say(`\n${bold(`$ ${s}`)}`);
/** kubectl's tables end in a newline of their own; console.log adds one more. */
const sayTable = (t: string) => process.stdout.write(t);

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

const getPods = (e: Embedded, o: { wide?: boolean } = {}) => sayTable(podTable(e.state.view.podsIn(NS), new Date(), o));

const history = (e: Embedded) => {
  const ds = e.state.view.daemonSet(NS, NAME)!;
  const revs = e.state.view.revisionsIn(NS).filter((r) => r.metadata.ownerReferences?.some((o) => o.uid === ds.metadata.uid));
  sayTable(historyTable(NAME, revs.map((r) => ({ revision: r.revision, changeCause: r.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION] }))));
};

const main = async () => {
  const dir = process.env.DATA_DIR || mkdtempSync(join(tmpdir(), 'daemonledger-demo-'));
  const config = loadConfig({ ...process.env, DATA_DIR: dir, SIM_NODES: process.env.SIM_NODES ?? '5', SIM_POD_START_MS: process.env.SIM_POD_START_MS ?? '600' });
  say(`DaemonLedger demo — ${config.simulation.nodes} simulated nodes, pods ready ${config.simulation.podStartMs} ms after creation, log ${join(dir, 'events.sqlite')}`);
  const e = await startEmbedded({ config, podStopMs: 200, pullBackoffMs: 1000, activityLog: process.env.DEMO_VERBOSE ? (l) => say(`    ${l}`) : undefined });
  const api = e.app.get(LocalApi);
  await e.settle();

  // --record: kubectl sets the change-cause annotation on the object it sends,
  // so the first ControllerRevision carries it too (rollout history shows it).
  const apply = 'kubectl apply -f infra/manifests/nginx-ds.yaml --record';
  step(apply);
  const manifest = decodeManifest(readFileSync(join(projectRoot(), 'infra/manifests/nginx-ds.yaml'), 'utf8'))[0] as DaemonSet;
  manifest.metadata.annotations = { ...manifest.metadata.annotations, [CHANGE_CAUSE_ANNOTATION]: recordedChangeCause(apply) };
  await api.create(DAEMONSETS_API, NS, manifest, { user: 'demo', userAgent: 'kubectl-client-side-apply' });
  say(`daemonset.apps/${NAME} created`);
  step(`kubectl rollout status daemonset/${NAME}`);
  await rolloutStatus(e, 30_000);
  step('kubectl get pod -o wide');
  getPods(e, { wide: true });

  const setImage = `kubectl set image daemonset/${NAME} nginx-ds=nginx:1.9.1 --record`;
  step(setImage);
  await api.setImage(NS, NAME, { '*': 'nginx:1.9.1' }, { user: 'demo', changeCause: recordedChangeCause(setImage) });
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
