import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventStore } from '@daemonledger/event-store';
import { checkLog } from './log-checks';

const NODES = 200;
const KILLS = 4;

/** Starts the child; resolves with its output once `until` is printed (then kills it after `killAfterMs`) or it exits. */
const run = (dir: string, until: string, killAfterMs: number | undefined) =>
  new Promise<{ out: string; killed: boolean; code: number | null }>((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'controller-child.js'), dir, String(NODES)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    const guard = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (killAfterMs !== undefined && !killed && out.includes(`${until}\n`)) {
        killed = true;
        setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (code !== 0 && signal !== 'SIGKILL') reject(new Error(`controller exited with ${code}: ${err}`));
      else resolve({ out, killed: signal === 'SIGKILL', code });
    });
  });

describe('invariant 6 with kill -9: the controller process is SIGKILLed mid-rollout', () => {
  it(`restarts ${KILLS} times on the same log; the rollout over ${NODES} nodes finishes with no duplicate pod, no lost event, within budget`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'daemonledger-kill9-'));
    try {
      const kills: string[] = [];
      for (let i = 0; i < KILLS; i++) {
        const r = await run(dir, 'ROLLING', 20 + Math.floor(Math.random() * 250));
        kills.push(r.out.includes('DONE') ? 'after-done' : 'mid-rollout');
      }
      const last = await run(dir, 'DONE', undefined);
      expect(last.out).toContain('DONE');
      expect(kills.filter((k) => k === 'mid-rollout').length).toBeGreaterThan(0);

      const store = await openEventStore({ kind: 'sqlite', file: join(dir, 'events.sqlite') });
      const events = await store.readAll({});
      await store.close();
      const log = checkLog(events);
      expect(log).toMatchObject({ violation: undefined, duplicates: 0, maxPerNode: 1, live: NODES });
      expect(log.maxUnavailableSeen).toBeLessThanOrEqual(20); // 10% of 200
      const completed = events.filter((e) => e.type === 'RolloutCompleted').map((e) => e.streamId);
      expect(completed).toContain('rollout-default.nginx-ds-2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
