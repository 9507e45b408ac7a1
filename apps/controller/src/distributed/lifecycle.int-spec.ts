import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Node, Taint } from '@daemonledger/domain/api/types';
import { microTimeOf } from '@daemonledger/domain/kinds/lease';
import { openEventStore } from '@daemonledger/event-store';
import type { EventStore } from '@daemonledger/event-store/event-store.port';
import { InProcessTransport, TOPICS, type Transport } from '@daemonledger/messaging';
import { ImageRegistry, NodeFleet, simulatedNode } from '@daemonledger/node-agent';
import { AppModule } from '../app.module';
import { DAEMONSETS_API, LocalApi } from '../api/local-api';
import { loadConfig } from '../config/config';
import { DEFAULT_CATALOG } from '../embedded';
import { clusterUpcasters } from '../infrastructure/upcasters';
import type { Leadership } from '../infrastructure/tokens';
import { ClusterState } from '../projections/cluster-state.service';
import { GarbageCollector } from '../reconcile/garbage-collector.service';
import { NodeLink } from '../reconcile/node-link.service';
import { Reconciler } from '../reconcile/reconciler.service';
import { manifest } from '../../test/harness';
import { LIFECYCLE_PROVIDERS, NODE_LIFECYCLE_OPTIONS, NodeHeartbeats, NodeLifecycle } from './lifecycle.providers';

/**
 * Heartbeats in, Leases and node readiness out: the controller wired with
 * LIFECYCLE_PROVIDERS on a real SQLite log and the in-process transport,
 * simulated kubelets running a DaemonSet, heartbeats published as the node
 * agents publish them, and a clock the test moves.
 */
jest.setTimeout(60_000);

const T0 = Date.parse('2026-12-02T12:00:00Z');
const GRACE = 40;

/** A Leadership the test hands out and takes back. */
class TestLeadership implements Leadership {
  private leader = true;
  private readonly listeners = new Set<(leader: boolean) => void>();
  isLeader = () => this.leader;
  onChange(listener: (leader: boolean) => void) {
    this.listeners.add(listener);
    listener(this.leader);
    return () => void this.listeners.delete(listener);
  }
  fence = () => undefined;
  set(leader: boolean) {
    this.leader = leader;
    for (const l of this.listeners) l(leader);
  }
}

