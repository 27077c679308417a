import { sampleBeta } from './beta.ts';
import { twoOf } from './choose.ts';
import { ewma } from './ewma.ts';
import type { Candidate, RoutingStrategy, StrategyFactory } from './strategy.ts';

/** Evidence kept per recorded outcome: 0.95 forgets half of it in about 14 outcomes, so it re-adapts. */
export const ADAPTIVE_DISCOUNT = 0.95;
/** A successful call is good when it took at most twice the server's typical latency… */
export const ADAPTIVE_SLOW_FACTOR = 2;
/** …or at most this many ms more, so jitter on fast replicas is not held against them. */
export const ADAPTIVE_SLACK_MS = 10;
/**
 * The belief before any evidence is Beta(1, ADAPTIVE_PRIOR_BAD): optimistic, a replica is presumed good
 * until shown otherwise. With a neutral Beta(1, 1) the replica that happened to get more calls would have the
 * firmer belief and win ever more of them; the optimistic prior keeps equally good replicas on equal shares.
 */
export const ADAPTIVE_PRIOR_BAD = 0.2;
/**
 * Draws this close count as a tie, settled by fewer calls in flight (then at random). Healthy replicas all
 * have a belief near 1, and a replica with little fresh evidence (one that was avoided and has recovered)
 * draws lower on average only because Beta draws skew away from 1: without a tie band it would stay below
 * its fair share long after it serves as well as the others.
 */
export const ADAPTIVE_TIE = 0.1;
/** Weight of the newest successful call in the server's typical latency. */
const TYPICAL_ALPHA = 0.1;

interface Belief {
  good: number;
  bad: number;
}

/**
 * A bandit that learns which replicas serve best from latency and errors together: Thompson sampling over
 * a Beta(1 + good, ADAPTIVE_PRIOR_BAD + bad) belief per replica that "a call here has a good outcome". Good
 * means the call succeeded and took at most `max(ADAPTIVE_SLOW_FACTOR × typical, typical + ADAPTIVE_SLACK_MS)`,
 * where `typical` is an EWMA of the latency of every successful call to the server. Since most calls go to
 * the replicas that serve well, `typical` follows them. (Judging against the fastest replica's average
 * instead counted ordinary jitter on equally good replicas as bad: the lowest of several noisy averages is
 * biased low.)
 *
 * Each call draws from the beliefs of two replicas picked at random and goes to the higher draw (power of
 * two choices; comparing all replicas let chance streaks starve a good one). So a replica that serves badly
 * loses nearly every comparison, and a doubtful one still gets the odd call. All evidence is discounted by
 * `ADAPTIVE_DISCOUNT` at each outcome, so a replica that degrades loses its traffic within a few calls, and a
 * replica that was avoided drifts back to the optimistic prior, is tried again, and regains its share once
 * it serves well. Randomness comes only from `options.random`.
 */
export const adaptive: StrategyFactory = (options = {}): RoutingStrategy => {
  const random = options.random ?? Math.random;
  const beliefs = new Map<string, Belief>();
  let typical: number | undefined;
  const beliefOf = (candidate: Candidate): Belief => {
    const known = beliefs.get(candidate.id);
    if (known) return known;
    const belief: Belief = { good: 0, bad: 0 };
    beliefs.set(candidate.id, belief);
    return belief;
  };
  const draw = (candidate: Candidate): number => {
    const belief = beliefOf(candidate);
    return sampleBeta(1 + belief.good, ADAPTIVE_PRIOR_BAD + belief.bad, random);
  };
  return {
    name: 'adaptive',
    select(candidates) {
      for (const candidate of candidates) beliefOf(candidate);
      if (candidates.length === 1) return candidates[0] as Candidate;
      const [a, b] = twoOf(candidates, random);
      const drawA = draw(a);
      const drawB = draw(b);
      if (Math.abs(drawA - drawB) > ADAPTIVE_TIE) return drawA > drawB ? a : b;
      if (a.pending !== b.pending) return a.pending < b.pending ? a : b;
      return random() < 0.5 ? a : b;
    },
    record({ candidate, ok, latencyMs }) {
      const belief = beliefs.get(candidate);
      if (!belief) return;
      if (ok) typical = ewma(typical, latencyMs, TYPICAL_ALPHA);
      const limit =
        typical === undefined
          ? Infinity
          : Math.max(ADAPTIVE_SLOW_FACTOR * typical, typical + ADAPTIVE_SLACK_MS);
      for (const each of beliefs.values()) {
        each.good *= ADAPTIVE_DISCOUNT;
        each.bad *= ADAPTIVE_DISCOUNT;
      }
      if (ok && latencyMs <= limit) belief.good += 1;
      else belief.bad += 1;
    },
  };
};
