import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Logger } from '../observability/logger.ts';

type Gc = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/** How often the process looks at how busy it was. */
const CHECK_MS = 2_000;
/** Idle: the event loop was busy less than this share of the last check's interval. */
const IDLE_UTILIZATION = 0.02;
/** Growth of RSS since the last reclaim that makes one worth its pause. */
const GROWTH_BYTES = 8 * 2 ** 20;

/**
 * Returns memory to the system when the process goes idle after work that left it behind: start-up
 * (module code run once, the parsed config, every server's lists as first fetched), a burst of sessions or
 * calls. V8's own memory reducer keeps it: a hub with 10 stdio servers stayed at 101-102 MB RSS for the
 * 12 s we watched after start-up; one memory-reducing full GC (V8's "last resort" flavour, the one a
 * low-memory notification runs) brings it to 84-85 MB, and 81.7-83.0 MB when that GC also drops the
 * compiled code of what has not run since (`withOldCodeFlushed`: the heap 22.6 → 18.5 MB). That code is
 * compiled again if it runs again: the first call after a reclaim took 4.5-5.6 ms against 2.7-4.0 without
 * the flush (docs/benchmarks.md).
 *
 * Every 2 s it reads the event loop's utilisation; when the last 2 s were idle (under 2 % busy) and RSS
 * grew by 8 MB or more since the last reclaim, it runs that GC once (about 60 ms with 10 servers, logged at
 * debug). A process under steady load never pauses for it, and an idle one does not repeat it. A smaller
 * young generation for good (`--max-semi-space-size=1`) saved 1 MB more at idle and would cost a scavenge
 * every few dozen calls under load.
 *
 * Node has no API for this GC: `gc` is exposed for one new context (the `--expose-gc` flag set only for
 * that, and cleared at once), the way Jest's leak detector reaches it.
 * @returns stops watching
 */
export function reclaimMemoryWhenIdle(logger: Logger): () => void {
  let last = performance.eventLoopUtilization();
  let reclaimedAt = 0;
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const idle = performance.eventLoopUtilization(now, last).utilization < IDLE_UTILIZATION;
    last = now;
    if (!idle || process.memoryUsage.rss() - reclaimedAt < GROWTH_BYTES) return;
    reclaimedAt = collectAllGarbage(logger) ?? Number.POSITIVE_INFINITY;
    // The GC's own pause must not count as work in the next reading.
    last = performance.eventLoopUtilization();
  }, CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** Runs the GC; RSS after it, or undefined when this Node does not allow it (never tried again). */
function collectAllGarbage(logger: Logger): number | undefined {
  const before = process.memoryUsage.rss();
  const started = performance.now();
  try {
    withOldCodeFlushed(() => exposedGc()({ type: 'major', execution: 'sync', flavor: 'last-resort' }));
  } catch (error) {
    // Memory is not worth a crash: a Node that no longer allows this keeps running as before.
    logger.warn({ err: (error as Error).message }, 'could not reclaim idle memory');
    return undefined;
  }
  const after = process.memoryUsage.rss();
  logger.debug(
    {
      pauseMs: Math.round(performance.now() - started),
      rssMbBefore: Math.round(before / 2 ** 20),
      rssMbAfter: Math.round(after / 2 ** 20),
    },
    'idle memory reclaimed',
  );
  return after;
}

/**
 * Runs `collect` with V8 flushing the compiled code of every function that has not run since the previous
 * GC. By default V8 drops a function's bytecode after 6 major GCs without a call, and its baseline code
 * never; an idle process does not get that many GCs, so the code that ran only at start-up (config
 * parsing, schema construction, module bodies) would stay. Afterwards V8's defaults (Node 24) are back, so
 * a busy hub does not compile again what it calls now and then.
 */
export function withOldCodeFlushed(collect: () => void): void {
  setFlagsFromString('--bytecode-old-age=1');
  setFlagsFromString('--flush-baseline-code');
  try {
    collect();
  } finally {
    setFlagsFromString('--bytecode-old-age=6');
    setFlagsFromString('--no-flush-baseline-code');
  }
}

/** V8's `gc`, which Node offers no other way (tests use it too). */
export function exposedGc(): Gc {
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as Gc;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
