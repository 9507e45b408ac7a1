import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DaemonSet } from '@daemonledger/domain/api/types';
import { isDomainError } from '@daemonledger/domain/errors';
import { openSnapshotStore } from '@daemonledger/event-store';
import type { SnapshotStore } from '@daemonledger/event-store/snapshot-store.port';
import { SqliteEventStore } from '@daemonledger/event-store/sqlite/sqlite-event-store';
import { InProcessTransport, type MessageHandler, type Transport, type TransportMessage } from '@daemonledger/messaging';
import { ImageRegistry, NodeFleet, simulatedNode } from '@daemonledger/node-agent';
import { loadConfig } from '../src/config/config';
import { DAEMONSETS_API, LocalApi } from '../src/api/local-api';
import { startController, type ControllerProcess } from '../src/distributed';
import { DEFAULT_CATALOG } from '../src/embedded';
import { clusterUpcasters } from '../src/infrastructure/upcasters';
import { CommandBus } from '@nestjs/cqrs';
import { PodCommandMsg } from '../src/commands/cluster.commands';
import { Reconciler } from '../src/reconcile/reconciler.service';
import { manifest } from './harness';

/**
 * The kubelets' side of the transport shared by several controllers, as
 * Kafka's consumer groups share it: a group's live members split the keys,
 * and a member that stops (a crashed controller) loses its keys to the
 * others, each message still delivered in key order and acknowledged only
 * when a live member's handler resolves.
 */
class SharedBus {
  private readonly members = new Map<string, { id: number; handler: MessageHandler }[]>();
  private next = 0;
  constructor(readonly bus = new InProcessTransport()) {}

  member(): Transport & { leave(): void } {
    const id = ++this.next;
    const joined: string[] = [];
    const bus = this.bus;
    return {
      publish: (topic, key, value, headers) => bus.publish(topic, key, value, headers),
      publishBatch: (messages) => bus.publishBatch(messages),
      onError: (listener) => bus.onError(listener),
      subscribe: async <T,>(topic: string, group: string, handler: MessageHandler<T>) => {
        const at = `${topic}\u0000${group}`;
        let live = this.members.get(at);
        if (!live) {
          this.members.set(at, (live = []));
          const members = live;
          await bus.subscribe(topic, group, (m: TransportMessage) => {
            if (!members.length) throw new Error(`no live member of ${group}`); // retried until one joins
            let h = 0;
            for (const c of m.key) h = (h * 31 + c.charCodeAt(0)) >>> 0;
            return members[h % members.length].handler(m);
          });
        }
        live.push({ id, handler: handler as MessageHandler });
        joined.push(at);
      },
      leave: () => {
        for (const at of joined) {
          const live = this.members.get(at)!;
          live.splice(live.findIndex((m) => m.id === id), 1);
        }
      },
      close: async () => undefined,
    };
  }
}

/** A clock that can stop: a controller paused (GC, a frozen VM) that resumes believing it still leads. */
const pausableClock = () => {
  let frozen: Date | undefined;
  return { now: () => frozen ?? new Date(), freeze: () => (frozen = new Date()) };
};

const until = async (what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

const getJson = (url: string, token: string): Promise<{ status: number; body: any }> =>
  new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, rejectUnauthorized: false }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });

/** Whether the garbage collector's deletion of `pod` made it into the log. */
const deletedByGc = (events: { streamId: string; type: string; metadata: { actor?: string } }[], pod: string) =>
  events.some((e) => e.streamId === `pod-default.${pod}` && e.type === 'PodDeletionRequested' && e.metadata.actor === 'garbage-collector');

const ready = (p: { status?: { conditions?: { type: string; status: string }[] } }) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

