/**
 * Slices of work on the one event loop. The projection's fold, the
 * reconciler's work queue and its plan steps each work in slices and yield
 * between them, so that I/O (API requests, watch writes, kubelet reports)
 * gets in. Yielding alone does not bound a turn: workers resumed in the same
 * turn run their slices back to back (immediates and the microtasks they
 * start all run before the loop turns again), and the turn is the sum of
 * their slices. So the slices are shared: one clock for all the workers, and
 * one worker resumed per turn of the loop, in the order they yielded.
 */
export const SLICE_MS = 8;

let sliceStart = performance.now();
const waiting: (() => void)[] = [];
let scheduled = false;

const resumeOne = () => {
  scheduled = false;
  sliceStart = performance.now();
  const next = waiting.shift();
  // The next waiter gets the next turn: an immediate queued while immediates run waits for the loop to turn.
  if (waiting.length) schedule();
  next?.();
};

const schedule = () => {
  scheduled = true;
  setImmediate(resumeOne);
};

/** The current slice (whoever started it) has run SLICE_MS: time to call `nextSlice`. */
export const sliceSpent = (): boolean => performance.now() - sliceStart > SLICE_MS;

/** Resolves on a later turn of the loop (pending I/O first), at the start of a new slice: one waiter per turn, first come first served. */
export const nextSlice = (): Promise<void> =>
  new Promise<void>((resolve) => {
    waiting.push(resolve);
    if (!scheduled) schedule();
  });
