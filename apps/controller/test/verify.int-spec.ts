import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openEventStore } from '@daemonledger/event-store';
import type { EventStore, NewEvent, RecordedEvent } from '@daemonledger/event-store/event-store.port';
import { lastEventAtOrBefore } from '../src/history/position-at';
import { runVerify } from '../src/verify';
import { manifest, startHarness } from './harness';

/**
 * `npm run verify`'s code path on a real SQLite log written by the whole
 * controller (create, rolling update, undo): the clean log passes; a copy
 * with one violation injected fails at exactly that position, exit 1.
 */
jest.setTimeout(60_000);

let clean: string;
let events: RecordedEvent[];

const verifyDir = async (dir: string) => {
  let out = '';
  const code = await runVerify({ DATA_DIR: dir, LOG_LEVEL: 'warn' }, (t) => (out += t));
  return { code, out };
};

/** A copy of the clean log to spoil. */
const copy = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'daemonledger-verify-'));
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(join(clean, `events.sqlite${suffix}`))) copyFileSync(join(clean, `events.sqlite${suffix}`), join(dir, `events.sqlite${suffix}`));
  }
  return dir;
};

const withStore = async <T>(dir: string, f: (s: EventStore) => Promise<T>): Promise<T> => {
  const store = await openEventStore({ kind: 'sqlite', file: join(dir, 'events.sqlite') });
  try {
    return await f(store);
  } finally {
    await store.close();
  }
};

