import { describeTransportContract } from './contract/transport.contract';
import { InProcessTransport } from './in-process.transport';

describeTransportContract('in-process', { durable: false, timeoutMs: 5_000 }, () => {
  const bus = new InProcessTransport();
  return { open: async () => bus };
});

describe('in-process transport', () => {
  it('is idle once every message is handled, including one retried after a failure', async () => {
    const t = new InProcessTransport();
    let failed = false;
    const seen: number[] = [];
    await t.subscribe<number>('t', 'g', (m) => {
      if (!failed && m.value === 1) {
        failed = true;
        throw new Error('once');
      }
      seen.push(m.value);
    });
    await t.publishBatch([0, 1, 2].map((value) => ({ topic: 't', key: 'k', value })));
    expect(t.idle).toBe(false);
    await t.drain();
    expect(t.idle).toBe(true);
    expect(seen).toEqual([0, 1, 2]);
    await t.close();
  });

  it('stops retrying a failing handler once closed, so drain resolves', async () => {
    const t = new InProcessTransport();
    let calls = 0;
    await t.subscribe('t', 'g', () => {
      calls++;
      throw new Error('always');
    });
    await t.publish('t', 'k', 0);
    while (calls < 2) await new Promise((r) => setTimeout(r, 5));
    await t.close();
    await t.drain();
    expect(t.idle).toBe(true);
  });
});
