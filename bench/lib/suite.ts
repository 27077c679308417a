/** What every suite of `bench/run.ts` is given, and the helpers they share. */
import type { Proc } from './proc.ts';
import { sleep } from './proc.ts';

/** Sizes and durations of one run: the full run, or `--quick`'s smoke run. */
export interface BenchParams {
  reps: number;
  warmup: number;
  seq: number;
  durationMs: number;
  connects: number;
  fanoutWidths: number[];
  fanoutRounds: number;
  fanoutSeqRounds: number;
  startupCounts: number[];
  startupReps: (servers: number) => number;
  sessions: number;
  sessionIdleMs: number;
  sessionTargets: number;
  catalogServers: number;
  catalogTools: number;
  catalogLists: number;
  profileMs: number;
}

export const FULL: BenchParams = {
  reps: 3,
  warmup: 200,
  seq: 2_000,
  durationMs: 1_500,
  connects: 15,
  fanoutWidths: [5, 20],
  fanoutRounds: 20,
  fanoutSeqRounds: 5,
  startupCounts: [1, 10, 30],
  startupReps: (n) => (n >= 30 ? 1 : 3),
  sessions: 1_000,
  sessionIdleMs: 10_000,
  sessionTargets: 5,
  catalogServers: 50,
  catalogTools: 40,
  catalogLists: 30,
  profileMs: 5_000,
};

export const QUICK: BenchParams = {
  reps: 1,
  warmup: 50,
  seq: 300,
  durationMs: 700,
  connects: 3,
  fanoutWidths: [5],
  fanoutRounds: 5,
  fanoutSeqRounds: 2,
  startupCounts: [1, 5],
  startupReps: () => 1,
  sessions: 200,
  sessionIdleMs: 0,
  sessionTargets: 2,
  catalogServers: 10,
  catalogTools: 40,
  catalogLists: 10,
  profileMs: 2_000,
};

/** One run's settings, as the suites read them. */
export interface Run {
  readonly P: BenchParams;
  readonly quick: boolean;
  /** `--targets`: the overhead targets to run (default: all, or all but the full-run-only ones). */
  readonly targets?: string[];
  /** `--baseline`: another checkout whose ToolMesh targets run beside this one's. */
  readonly baseline?: string;
  /** The run's date, YYYY-MM-DD (names the profile folders). */
  readonly date: string;
}

export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Stops `procs`, then lets the CPU settle before the next target starts. */
export async function stopProcs(procs: Proc[]): Promise<void> {
  await Promise.all(procs.map((proc) => proc.stop()));
  await sleep(300);
}

/**
 * Starts what one measurement needs, measures, and stops what was started whatever happened. A failure is
 * logged and gives undefined: the run goes on with the next measurement.
 */
export async function measureWith<S extends { procs: Proc[] }, T>(
  start: () => Promise<S>,
  measure: (started: S) => Promise<T>,
): Promise<T | undefined> {
  let procs: Proc[] = [];
  try {
    const started = await start();
    procs = started.procs;
    return await measure(started);
  } catch (error) {
    log(`  failed: ${String(error).slice(0, 500)}`);
    return undefined;
  } finally {
    await stopProcs(procs);
  }
}
