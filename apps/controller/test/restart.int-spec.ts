import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '@daemonledger/domain/api/types';
import { openEventStore } from '@daemonledger/event-store';
import type { RecordedEvent } from '@daemonledger/event-store/event-store.port';
import { SetImage } from '../src/commands/cluster.commands';
import { manifest, startHarness } from './harness';

const NODES = 300;

/**
 * Replays the whole log checking, at every position: invariant 1 (≤ 1 live
 * daemon pod per node; no surge is configured) and, once the template
 * changed, invariant 2 (nodes without an available pod ≤ maxUnavailable).
 */
const checkLog = (events: RecordedEvent[], nodes: number, maxUnavailable: number) => {
  const live = new Map<string, { node: string; ready: boolean }>();
  const perNode = new Map<string, number>();
  let maxPerNode = 0;
  let maxUnavailableSeen = 0;
  let rolling = false;
  const unavailableNodes = () => {
    const ok = new Set([...live.values()].filter((p) => p.ready).map((p) => p.node));
    return nodes - ok.size;
  };
  events.forEach((e, i) => {
    expect(e.position).toBe(i + 1); // no hole: nothing acknowledged was lost
    if (e.type === 'DaemonSetSpecChanged') rolling = true;
    if (!e.streamId.startsWith('pod-')) return;
    if (e.type === 'PodCreated') {
      const pod = (e.data as { pod: Pod }).pod;
      const node = pod.spec.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms[0].matchFields![0].values![0];
      expect(live.has(e.streamId)).toBe(false); // a name is never created twice while alive
      live.set(e.streamId, { node, ready: false });
      perNode.set(node, (perNode.get(node) ?? 0) + 1);
      maxPerNode = Math.max(maxPerNode, perNode.get(node)!);
    }
    if (e.type === 'PodStatusReported' && live.has(e.streamId)) {
      const ready = (e.data as { status: Pod['status'] }).status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
      live.get(e.streamId)!.ready = ready;
    }
    if (e.type === 'PodDeletionRequested' || e.type === 'PodDeleted') {
      const pod = live.get(e.streamId);
      if (pod) {
        live.delete(e.streamId);
        perNode.set(pod.node, perNode.get(pod.node)! - 1);
      }
    }
    if (rolling) maxUnavailableSeen = Math.max(maxUnavailableSeen, unavailableNodes());
  });
  expect(maxUnavailableSeen).toBeLessThanOrEqual(maxUnavailable);
  return { maxPerNode, live, maxUnavailableSeen };
};

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
      await h.bus.execute(new SetImage('default', 'nginx-ds', { '*': 'nginx:1.9.1' }, { actor: 'user:test' }));

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
      const { maxPerNode, live, maxUnavailableSeen } = checkLog(events, NODES, 30);
      expect(maxUnavailableSeen).toBeGreaterThan(0); // the rollout did take pods down, within budget
      expect(maxPerNode).toBe(1);
      expect(live.size).toBe(NODES);
      // At least one stop really hit the rollout in flight.
      expect(stops.filter((p) => p > 0).length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
