import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../src/sqlite/sqlite-event-store';

/**
 * kill -9 at random moments while a real SqliteEventStore appends batches:
 * after reopening, every acknowledged append is there whole, no batch is
 * partial, positions are 1..N without holes and every stream's revisions are dense.
 */
interface Ack {
  position: number;
  streamId: string;
  firstRevision: number;
  ids: string[];
}

const ITERATIONS = 25;
const dir = mkdtempSync(join(tmpdir(), 'daemonledger-crash-'));
const file = join(dir, 'crash.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the writer until it has acknowledged something, waits a random while, then SIGKILLs it. */
const runAndKill = (seed: number, killAfterMs: number): Promise<{ acks: Ack[]; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'crash-writer.js'), file, String(seed)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stderr = '';
    let armed = false;
    const guard = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!armed && out.includes('\nACK ')) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') return reject(new Error(`writer exited by itself (${signal ?? _code}): ${stderr}`));
      // Only complete lines: a line cut by the kill was never a finished acknowledgement.
      const lines = out.split('\n').slice(0, -1).filter((l) => l.startsWith('ACK '));
      const acks = lines.map((l) => {
        const [, position, streamId, firstRevision, , ids] = l.split(' ');
        return { position: Number(position), streamId, firstRevision: Number(firstRevision), ids: ids.split(',') };
      });
      resolve({ acks, stderr });
    });
  });

/** Returns every broken promise it finds (empty = all good) and how many events are stored. */
const verify = async (acks: Ack[]): Promise<{ problems: string[]; stored: number }> => {
  const problems: string[] = [];
  const store = new SqliteEventStore({ file });
  try {
    const all = await store.readAll();
    all.forEach((e, i) => e.position !== i + 1 && problems.push(`hole: event #${i + 1} has position ${e.position}`));
    const byId = new Map(all.map((e) => [e.id, e]));
    for (const ack of acks) {
      ack.ids.forEach((id, i) => {
        const e = byId.get(id);
        const position = ack.position - ack.ids.length + 1 + i;
        if (!e) problems.push(`acknowledged event ${id} (position ${position}) is missing`);
        else if (e.streamId !== ack.streamId || e.revision !== ack.firstRevision + i || e.position !== position) {
          problems.push(`acknowledged event ${id} moved: ${e.streamId}@${e.revision} #${e.position}`);
        }
      });
    }
    const batches = new Map<string, { size: number; positions: number[] }>();
    const revisions = new Map<string, number>();
    for (const e of all) {
      const m = e.metadata as { correlationId: string; batchSize: number };
      const b = batches.get(m.correlationId) ?? { size: m.batchSize, positions: [] };
      b.positions.push(e.position);
      batches.set(m.correlationId, b);
      const expected = (revisions.get(e.streamId) ?? -1) + 1;
      if (e.revision !== expected) problems.push(`${e.streamId}: revision ${e.revision} where ${expected} was due`);
      revisions.set(e.streamId, e.revision);
    }
    for (const [id, b] of batches) {
      if (b.positions.length !== b.size || b.positions[b.positions.length - 1] - b.positions[0] !== b.size - 1) {
        problems.push(`batch ${id} is partial or split: ${b.positions.length}/${b.size} at ${b.positions.join(',')}`);
      }
    }
    return { problems: problems.slice(0, 20), stored: all.length };
  } finally {
    await store.close();
  }
};

describe('SQLite store under kill -9', () => {
  it(`keeps every acknowledged append whole across ${ITERATIONS} random SIGKILLs`, async () => {
    const acks: Ack[] = [];
    let stored = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const run = await runAndKill(1000 + i, Math.floor(Math.random() * 120));
      acks.push(...run.acks);
      const result = await verify(acks);
      expect(result.problems).toEqual([]);
      stored = result.stored;
      expect(stored).toBeGreaterThanOrEqual(acks.reduce((n, a) => n + a.ids.length, 0));
    }
    expect(acks.length).toBeGreaterThan(ITERATIONS);
  }, 60_000);
});
