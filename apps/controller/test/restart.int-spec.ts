import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventStore } from '@daemonledger/event-store';
import { manifest, startHarness } from './harness';
import { checkLog } from './log-checks';

const NODES = 300;

describe('invariant 6: restarting the controller mid-rollout', () => {
  it(`stops at random points of a rolling update over ${NODES} nodes and starts again on the same log: the rollout finishes, no duplicate pod, no lost event`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'daemonledger-restart-'));
    const seed = Number(process.env.RESTART_SEED ?? Date.now() % 100_000);
    let rnd = seed;
    const random = () => ((rnd = (rnd * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    try {
      let h = await startHarness({ nodes: NODES, dir, podStartMs: 30 });
      const ds = manifest('nginx-ds.yaml');
      ds.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%', maxSurge: 0 } };
      await h.apply(ds);
      await h.until(() => h.ds('nginx-ds')?.status?.numberAvailable === NODES);
      expect(h.pods()).toHaveLength(NODES);
      await h.writes.setImage('default', 'nginx-ds', { '*': 'nginx:1.9.1' }, { user: 'test' });

      const stops: number[] = [];
      for (let i = 0; i < 6; i++) {
        await new Promise((r) => setTimeout(r, 5 + random() * 80));
        const r = h.state.view.rolloutsOf('default', 'nginx-ds').at(-1);
        stops.push(r?.rollout === 2 && r.state !== 'completed' ? h.state.view.position : -1);
        await h.close(); // mid-flight: queued work, in-flight reports and timers are dropped
        h = await startHarness({ nodes: NODES, dir, podStartMs: 30 });
      }
      try {
        await h.until(() => h.ds('nginx-ds')?.status?.numberAvailable === NODES && h.ds('nginx-ds')?.status?.updatedNumberScheduled === NODES);
      } catch (e) {
        const pods = h.pods();
        console.log(JSON.stringify({ status: h.ds('nginx-ds')?.status, gen: h.ds('nginx-ds')?.metadata.generation, n: pods.length,
          deleting: pods.filter((p) => p.metadata.deletionTimestamp).map((p) => [p.metadata.name, p.spec.nodeName, p.status?.phase]).slice(0, 5),
          notReady: pods.filter((p) => !p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).map((p) => [p.metadata.name, p.spec.nodeName, p.status?.containerStatuses?.[0]?.state]).slice(0, 5),
          fleet: h.fleet.size, nodes: h.state.view.nodes.size }, null, 1));
        throw e;
      }
      const pods = h.pods();
      const status = h.ds('nginx-ds')!.status!;
      expect({ seed, pods: pods.length, images: [...new Set(pods.map((p) => p.spec.containers[0].image))] }).toEqual({ seed, pods: NODES, images: ['nginx:1.9.1'] });
      expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBe(NODES);
      expect(status).toMatchObject({ desiredNumberScheduled: NODES, updatedNumberScheduled: NODES, numberAvailable: NODES });
      expect(h.state.view.rolloutsOf('default', 'nginx-ds').at(-1)!.state).toBe('completed');
      await h.close();

      const store = await openEventStore({ kind: 'sqlite', file: join(dir, 'events.sqlite') });
      const events = await store.readAll({});
      await store.close();
      const log = checkLog(events);
      expect(log).toMatchObject({ violation: undefined, duplicates: 0, maxPerNode: 1, live: NODES });
      expect(log.maxUnavailableSeen).toBeGreaterThan(0); // the rollout did take pods down…
      expect(log.maxUnavailableSeen).toBeLessThanOrEqual(30); // …within the budget (10% of 300)
      // At least one stop really hit the rollout in flight.
      expect(stops.filter((p) => p > 0).length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
