/**
 * The one behavioural contract of the Transport port (transport.port.ts).
 * The in-process adapter runs it as a unit spec, the Kafka adapter against
 * the project's own broker (kafka.transport.int-spec.ts). Every test uses
 * its own fresh topic and groups, so a long-lived broker is fine.
 */
import { randomUUID } from 'node:crypto';
import type { Transport, TransportMessage } from '../transport.port';

/** A bus under test, made fresh for each test. */
export interface TransportBus {
  /** A client of the bus (for a broker: another process's connection; in-process: the bus itself). */
  open(): Promise<Transport>;
}

export interface TransportCapabilities {
  /** Whether unfinished messages outlive a client: a subscriber that closes leaves them to its group. */
  durable: boolean;
  /** How long a delivery may take (a broker's group join takes seconds). */
  timeoutMs: number;
}

interface Seen {
  key: string;
  n: number;
  by: string;
}

const until = async (cond: () => boolean, what: string, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

const messages = (topic: string, keys: string[], perKey: number): TransportMessage<{ key: string; n: number }>[] =>
  Array.from({ length: perKey }, (_, n) => keys.map((key) => ({ topic, key, value: { key, n } }))).flat();

/** The n's each key received, in arrival order. */
const byKey = (seen: Seen[]) => {
  const out: Record<string, number[]> = {};
  for (const s of seen) (out[s.key] ??= []).push(s.n);
  return out;
};
const inOrder = (keys: string[], perKey: number) => Object.fromEntries(keys.map((k) => [k, Array.from({ length: perKey }, (_, n) => n)]));

export const describeTransportContract = (name: string, f: TransportCapabilities, newBus: () => TransportBus) => {
  describe(`Transport contract: ${name}`, () => {
    let bus: TransportBus;
    const opened: Transport[] = [];
    const open = async () => {
      const t = await bus.open();
      opened.push(t);
      return t;
    };
    const topic = () => `contract-${randomUUID().slice(0, 8)}`;

    beforeEach(() => {
      bus = newBus();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((t) => t.close()));
    });

    it('delivers each key’s messages in publish order, and the value and headers as sent', async () => {
      const t = await open();
      const tp = topic();
      const seen: Seen[] = [];
      const headers: (Record<string, string> | undefined)[] = [];
      await t.subscribe<{ key: string; n: number }>(tp, 'g', async (m) => {
        // Uneven handler times: a key must still wait for its own previous message.
        await new Promise((r) => setTimeout(r, m.value.n % 3));
        seen.push({ key: m.key, n: m.value.n, by: 'g' });
        headers.push(m.headers);
        expect(m.topic).toBe(tp);
      });
      const keys = ['node-1', 'node-2', 'node-3', 'node-4'];
      for (const m of messages(tp, keys, 25)) await t.publish(m.topic, m.key, m.value, m.value.n === 0 ? { trace: m.key } : undefined);
      await until(() => seen.length === 100, '100 deliveries', f.timeoutMs);
      expect(byKey(seen)).toEqual(inOrder(keys, 25));
      // Headers as sent: only each key's first message had one, naming its key.
      expect(headers.filter(Boolean).map((h) => JSON.stringify(h)).sort()).toEqual(keys.map((k) => JSON.stringify({ trace: k })));
    });

    it('publishes a batch in one call, in order per key', async () => {
      const t = await open();
      const tp = topic();
      const other = topic();
      const seen: Seen[] = [];
      await t.subscribe<{ key: string; n: number }>(tp, 'g', (m) => void seen.push({ key: m.key, n: m.value.n, by: tp }));
      await t.subscribe<{ key: string; n: number }>(other, 'g', (m) => void seen.push({ key: m.key, n: m.value.n, by: other }));
      const keys = Array.from({ length: 20 }, (_, i) => `node-${i}`);
      await t.publishBatch([...messages(tp, keys, 25), { topic: other, key: 'x', value: { key: 'x', n: 0 } }]);
      await until(() => seen.length === 501, '501 deliveries', f.timeoutMs);
      expect(byKey(seen.filter((s) => s.by === tp))).toEqual(inOrder(keys, 25));
      expect(seen.filter((s) => s.by === other)).toEqual([{ key: 'x', n: 0, by: other }]);
    });

    it('delivers every message once to each group, and once within a group shared by two members', async () => {
      const a = await open();
      const b = await open();
      const tp = topic();
      const seen: Seen[] = [];
      const record = (by: string) => (m: TransportMessage<{ key: string; n: number }>) => void seen.push({ key: m.key, n: m.value.n, by });
      await a.subscribe(tp, 'audit', record('audit'));
      await a.subscribe(tp, 'agents', record('agents@a'));
      await b.subscribe(tp, 'agents', record('agents@b'));
      const keys = Array.from({ length: 16 }, (_, i) => `node-${i}`);
      await a.publishBatch(messages(tp, keys, 5));
      await until(() => seen.length >= 160, 'deliveries to both groups', f.timeoutMs);
      await new Promise((r) => setTimeout(r, 200)); // a duplicate would arrive now
      const audit = seen.filter((s) => s.by === 'audit');
      const agents = seen.filter((s) => s.by.startsWith('agents'));
      expect(byKey(audit)).toEqual(inOrder(keys, 5));
      expect(byKey(agents)).toEqual(inOrder(keys, 5));
      // A key belongs to one member of the group at a time.
      for (const key of keys) expect(new Set(agents.filter((s) => s.key === key).map((s) => s.by)).size).toBe(1);
    });

    it("a new group with start 'latest' gets only what is published after it subscribed; a new group otherwise gets what the topic retains", async () => {
      const a = await open();
      const tp = topic();
      const seen: Seen[] = [];
      const record = (by: string) => (m: TransportMessage<{ key: string; n: number }>) => void seen.push({ key: m.key, n: m.value.n, by });
      // A group subscribed first makes sure the topic exists before anything is published to it.
      await a.subscribe(tp, 'first', record('first'));
      await a.publishBatch(messages(tp, ['node-0'], 3));
      await until(() => seen.length >= 3, 'the first group', f.timeoutMs);
      await a.subscribe(tp, 'late', record('late'), { start: 'latest' });
      await a.subscribe(tp, 'replay', record('replay'));
      await a.publish(tp, 'node-0', { key: 'node-0', n: 3 });
      await until(() => seen.filter((s) => s.by !== 'first').length >= (f.durable ? 5 : 2), 'the new groups', f.timeoutMs);
      await new Promise((r) => setTimeout(r, 200));
      expect(byKey(seen.filter((s) => s.by === 'late'))).toEqual({ 'node-0': [3] });
      // Only a broker retains messages: a new group there replays them from the oldest.
      expect(byKey(seen.filter((s) => s.by === 'replay'))).toEqual({ 'node-0': f.durable ? [0, 1, 2, 3] : [3] });
    });

    it('hands a message whose handler threw to the handler again, and its key waits for it', async () => {
      const t = await open();
      const tp = topic();
      const seen: Seen[] = [];
      const errors: unknown[] = [];
      t.onError((e) => errors.push(e));
      let failures = 2;
      await t.subscribe<{ key: string; n: number }>(tp, 'g', (m) => {
        if (m.key === 'node-1' && m.value.n === 1 && failures > 0) {
          failures--;
          throw new Error('handler failed');
        }
        seen.push({ key: m.key, n: m.value.n, by: 'g' });
      });
      await t.publishBatch(messages(tp, ['node-1', 'node-2'], 4));
      await until(() => seen.length === 8, '8 deliveries', f.timeoutMs);
      expect(byKey(seen)).toEqual(inOrder(['node-1', 'node-2'], 4));
      expect(errors.map((e) => (e as Error).message)).toEqual(['handler failed', 'handler failed']);
    });

    (f.durable ? it : it.skip)(
      'leaves what a closed subscriber had not finished to the next member of its group (in-process: nothing outlives the process)',
      async () => {
        const first = await open();
        const tp = topic();
        const seen: Seen[] = [];
        let release!: () => void;
        const stuck = new Promise<void>((r) => (release = r));
        await first.subscribe<{ key: string; n: number }>(tp, 'g', async (m) => {
          if (m.value.n === 2) await stuck; // dies while handling the third message
          seen.push({ key: m.key, n: m.value.n, by: 'first' });
        });
        await first.publishBatch(messages(tp, ['node-1'], 5));
        await until(() => seen.length === 2, 'the first two deliveries', f.timeoutMs);
        const closing = first.close();
        release();
        await closing;
        const second = await open();
        await second.subscribe<{ key: string; n: number }>(tp, 'g', (m) => void seen.push({ key: m.key, n: m.value.n, by: 'second' }));
        await until(() => seen.some((s) => s.by === 'second' && s.n === 4), 'the rest, in the second member', f.timeoutMs);
        // At least once: every message handled, in order per member, none skipped.
        const ns = (by: string) => seen.filter((s) => s.by === by).map((s) => s.n);
        expect(ns('first').slice(0, 2)).toEqual([0, 1]);
        const rest = ns('second');
        expect(rest[rest.length - 1]).toBe(4);
        expect(rest).toEqual(Array.from({ length: rest.length }, (_, i) => 5 - rest.length + i));
        expect(new Set([...ns('first'), ...rest])).toEqual(new Set([0, 1, 2, 3, 4]));
      },
    );

    it('refuses to publish once closed, and delivers nothing after close', async () => {
      const t = await open();
      const tp = topic();
      const seen: Seen[] = [];
      await t.subscribe<{ key: string; n: number }>(tp, 'g', (m) => void seen.push({ key: m.key, n: m.value.n, by: 'g' }));
      await t.publish(tp, 'node-1', { key: 'node-1', n: 0 });
      await until(() => seen.length === 1, 'one delivery', f.timeoutMs);
      await t.close();
      await expect(t.publish(tp, 'node-1', { key: 'node-1', n: 1 })).rejects.toThrow(/closed/);
      await expect(t.publishBatch([{ topic: tp, key: 'node-1', value: { key: 'node-1', n: 1 } }])).rejects.toThrow(/closed/);
      expect(seen).toHaveLength(1);
    });
  });
};