describe('controller failover: controllers on one SQLite file', () => {
  const LEASE_SECONDS = 2;
  let dir: string;
  let fleet: NodeFleet;
  const shared = new SharedBus();
  const controllers: ControllerProcess[] = [];
  const lines: string[] = [];
  const opened: SnapshotStore[] = [];

  const start = async (id: string, o: { serve?: boolean; clock?: { now(): Date } } = {}) => {
    const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'warn', PORT: '0', SNAPSHOT_EVERY_EVENTS: '40', CONTROLLER_LEASE_SECONDS: String(LEASE_SECONDS), CONTROLLER_ID: id });
    const transport = shared.member();
    // Each process its own connection to the file; followers see others' appends by polling it.
    const store = new SqliteEventStore({ file: config.eventStore.kind === 'sqlite' ? config.eventStore.file : '', pollIntervalMs: 25, upcasters: clusterUpcasters() });
    // Every process snapshots its view into the same file, as it would alone.
    const snapshots = openSnapshotStore(config.eventStore);
    opened.push(snapshots);
    const c = await startController({ config, transport, store, snapshots, serve: o.serve, clock: o.clock, log: (l) => lines.push(`${id}: ${l}`) });
    controllers.push(c);
    return { c, transport, store };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'daemonledger-failover-'));
    fleet = new NodeFleet(shared.bus, ImageRegistry.fromFile(DEFAULT_CATALOG, false), { podStartMs: 300, podStopMs: 0, pullBackoffMs: 50, failures: [] });
    await fleet.start();
  });

  afterAll(async () => {
    fleet?.stop();
    for (const c of controllers) await c.close().catch(() => undefined);
    for (const c of controllers) await c.store.close().catch(() => undefined);
    for (const s of opened) await s.close().catch(() => undefined);
    await shared.bus.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('one leads; another takes over when the leader stops renewing; the deposed one is fenced; the rollout completes with no pod created twice; a third joins from the shared snapshots and takes a released lease at once', async () => {
    const clockA = pausableClock();
    const a = await start('ctl-a', { clock: clockA });
    await until('ctl-a leads', () => a.c.election.isLeader());
    const b = await start('ctl-b', { serve: true });
    expect(b.c.election.isLeader()).toBe(false);
    expect(b.c.election.holder()).toBe('ctl-a');
    expect(lines).toContain('ctl-a: daemonledger: leader ctl-a');
    expect(lines).toContain('ctl-b: daemonledger: following ctl-a');

    for (let i = 0; i < 4; i++) await fleet.join(simulatedNode(i));
    await until('4 nodes in both views', () => a.c.state.view.nodes.size === 4 && b.c.state.view.nodes.size === 4);

    // A user's write through the follower's API, read back there at once (read-your-writes).
    const apiB = b.c.app.get(LocalApi);
    const ds = manifest('nginx-ds.yaml');
    await apiB.create(DAEMONSETS_API, 'default', ds, { user: 'test' });
    expect(b.c.state.view.daemonSet('default', 'nginx-ds')).toBeDefined();
    // The leader reconciles it; the follower created nothing itself.
    await until('4 ready pods', () => {
      const pods = b.c.state.view.podsIn('default');
      return pods.length === 4 && pods.every(ready);
    });
    expect(b.c.app.get(Reconciler).syncs).toBe(0);

    // The lease, as the API serves it (from the follower).
    const lease = await getJson(`${b.c.api!.url}/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/daemonledger-controller`, b.c.api!.tokens.admin);
    expect(lease.status).toBe(200);
    expect(lease.body.spec).toMatchObject({ holderIdentity: 'ctl-a', leaseDurationSeconds: LEASE_SECONDS, leaseTransitions: 0 });

    // A rollout, started through the follower while ctl-a leads…
    await apiB.setImage('default', 'nginx-ds', { '*': 'nginx:1.9.1' }, { user: 'test' });
    const updated = () => b.c.state.view.daemonSet('default', 'nginx-ds')?.status?.updatedNumberScheduled ?? 0;
    await until('the rollout under way', () => b.c.state.view.podsIn('default').some((p) => p.spec.containers[0].image === 'nginx:1.9.1'));
    // …then ctl-a stops: its timers halt without releasing, its clock stands still (it still believes it leads).
    clockA.freeze();
    a.c.election.halt();
    a.transport.leave();
    const fenceA = a.c.election.fence()!;
    expect(fenceA).toBeDefined();

    await until('ctl-b takes over after the lease expires', () => b.c.election.isLeader(), LEASE_SECONDS * 1000 * 4);
    expect(lines).toContain('ctl-b: daemonledger: leader ctl-b');

    // The deposed leader acts on its stale belief: its fenced append is rejected whole, and it steps down.
    expect(a.c.election.isLeader()).toBe(true);
    const head = await a.store.headPosition();
    const direct = await a.store
      .appendMany([{ streamId: fenceA.streamId, events: [], expectedRevision: fenceA.expectedRevision }, { streamId: 'pod-default.never', events: [{ id: '00000000-0000-4000-8000-000000000001', type: 'PodCreated', data: {} }] }])
      .then(() => undefined, (e: unknown) => e);
    expect(isDomainError(direct, 'VersionConflict')).toBe(true);
    // Through its command path, as its GC would: a fenced deletion of a live pod.
    const victim = a.c.state.view.podsIn('default')[0];
    const gc = new PodCommandMsg('default', victim.metadata.name!, { type: 'RequestPodDeletion', reason: 'garbage-collected', expectedUid: victim.metadata.uid }, { actor: 'garbage-collector', fenced: true });
    const refused = await a.c.app.get(CommandBus).execute(gc).then(() => undefined, (e: unknown) => e);
    expect(isDomainError(refused, 'VersionConflict')).toBe(true);
    expect((refused as Error).message).toContain(fenceA.streamId);
    expect(a.c.election.isLeader()).toBe(false);
    expect(lines.some((l) => l.startsWith('ctl-a: daemonledger: stepped down'))).toBe(true);
    // Stepped down, it refuses acting commands before they reach the store.
    const again = await a.c.app.get(CommandBus).execute(gc).then(() => undefined, (e: unknown) => e);
    expect((again as Error).message).toContain('does not hold the lease');
    expect(deletedByGc(await b.store.readAll(), victim.metadata.name!)).toBe(false);

    // The new leader finishes the rollout.
    await until('the rollout completes', () => {
      const pods = b.c.state.view.podsIn('default');
      return pods.length === 4 && pods.every((p) => p.spec.containers[0].image === 'nginx:1.9.1' && ready(p)) && updated() === 4;
    }, 30_000);

    // No pod created twice: one PodCreated per (node, revision hash), and nothing ctl-a wrote after the handover.
    const all = await b.store.readAll();
    const created = all.filter((e) => e.type === 'PodCreated').map((e) => (e.data as { daemonPod: { node: string; hash: string } }).daemonPod);
    const keys = created.map((p) => `${p.node}/${p.hash}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(created).toHaveLength(8);
    const leaseEvents = all.filter((e) => e.streamId === fenceA.streamId);
    const takeover = leaseEvents.find((e) => (e.data as { object: { spec: { holderIdentity: string } } }).object.spec.holderIdentity === 'ctl-b')!;
    expect(takeover).toBeDefined();
    // The rejected batch left nothing: the head ctl-a saw before it is still followed only by others' writes.
    expect(all.some((e) => e.streamId === 'pod-default.never')).toBe(false);
    expect(head).toBeGreaterThanOrEqual(takeover.position);
    const after = await getJson(`${b.c.api!.url}/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/daemonledger-controller`, b.c.api!.tokens.admin);
    expect(after.body.spec).toMatchObject({ holderIdentity: 'ctl-b', leaseTransitions: 1 });

    // A third process joins from the same file (and the snapshots both wrote) and sees what they see.
    const c = await start('ctl-c');
    expect(c.c.election.holder()).toBe('ctl-b');
    // Both processes snapshot at the same positions into the one file (the second writer finds the first's, or
    // completes it with the same parts): ctl-c starts from one, and folds to the same view.
    expect(c.c.state.restoredFrom).toBeGreaterThan(0);
    await until('ctl-c caught up', async () => c.c.state.view.position === (await c.store.headPosition()));
    await until('ctl-c sees the finished rollout', () => c.c.state.view.daemonSet('default', 'nginx-ds')?.status?.updatedNumberScheduled === 4);
    expect(c.c.state.view.podsIn('default').map((p) => p.metadata.name).sort()).toEqual(b.c.state.view.podsIn('default').map((p) => p.metadata.name).sort());

    // ctl-b stops cleanly: it releases the lease, and ctl-c takes over at its next try, well before the lease would expire.
    const released = Date.now();
    await b.c.close();
    b.transport.leave();
    await until('ctl-c takes over the released lease', () => c.c.election.isLeader(), LEASE_SECONDS * 1000);
    expect(Date.now() - released).toBeLessThan(LEASE_SECONDS * 1000);
    expect(a.c.election.isLeader()).toBe(false);
    const final = (await c.store.readStream(fenceA.streamId)).at(-1)!.data as { object: { spec: { holderIdentity: string; leaseTransitions: number } } };
    expect(final.object.spec).toMatchObject({ holderIdentity: 'ctl-c', leaseTransitions: 2 });
  }, 90_000);
});
