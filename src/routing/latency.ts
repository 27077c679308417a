import { lowest, randomOf, twoOf } from './choose.ts';
import { ewma } from './ewma.ts';
import type { Candidate, RoutingStrategy, StrategyFactory } from './strategy.ts';

/**
 * How fast a replica's latency level forgets, counted in calls routed anywhere since its last sample: the
 * old level keeps weight `exp(-gap / LATENCY_DECAY_CALLS)` against the new sample. With three replicas
 * sharing evenly (a sample every 3 calls) that is about 0.5, a plain EWMA; a replica that was avoided and
 * is measured only by the odd exploring call (every 15 calls or so) has its old level nearly replaced, so
 * one fast call after it recovers is enough to win its share back. Finagle's peak EWMA decays by time;
 * counting calls keeps the strategy independent of the clock.
 */
export const LATENCY_DECAY_CALLS = 4;
/** Share of calls sent to the loser of the comparison, so a replica that recovered is measured again. */
export const LATENCY_EXPLORATION = 0.1;
/** Two replicas whose costs are within 25 % (or 1 ms) of each other count as equally good. */
export const LATENCY_TOLERANCE = 0.25;
const TOLERANCE_MS = 1;
/** A failed call counts as a sample this many times the best replica's EWMA (if it took longer, as that). */
export const LATENCY_FAILURE_FACTOR = 10;

/**
 * Latency-aware routing: power of two choices over a load-aware latency cost, as Finagle and Linkerd do it.
 * Each replica has an EWMA of the latency of its calls (fed by `record`; a failed call counts as slow, so a
 * replica that fails fast does not attract traffic), and its cost is `EWMA × (pending + 1)`. A replica with
 * no sample yet is tried first (the least busy of them). Otherwise each call compares two replicas drawn at
 * random and takes the cheaper one, or either when they are within the tolerance. Comparing two rather
 * than taking the overall cheapest keeps replicas of about equal speed on about equal shares despite noise,
 * while a slow replica loses every comparison. With probability `LATENCY_EXPLORATION` the call goes to the
 * loser instead, so a replica that was slow and has recovered gets measured, and as its old level has
 * mostly decayed by then (`LATENCY_DECAY_CALLS`), one fast call wins it its share back.
 */
export const latency: StrategyFactory = (options = {}): RoutingStrategy => {
  const random = options.random ?? Math.random;
  const levels = new Map<string, number>();
  /** The value of `calls` at each replica's last sample; `seen` holds every replica ever a candidate. */
  const sampledAt = new Map<string, number>();
  const seen = new Set<string>();
  let calls = 0;
  const cost = (candidate: Candidate) => (levels.get(candidate.id) as number) * (candidate.pending + 1);
  return {
    name: 'latency',
    select(candidates) {
      calls += 1;
      for (const candidate of candidates) seen.add(candidate.id);
      const unmeasured = candidates.filter((candidate) => !levels.has(candidate.id));
      if (unmeasured.length > 0) return randomOf(lowest(unmeasured, pendingOf), random);
      if (candidates.length === 1) return candidates[0] as Candidate;
      const [winner, loser] = compare(twoOf(candidates, random), cost, random);
      return random() < LATENCY_EXPLORATION ? loser : winner;
    },
    record({ candidate, ok, latencyMs }) {
      if (!seen.has(candidate)) return;
      const fastest = Math.min(...levels.values());
      const sample = ok
        ? latencyMs
        : Math.max(latencyMs, LATENCY_FAILURE_FACTOR * (fastest < Infinity ? fastest : latencyMs));
      const gap = calls - (sampledAt.get(candidate) ?? calls);
      const alpha = 1 - Math.exp(-gap / LATENCY_DECAY_CALLS);
      levels.set(candidate, ewma(levels.get(candidate), sample, alpha));
      sampledAt.set(candidate, calls);
    },
  };
};

type Pair = readonly [Candidate, Candidate];

/** [cheaper, dearer]; within the tolerance the order is a coin flip. */
function compare([a, b]: Pair, cost: (candidate: Candidate) => number, random: () => number): Pair {
  const [low, high] = cost(a) <= cost(b) ? [a, b] : [b, a];
  const equal = cost(high) <= Math.max(cost(low) * (1 + LATENCY_TOLERANCE), cost(low) + TOLERANCE_MS);
  return equal && random() < 0.5 ? [high, low] : [low, high];
}

function pendingOf(candidate: Candidate): number {
  return candidate.pending;
}