describe('node heartbeats → Leases → the node lifecycle (real SQLite, in-process transport)', () => {
  let dir: string;
  let store: EventStore;
  let transport: InProcessTransport;
  let app: INestApplicationContext;
  let fleet: NodeFleet;
  let state: ClusterState;
  let lifecycle: NodeLifecycle;
  let now = T0;
  const leadership = new TestLeadership();
  const at = (s: number) => new Date(T0 + s * 1000);

  const settle = async () => {
    const reconciler = app.get(Reconciler);
    for (let i = 0; i < 1000; i++) {
      await transport.drain();
      await app.get(GarbageCollector).idle();
      await reconciler.idle();
      await new Promise((r) => setImmediate(r));
      if (transport.idle && reconciler.isIdle && (await store.headPosition()) === state.view.position) return;
    }
  };
  const until = async (predicate: () => boolean, what: string) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      await settle();
      if (predicate()) return;
      if (Date.now() > deadline) throw new Error(`not reached in time: ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  /** A heartbeat as a node agent publishes it, renewed at `s` seconds after T0 on the agent's clock. */
  const heartbeat = (nodeName: string, s: number, holderIdentity = 'agent-a') =>
    transport.publish(TOPICS.nodeHeartbeats, nodeName, { kind: 'NodeHeartbeat', id: `${nodeName}-${s}`, nodeName, holderIdentity, renewTime: microTimeOf(at(s)), leaseDurationSeconds: 40 });
  /** Records what was published, moves the clock, then runs a whole check that started after the move. */
  const checkAt = async (s: number) => {
    await settle();
    now = T0 + s * 1000;
    await lifecycle.check();
    await lifecycle.check();
    await settle();
  };
  const lease = (name: string) => state.view.object('lease', 'kube-node-lease', name);
  const node = (name: string): Node => state.view.nodes.get(name)!;
  const ready = (name: string) => node(name).status?.conditions?.find((c) => c.type === 'Ready');
  const taints = (name: string) => (node(name).spec.taints ?? []).map((t: Taint) => `${t.key}:${t.effect}`);
  const podsOn = (name: string) => state.view.podsIn('default').filter((p) => p.spec.nodeName === name && !p.metadata.deletionTimestamp);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'daemonledger-lifecycle-'));
    const config = loadConfig({ DATA_DIR: dir, SIM_NODES: '3', SIM_POD_START_MS: '0', LOG_LEVEL: 'warn', NODE_MONITOR_GRACE_SECONDS: String(GRACE), SNAPSHOT_EVERY_EVENTS: '0' });
    store = await openEventStore(config.eventStore, clusterUpcasters());
    transport = new InProcessTransport();
    const base = AppModule.forRoot({ config, store, transport: transport as Transport, clock: { now: () => new Date(now) }, leadership });
    // What the distributed start-up does: the app's providers plus LIFECYCLE_PROVIDERS. The timer checks often, so it runs on its own too.
    const module = { ...base, providers: [...base.providers!, ...LIFECYCLE_PROVIDERS, { provide: NODE_LIFECYCLE_OPTIONS, useValue: { checkIntervalMs: 25 } }] };
    app = await NestFactory.createApplicationContext(module, { logger: ['error'] });
    await app.init();
    state = app.get(ClusterState);
    await app.get(NodeLink).start();
    app.get(Reconciler).start();
    await state.start();
    fleet = new NodeFleet(transport, ImageRegistry.fromFile(DEFAULT_CATALOG, false), { podStartMs: 0, podStopMs: 0, pullBackoffMs: 50, failures: [] });
    await fleet.start();
    for (let i = 0; i < 3; i++) await fleet.join(simulatedNode(i));
    await app.get(NodeHeartbeats).start();
    lifecycle = app.get(NodeLifecycle);
    lifecycle.start();
    await app.get(LocalApi).create(DAEMONSETS_API, 'default', manifest('nginx-ds.yaml'), { user: 'test' });
    await until(() => ['node-0', 'node-1', 'node-2'].every((n) => podsOn(n).some((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))), 'a ready daemon pod on every node');
  });

  afterAll(async () => {
    await lifecycle?.stop();
    app?.get(NodeHeartbeats).stop();
    fleet?.stop();
    app?.get(Reconciler).stop();
    await transport?.close();
    await app?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the first heartbeat of each node creates its Lease in kube-node-lease, owned by the Node', async () => {
    for (const n of ['node-0', 'node-1', 'node-2']) await heartbeat(n, 1);
    await settle();
    expect(lease('node-0')).toMatchObject({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'node-0', namespace: 'kube-node-lease', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'node-0', uid: node('node-0').metadata.uid }] },
      spec: { holderIdentity: 'agent-a', leaseDurationSeconds: 40, renewTime: '2026-12-02T12:00:01.000000Z' },
    });
    expect(state.view.objectsOf('lease', 'kube-node-lease').map((l) => l.metadata.name).sort()).toEqual(['node-0', 'node-1', 'node-2']);
  });

  it('a burst of renewals is one append; a stale renewal and one for an unknown node are dropped', async () => {
    const head = await store.headPosition();
    await Promise.all([heartbeat('node-0', 10), heartbeat('node-1', 10), heartbeat('node-2', 10), heartbeat('ghost', 10), heartbeat('node-0', 5)]);
    await settle();
    const appended = await store.readAll({ fromPosition: head });
    expect(appended.map((e) => [e.streamId, e.type])).toEqual([
      ['lease-kube-node-lease.node-0', 'ObjectUpdated'],
      ['lease-kube-node-lease.node-1', 'ObjectUpdated'],
      ['lease-kube-node-lease.node-2', 'ObjectUpdated'],
    ]);
    // One append: the runner gives each append one commandId.
    expect(new Set(appended.map((e) => (e.metadata as { commandId?: string }).commandId)).size).toBe(1);
    expect((lease('node-0')!.spec as { renewTime: string }).renewTime).toBe('2026-12-02T12:00:10.000000Z');
    expect(lease('ghost')).toBeUndefined();
  });

  it('a malformed heartbeat is reported and dropped, and does not hold back the node\'s next one', async () => {
    await transport.publish(TOPICS.nodeHeartbeats, 'node-0', { kind: 'NodeHeartbeat', nodeName: 'node-0', renewTime: 'soon' });
    await heartbeat('node-0', 11);
    await settle();
    expect((lease('node-0')!.spec as { renewTime: string }).renewTime).toBe('2026-12-02T12:00:11.000000Z');
  });

  it('within the grace period nothing changes; past it, the silent node is Ready=Unknown with the unreachable taints, and keeps its pod', async () => {
    const pod = podsOn('node-1')[0];
    await heartbeat('node-0', 45);
    await heartbeat('node-2', 45);
    await checkAt(50); // node-1 last renewed at 10: exactly at the edge
    expect(ready('node-1')?.status).toBe('True');
    await heartbeat('node-0', 50.5);
    await heartbeat('node-2', 50.5);
    await checkAt(51);
    expect(ready('node-1')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    expect(taints('node-1')).toEqual(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
    expect(ready('node-0')?.status).toBe('True');
    expect(ready('node-2')?.status).toBe('True');
    // The daemon pod tolerates unreachable:NoExecute: reconciles after the change leave it where it is
    // (upstream's status then counts it misscheduled: the node no longer should run a new one).
    await settle();
    expect(podsOn('node-1').map((p) => p.metadata.uid)).toEqual([pod.metadata.uid]);
    expect(state.view.daemonSet('default', 'nginx-ds')!.status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberMisscheduled: 1 });
  });

  it('renewals come back: Ready=True again and the taints go', async () => {
    await heartbeat('node-1', 60);
    await heartbeat('node-0', 60);
    await heartbeat('node-2', 60);
    await checkAt(61);
    expect(ready('node-1')?.status).toBe('True');
    expect(taints('node-1')).toEqual([]);
    expect(podsOn('node-1')).toHaveLength(1);
  });

  it('a process that is not leader marks nothing; when it becomes leader it waits a whole grace period from then', async () => {
    leadership.set(false);
    await checkAt(500);
    expect(['node-0', 'node-1', 'node-2'].map((n) => ready(n)?.status)).toEqual(['True', 'True', 'True']);
    leadership.set(true); // leader since 500
    await checkAt(540);
    expect(['node-0', 'node-1', 'node-2'].map((n) => ready(n)?.status)).toEqual(['True', 'True', 'True']);
    // Past it, on the timer alone (no check called): every node is silent.
    now = T0 + 541_000;
    await until(() => ['node-0', 'node-1', 'node-2'].every((n) => ready(n)?.status === 'Unknown'), 'every node Unknown');
    expect(['node-0', 'node-1', 'node-2'].map(podsOn).map((p) => p.length)).toEqual([1, 1, 1]);
  });
});
