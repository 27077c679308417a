import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Logger } from '../observability/logger.ts';

type Gc = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/** Long enough for the first clients' catalog requests, answered once start-up settled, to be done. */
const AFTER_START_MS = 1_000;

/**
 * Returns to the system the memory start-up used and left behind: compiled module code run once, parsed
 * config, every server's lists as first fetched, and a young generation grown by that burst. V8's own memory
 * reducer kept it: a hub with 10 stdio servers stayed at 101-102 MB RSS for the 12 s we watched; one
 * memory-reducing full GC (V8's "last resort" flavour, the one a low-memory notification runs) brings it to
 * 84-85 MB (docs/benchmarks.md). It runs once, a second after start-up settled (not at once: clients that
 * connected during start-up get their catalog then), and its pause (about 60 ms with 10 servers) is logged. A smaller young generation for good (`--max-semi-space-size=1`) would
 * save only 1 MB more and cost a scavenge every few dozen calls under load.
 *
 * Node has no API for this GC: `gc` is exposed for one new context (the `--expose-gc` flag set only for
 * that, and cleared at once), the way Jest's leak detector reaches it.
 */
export function reclaimStartupMemory(logger: Logger): void {
  setTimeout(() => collectAllGarbage(logger), AFTER_START_MS).unref();
}

function collectAllGarbage(logger: Logger): void {
  const before = process.memoryUsage.rss();
  const started = performance.now();
  try {
    exposedGc()({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  } catch (error) {
    // Memory is not worth a crash: a Node that no longer allows this keeps running as before.
    logger.warn({ err: (error as Error).message }, 'could not reclaim start-up memory');
    return;
  }
  logger.debug(
    {
      pauseMs: Math.round(performance.now() - started),
      rssMbBefore: Math.round(before / 2 ** 20),
      rssMbAfter: Math.round(process.memoryUsage.rss() / 2 ** 20),
    },
    'start-up memory reclaimed',
  );
}

function exposedGc(): Gc {
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as Gc;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
