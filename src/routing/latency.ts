import { lowest, randomOf } from './choose.ts';
import { ewma } from './ewma.ts';
import type { Candidate, RoutingStrategy, StrategyFactory } from './strategy.ts';

/** Weight of the newest sample in the latency EWMA: 0.5 halves an old level's influence with each call. */
export const LATENCY_ALPHA = 0.5;
/** Share of calls sent to a replica outside the best group, so one that recovered is measured again. */
export const LATENCY_EXPLORATION = 0.1;
/** Replicas whose cost is within 25 % (or 1 ms) of the best one count as equally good and share calls. */
export const LATENCY_TOLERANCE = 0.25;
const TOLERANCE_MS = 1;
/** A failed call counts as a sample this many times the best replica's EWMA (if it took longer, as that). */
export const LATENCY_FAILURE_FACTOR = 10;

/**
 * Latency-aware routing. Each replica has an EWMA of the latency of its calls (fed by `record`; a failed call
 * counts as slow, so a replica that fails fast does not attract traffic). A replica with no sample yet is
 * tried first (the least busy of them). Otherwise the cost is `EWMA × (pending + 1)`, the load-aware cost
 * Finagle and Linkerd use, and calls go at random to the replicas within the tolerance of the lowest cost.
 * With probability `LATENCY_EXPLORATION` a call goes instead to one of the others, so a replica that was
 * slow and has recovered gets measured and wins its share back (at α = 0.5, within about 7 of its calls
 * for a 20× slowdown).
 */
export const latency: StrategyFactory = (options = {}): RoutingStrategy => {
  const random = options.random ?? Math.random;
  const levels = new Map<string, number>();
  const seen = new Set<string>();
  return {
    name: 'latency',
    select(candidates) {
      for (const candidate of candidates) seen.add(candidate.id);
      const unmeasured = candidates.filter((candidate) => !levels.has(candidate.id));
      if (unmeasured.length > 0) return randomOf(lowest(unmeasured, pendingOf), random);
      const cost = (candidate: Candidate) => (levels.get(candidate.id) as number) * (candidate.pending + 1);
      const best = Math.min(...candidates.map(cost));
      const limit = Math.max(best * (1 + LATENCY_TOLERANCE), best + TOLERANCE_MS);
      const good = candidates.filter((candidate) => cost(candidate) <= limit);
      const others = candidates.filter((candidate) => cost(candidate) > limit);
      return randomOf(others.length > 0 && random() < LATENCY_EXPLORATION ? others : good, random);
    },
    record({ candidate, ok, latencyMs }) {
      if (!seen.has(candidate)) return;
      const fastest = Math.min(...levels.values());
      const sample = ok
        ? latencyMs
        : Math.max(latencyMs, LATENCY_FAILURE_FACTOR * (fastest < Infinity ? fastest : latencyMs));
      levels.set(candidate, ewma(levels.get(candidate), sample, LATENCY_ALPHA));
    },
  };
};

function pendingOf(candidate: Candidate): number {
  return candidate.pending;
}
