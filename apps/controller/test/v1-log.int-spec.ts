import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_SCHEMA_VERSIONS } from '@daemonledger/domain/cluster/events';
import { openEventStore } from '@daemonledger/event-store';
import type { RecordedEvent } from '@daemonledger/event-store/event-store.port';
import { ClusterView } from '@daemonledger/projections';
import { clusterUpcasters } from '../src/infrastructure/upcasters';
import { startHarness } from './harness';
import { checkLog } from './log-checks';

/**
 * Old logs stay readable (issue #8 §2). `fixtures/v1-log.jsonl` was written by
 * the code before compact events (schema v1 everywhere: whole pods, whole
 * statuses; see `fixtures/make-v1-log.ts`), and `v1-log.expected.json` is the
 * ClusterView that code folded from it (`v1-log.expected-events.json`: the
 * Kubernetes Events it derived, from the same code at the same commit; since
 * issue 14 less the Killing that code derived for nginx-ds-crccv, deleted in
 * ImagePullBackOff: a container that never ran gets none).
 */
/** RolloutView fields added after the fixture was written (issue 12's rollout controls). */
const ROLLOUT_FIELDS_SINCE = ['controls', 'progressAt', 'deadlineExceeded', 'canary'];

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const v1Log = (): RecordedEvent[] => fixture('v1-log.jsonl').trim().split('\n').map((l) => JSON.parse(l) as RecordedEvent);
const plain = (x: unknown) => JSON.parse(JSON.stringify(x));

/** The v1 events stored as they were written (type, schema version 1, data, metadata, ids) in a real SQLite file. */
const storeV1 = async (dir: string) => {
  const store = await openEventStore({ kind: 'sqlite', file: join(dir, 'events.sqlite') }, clusterUpcasters());
  for (const e of v1Log()) {
    await store.append(e.streamId, [{ id: e.id, type: e.type, schemaVersion: e.schemaVersion, data: e.data, metadata: e.metadata }]);
  }
  return store;
};

describe('a log written by schema v1, read by today’s code', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'daemonledger-v1-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is all v1, with whole pods and whole statuses (the fixture is what it claims)', () => {
    const log = v1Log();
    expect(new Set(log.map((e) => e.schemaVersion))).toEqual(new Set([1]));
    expect(log.filter((e) => e.type === 'PodCreated').every((e) => 'pod' in (e.data as object))).toBe(true);
    expect(log.filter((e) => e.type === 'PodStatusReported').length).toBeGreaterThan(20);
  });

  it('reads through the upcasters as the current versions and folds to the same ClusterView the v1 code folded', async () => {
    const store = await storeV1(dir);
    const read = await store.readAll({});
    await store.close();
    const recordedAt = new Map(v1Log().map((e) => [e.position, e.recordedAt]));
    const view = new ClusterView();
    for (const e of read) {
      expect(e.schemaVersion).toBe(EVENT_SCHEMA_VERSIONS[e.type as keyof typeof EVENT_SCHEMA_VERSIONS]);
      // The fold reads recordedAt (rollout start and end times): the ones the v1 store wrote.
      view.apply({ ...e, recordedAt: recordedAt.get(e.position)! });
    }
    // What the fold has learned to keep since (the rollout controls' record, the progress deadline's clock) is not in the v1 code's view.
    const snapshot = plain(view.snapshot()) as { rollouts: Record<string, unknown>[] };
    for (const r of snapshot.rollouts) for (const k of ROLLOUT_FIELDS_SINCE) delete r[k];
    expect(snapshot).toEqual(JSON.parse(fixture('v1-log.expected.json')));
    // And the Kubernetes Events derived from it (kubectl describe, get events), as the v1 code derived them.
    expect(plain(view.events.list())).toEqual(JSON.parse(fixture('v1-log.expected-events.json')));
  });

  it('carries on: the controller starts on the v1 log, rolls out in compact events, and a replay from zero equals the live view', async () => {
    await (await storeV1(dir)).close();
    const h = await startHarness({ dir, nodes: 4 });
    try {
      await h.until(() => h.fleet.size === 4 && h.ds('nginx-ds')?.status?.numberAvailable === h.ds('nginx-ds')?.status?.desiredNumberScheduled);
      const before = h.state.view.position;
      await h.writes.setImage('default', 'nginx-ds', { '*': 'nginx:1.9.1' }, { user: 'test' });
      await h.until(() => {
        const s = h.ds('nginx-ds')?.status;
        return Boolean(s && s.updatedNumberScheduled === s.desiredNumberScheduled && s.numberAvailable === s.desiredNumberScheduled && s.desiredNumberScheduled > 0);
      });
      const live = plain(h.state.view.snapshot());
      const events = await h.store.readAll({});
      const tail = events.filter((e) => e.position > before);
      const created = tail.filter((e) => e.type === 'PodCreated');
      const reports = tail.filter((e) => e.type === 'PodStatusReported');
      expect({ created: created.length, reports: reports.length }).toEqual({ created: 4, reports: expect.any(Number) });
      expect(reports.length).toBeGreaterThanOrEqual(4);
      expect(created.every((e) => 'daemonPod' in (e.data as object) && e.schemaVersion === 2)).toBe(true);
      expect(reports.every((e) => 'kubelet' in (e.data as object))).toBe(true);
      expect(h.pods().filter((p) => p.metadata.labels?.app === 'nginx-ds').map((p) => p.spec.containers[0].image)).toEqual(Array(4).fill('nginx:1.9.1'));
      const replayed = new ClusterView();
      events.forEach((e) => replayed.apply(e));
      expect(plain(replayed.snapshot())).toEqual(live);
      expect(checkLog(events)).toMatchObject({ violation: undefined, duplicates: 0 });
    } finally {
      await h.close();
    }
  }, 60_000);
});
