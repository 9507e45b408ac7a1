import { createHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Preloaded into the benchmarked server (`node -r loop-probe.js main.js`,
 * see server-process.ts) to measure that process's own event loop without
 * touching its code. Two measures, both from 1 ms timers:
 * - node's `monitorEventLoopDelay` at 1 ms resolution (how late its timer ran);
 * - an explicit gap: the time between two runs of a 1 ms interval. A gap of
 *   g ms means one iteration of the loop (its timers, I/O callbacks,
 *   immediates and their microtasks) held the thread for about g ms: the
 *   longest gap is the longest turn, and the gaps' p99 the p99 of turns.
 * Turns longer than LONG_TURN_MS are remembered with their start and end
 * on the monotonic clock (the one `--cpu-prof` stamps samples with), so a
 * profile can be cut to them.
 *
 * On SIGUSR2 it prints one line, `loop-probe {json}`, with the figures since
 * the last one, and starts again (the benchmark sends it around each phase).
 */
const RESOLUTION_MS = 1;
const LONG_TURN_MS = 50;
const MAX_LONG_TURNS = 200;

export interface LoopProbeReport {
  /** How many 1 ms ticks ran (each one gap). */
  ticks: number;
  /** The longest gap between two ticks: the longest turn (ms). */
  longestTurnMs: number;
  turnP50Ms: number;
  turnP99Ms: number;
  /** monitorEventLoopDelay at 1 ms resolution. */
  delayP99Ms: number;
  delayMaxMs: number;
  /** Turns over LONG_TURN_MS: [start, end] in µs of the monotonic clock. */
  longTurns: [number, number][];
}

const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
const gaps = createHistogram();
let longest = 0;
let longTurns: [number, number][] = [];
let last = process.hrtime.bigint();

const tick = () => {
  const now = process.hrtime.bigint();
  const gapUs = Number(now - last) / 1000;
  last = now;
  gaps.record(Math.max(1, Math.round(gapUs)));
  if (gapUs > longest) longest = gapUs;
  if (gapUs > LONG_TURN_MS * 1000 && longTurns.length < MAX_LONG_TURNS) {
    const end = Number(now / 1000n);
    longTurns.push([end - Math.round(gapUs), end]);
  }
};

export const takeReport = (): LoopProbeReport => {
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  const report: LoopProbeReport = {
    ticks: gaps.count,
    longestTurnMs: Math.round(longest / 10) / 100,
    turnP50Ms: gaps.count ? Math.round(gaps.percentile(50) / 10) / 100 : 0,
    turnP99Ms: gaps.count ? Math.round(gaps.percentile(99) / 10) / 100 : 0,
    delayP99Ms: delay.count ? ms(delay.percentile(99)) : 0,
    delayMaxMs: delay.count ? ms(delay.max) : 0,
    longTurns,
  };
  delay.reset();
  gaps.reset();
  longest = 0;
  longTurns = [];
  last = process.hrtime.bigint();
  return report;
};

export const PROBE_LINE = 'loop-probe ';

const start = () => {
  delay.enable();
  setInterval(tick, RESOLUTION_MS).unref();
  process.on('SIGUSR2', () => process.stdout.write(`${PROBE_LINE}${JSON.stringify(takeReport())}\n`));
};

if (process.env.LOOP_PROBE === '1') start();
