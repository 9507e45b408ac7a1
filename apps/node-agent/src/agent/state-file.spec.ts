import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SavedPod } from '../simulated-kubelet';
import { type AgentState, RecentIds, StateFile, emptyAgentState, loadAgentState, writeAgentState } from './state-file';

const aSavedPod = (uid: string, extra: Partial<SavedPod> = {}): SavedPod => ({
  pod: { metadata: { namespace: 'default', name: `ds-${uid}`, uid }, spec: { containers: [{ name: 'c', image: 'nginx:1.23.0' }] } },
  ip: '10.244.0.2',
  startedAt: '2026-12-02T10:00:00Z',
  restarts: 0,
  pullFailures: 0,
  stopping: false,
  status: { phase: 'Running' },
  ...extra,
});
const aState = (uids: string[]): AgentState => ({ version: 1, nodes: { 'node-0': uids.map((u) => aSavedPod(u)) }, handled: ['cmd-1'] });

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'agent-state-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the agent state file', () => {
  it('round-trips what it saved', async () => {
    const path = join(dir, 'agent-0-1.json');
    await writeAgentState(path, aState(['u1', 'u2']));
    expect(await loadAgentState(path)).toEqual({ state: aState(['u1', 'u2']) });
  });

  it('is empty, without a complaint, on a first start (no file)', async () => {
    expect(await loadAgentState(join(dir, 'none.json'))).toEqual({ state: emptyAgentState() });
  });

  it.each([
    ['truncated JSON', '{"version":1,"nodes":{"node-0":[{"pod"', /is not JSON/],
    ['another shape', '{"version":2,"pods":[]}', /is not an agent state file: version/],
    ['a pod without a uid', JSON.stringify({ version: 1, nodes: { 'node-0': [{ ...aSavedPod('x'), pod: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } } }] }, handled: [] }), /nodes\.node-0\.0\.pod\.metadata\.uid/],
  ])('says so and starts empty when the file is corrupt: %s', async (_, text, problem) => {
    const path = join(dir, 'agent-0-1.json');
    writeFileSync(path, text);
    const loaded = await loadAgentState(path);
    expect(loaded.state).toEqual(emptyAgentState());
    expect(loaded.problem).toMatch(problem);
  });

  it('replaces the file atomically: a reader never sees half of a write, and no temporary is left', async () => {
    const path = join(dir, 'agent-0-1.json');
    await writeAgentState(path, aState(['u0']));
    const big = (n: number) => aState(Array.from({ length: 200 + n }, (_, i) => `u${n}-${i}`));
    const reads: number[] = [];
    let writing = true;
    const reader = (async () => {
      while (writing) {
        reads.push(JSON.parse(readFileSync(path, 'utf8')).nodes['node-0'].length);
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let n = 0; n < 20; n++) await writeAgentState(path, big(n));
    writing = false;
    await reader;
    // Every read parsed (a torn file would throw) and held one whole state.
    expect(reads.every((len) => len === 1 || (len >= 200 && len < 220))).toBe(true);
    expect(readdirSync(dir)).toEqual(['agent-0-1.json']);
  });

  it('a temporary left by a killed writer does not change what is loaded', async () => {
    const path = join(dir, 'agent-0-1.json');
    await writeAgentState(path, aState(['u1']));
    writeFileSync(`${path}.tmp-99999`, '{"version":1,"nod');
    expect((await loadAgentState(path)).state).toEqual(aState(['u1']));
  });
});

describe('StateFile (batched saving)', () => {
  it('groups changes into one write and resolves saved() only once the change is on disk', async () => {
    const path = join(dir, 'agent-0-1.json');
    let uids: string[] = [];
    const file = new StateFile(path, () => aState(uids), { delayMs: 20 });
    const waits = ['a', 'b', 'c'].map((u) => {
      uids = [...uids, u];
      file.changed();
      return file.saved().then(() => JSON.parse(readFileSync(path, 'utf8')).nodes['node-0'].map((p: SavedPod) => p.pod.metadata.uid));
    });
    expect(await Promise.all(waits)).toEqual([
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
    ]);
    expect(file.writes).toBe(1);
    await file.close();
  });

  it('a change made during a write is saved by the next one, never lost', async () => {
    const path = join(dir, 'agent-0-1.json');
    let uids = ['a'];
    const file = new StateFile(path, () => aState(uids), { delayMs: 1 });
    const first = file.saved();
    await new Promise((r) => setTimeout(r, 2)); // the first write has begun
    uids = ['a', 'b'];
    const second = file.saved();
    await first;
    await second;
    expect((await loadAgentState(path)).state.nodes['node-0'].map((p) => p.pod.metadata.uid)).toEqual(['a', 'b']);
    await file.close();
  });

  it('rejects saved() when the disk refuses the write, so the command is delivered again', async () => {
    const path = join(dir, 'gone', 'agent-0-1.json');
    const logs: string[] = [];
    const file = new StateFile(path, () => aState(['a']), { delayMs: 1, log: (l) => logs.push(l) });
    rmSync(join(dir, 'gone'), { recursive: true });
    await expect(file.saved()).rejects.toThrow(/ENOENT/);
    expect(logs[0]).toMatch(/could not save/);
    await file.close(); // tries once more (and says so), then stops retrying
    expect(logs.length).toBeGreaterThanOrEqual(2);
  });
});

describe('RecentIds', () => {
  it('forgets the oldest beyond its capacity', () => {
    const ids = new RecentIds(3, ['a', 'b', 'c']);
    ids.add('d');
    expect([ids.has('a'), ids.has('b'), ids.has('d')]).toEqual([false, true, true]);
    expect(ids.list()).toEqual(['b', 'c', 'd']);
  });
});