let seq = 0;
const fact = (type: string, data: unknown): NewEvent => ({
  id: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`,
  type,
  data,
  metadata: { actor: 'daemonset-controller', wallTime: new Date().toISOString() },
});

const livePods = () => {
  const deleted = new Set(events.filter((e) => e.type === 'PodDeletionRequested' || e.type === 'PodDeleted').map((e) => e.streamId));
  return events.filter((e) => e.type === 'PodCreated' && !deleted.has(e.streamId));
};

beforeAll(async () => {
  const h = await startHarness({ nodes: 3 });
  clean = h.dir;
  await h.apply(manifest('nginx-ds.yaml'));
  await h.until(() => h.ds('nginx-ds')?.status?.numberAvailable === 3);
  await h.writes.setImage('default', 'nginx-ds', { '*': 'nginx:1.9.1' }, { user: 'test' });
  await h.until(() => h.ds('nginx-ds')?.status?.updatedNumberScheduled === 3 && h.ds('nginx-ds')?.status?.numberAvailable === 3);
  await h.writes.rolloutUndo('default', 'nginx-ds', 0, { user: 'test' });
  await h.until(() => h.pods().every((p) => (p.spec.containers[0].image ?? '').endsWith('nginx:1.7.9')) && h.ds('nginx-ds')?.status?.numberAvailable === 3);
  await h.close();
  events = await withStore(clean, (s) => s.readAll({}));
});
afterAll(() => rmSync(clean, { recursive: true, force: true }));

describe('npm run verify on a real SQLite log', () => {
  it('passes the clean log (rollout and undo) and prints what it checked', async () => {
    expect(events.some((e) => e.type === 'ControllerRevisionRenumbered')).toBe(true);
    const { code, out } = await verifyDir(clean);
    expect(out).toContain(`OK: ${events.length} events up to position ${events.length}\n`);
    expect(out).toMatch(/1 daemonsets, 2 controllerrevisions created, 1 renumbered: revision numbers only grow/);
    expect(out).toContain('hash chain verified from the first event');
    expect(out).toMatch(/9 pods created, at most 1 per node and daemonset; 6 rolling-update deletions within maxUnavailable/);
    expect(code).toBe(0);
  });

  const spoiled = async (spoil: (dir: string, head: number) => Promise<number>) => {
    const dir = copy();
    try {
      const at = await spoil(dir, events.length);
      return { at, ...(await verifyDir(dir)) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('a revision created with a number in use: revision-monotonic at its position, exit 1', async () => {
    const r = await spoiled((dir) =>
      withStore(dir, async (s) => {
        const created = events.find((e) => e.type === 'ControllerRevisionCreated')!.data as { revision: { metadata: Record<string, unknown> } };
        const dup = { revision: { ...created.revision, metadata: { ...created.revision.metadata, name: 'nginx-ds-duplicate', uid: 'dup' }, revision: 2 } };
        return (await s.append('controllerrevision-default.nginx-ds-duplicate', [fact('ControllerRevisionCreated', dup)])).position;
      }),
    );
    expect(r.out).toContain(`VIOLATION at position ${r.at} (revision-monotonic): controllerrevision default/nginx-ds-duplicate created as revision 2: daemonset default/nginx-ds already had revision 3`);
    expect(r.out).toMatch(new RegExp(`^> ${r.at} .* controllerrevision-default\\.nginx-ds-duplicate +0 +ControllerRevisionCreated$`, 'm'));
    expect(r.code).toBe(1);
  });

  it('a second pod on a node: one-pod-per-node at its position', async () => {
    const r = await spoiled((dir) =>
      withStore(dir, async (s) => {
        // Either recorded form of a daemon pod: whole (v1) or what it was built from (v2).
        const data = livePods()[0].data as { pod?: { metadata: object }; daemonPod?: object };
        const twin = data.pod ? { pod: { ...data.pod, metadata: { ...data.pod.metadata, name: 'nginx-ds-twin', uid: 'twin' } } } : { daemonPod: { ...data.daemonPod, uid: 'twin' } };
        return (await s.append('pod-default.nginx-ds-twin', [fact('PodCreated', twin)])).position;
      }),
    );
    expect(r.out).toMatch(new RegExp(`^VIOLATION at position ${r.at} \\(one-pod-per-node\\): 2 live pods of daemonset default/nginx-ds on node node-\\d`, 'm'));
    expect(r.code).toBe(1);
  });

  it('the rolling update stopping two available pods at maxUnavailable 1: max-unavailable at the second', async () => {
    const r = await spoiled((dir) =>
      withStore(dir, async (s) => {
        const [a, b] = livePods();
        const stop = () => fact('PodDeletionRequested', { deletionTimestamp: new Date().toISOString(), gracePeriodSeconds: 30, reason: 'rolling-update' });
        await s.append(a.streamId, [stop()]);
        return (await s.append(b.streamId, [stop()])).position;
      }),
    );
    expect(r.out).toContain(`VIOLATION at position ${r.at} (max-unavailable): the rolling update of daemonset default/nginx-ds stopped available pod`);
    expect(r.out).toContain('2 of 3 nodes without an available pod, maxUnavailable allows 1 (invariant 2)');
    expect(r.code).toBe(1);
  });

  it('a deleted row: position-hole at its position', async () => {
    const r = await spoiled(async (dir) => {
      const db = new Database(join(dir, 'events.sqlite'));
      db.prepare('DELETE FROM events WHERE position = 10').run();
      db.close();
      return 10;
    });
    expect(r.out).toContain('VIOLATION at position 10 (position-hole): event 10 is missing: position 11 follows 9');
    expect(r.out).toMatch(/^ {2}9 .*\n> 10 +\(missing\)\s*\n {2}11 /m);
    expect(r.code).toBe(1);
  });

  it('an edited row: hash-chain at its position, though the fold saw nothing wrong', async () => {
    const progressed = events.find((e) => e.type === 'RolloutProgressed')!.position;
    const r = await spoiled(async (dir) => {
      const db = new Database(join(dir, 'events.sqlite'));
      const edit = db.prepare(`UPDATE events SET data = replace(data, '"desired":3', '"desired":30') WHERE position = ?`).run(progressed);
      expect(edit.changes).toBe(1);
      db.close();
      return progressed;
    });
    expect(r.out).toMatch(new RegExp(`^VIOLATION at position ${progressed} \\(hash-chain\\): hash chain: .*edited`, 'm'));
    expect(r.out).toContain('hash chain: broken');
    expect(r.code).toBe(1);
  });

  it('rows swapped: hash-chain at the first of them', async () => {
    const r = await spoiled(async (dir) => {
      const db = new Database(join(dir, 'events.sqlite'));
      // Two nodes joining, in the other order: nothing the fold could notice.
      db.transaction(() => {
        db.prepare('UPDATE events SET position = -1 WHERE position = 2').run();
        db.prepare('UPDATE events SET position = 2 WHERE position = 3').run();
        db.prepare('UPDATE events SET position = 3 WHERE position = -1').run();
      })();
      db.close();
      return 2;
    });
    expect(r.out).toMatch(/^VIOLATION at position 2 \(hash-chain\): hash chain: /m);
    expect(r.code).toBe(1);
  });

  it('as a process: the entry point prints the violation and exits 1', async () => {
    const dir = copy();
    try {
      const db = new Database(join(dir, 'events.sqlite'));
      db.prepare('DELETE FROM events WHERE position = 5').run();
      db.close();
      const entry = join(__dirname, '../src/verify.ts');
      const hook = join(__dirname, '../../../libs/testing/swc-register.js');
      const r = await new Promise<{ code: number | null; stdout: string }>((resolve) =>
        execFile(process.execPath, ['-r', hook, entry], { env: { ...process.env, DATA_DIR: dir } }, (err, stdout) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout }),
        ),
      );
      expect(r.stdout).toContain('VIOLATION at position 5 (position-hole)');
      expect(r.code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a DATA_DIR without a log rather than creating one', async () => {
    await expect(verifyDir(join(tmpdir(), 'daemonledger-no-such-dir'))).rejects.toThrow(/no event log at .*daemonledger-no-such-dir\/events.sqlite/);
  });
});

describe('a time resolves to a position by binary search', () => {
  it('finds the last event recorded at or before each time, reading about log2(head) events', async () => {
    await withStore(clean, async (store) => {
      let reads = 0;
      const counting = new Proxy(store, {
        get: (t, k) => (k === 'readAll' ? (o: Parameters<EventStore['readAll']>[0]) => (reads++, t.readAll(o)) : (t as any)[k]),
      }) as EventStore;
      const times = [...new Set(events.map((e) => Date.parse(e.recordedAt)))];
      const probes = [times[0] - 1, ...times, times[times.length - 1] + 60_000, (times[0] + times[times.length - 1]) / 2];
      for (const t of probes) {
        reads = 0;
        const expected = events.filter((e) => Date.parse(e.recordedAt) <= t).at(-1)?.position;
        expect({ t, position: (await lastEventAtOrBefore(counting, t))?.position }).toEqual({ t, position: expected });
        expect(reads).toBeLessThanOrEqual(Math.ceil(Math.log2(events.length)) + 1);
      }
    });
  });
});
