import { WorkQueue } from './work-queue';

describe('WorkQueue.addAfter (requeues)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const worked = () => {
    const keys: string[] = [];
    const q = new WorkQueue(async (k) => void keys.push(k), () => undefined);
    return { q, keys };
  };

  it('an earlier requeue replaces a later one (a progress deadline before a pull back-off)', async () => {
    const { q, keys } = worked();
    q.addAfter('ds', 10_000);
    q.addAfter('ds', 3_000);
    await jest.advanceTimersByTimeAsync(3_000);
    expect(keys).toEqual(['ds']);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(keys).toEqual(['ds']);
  });

  it('a later requeue does not push back an earlier one', async () => {
    const { q, keys } = worked();
    q.addAfter('ds', 3_000);
    q.addAfter('ds', 10_000);
    await jest.advanceTimersByTimeAsync(3_000);
    expect(keys).toEqual(['ds']);
  });
});
