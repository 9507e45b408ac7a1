import { nextSlice, SLICE_MS, sliceSpent } from './loop-slices';

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('the loop\'s shared slices', () => {
  it('a slice is spent once SLICE_MS of work ran since it began, whoever did the work', async () => {
    await nextSlice();
    expect(sliceSpent()).toBe(false);
    busy(SLICE_MS + 2);
    expect(sliceSpent()).toBe(true);
    await nextSlice();
    expect(sliceSpent()).toBe(false);
  });

  it('resumes one waiter per turn of the loop, first come first served: what was queued meanwhile runs between them', async () => {
    const order: string[] = [];
    const a = nextSlice().then(() => void order.push('a'));
    const b = nextSlice().then(() => void order.push('b'));
    setImmediate(() => order.push('io'));
    await Promise.all([a, b]);
    expect(order).toEqual(['a', 'io', 'b']);
  });
});
