import { sampleBeta } from './beta.ts';
import { ewma } from './ewma.ts';
import type { Candidate, RoutingStrategy, StrategyFactory } from './strategy.ts';

/** Evidence kept per recorded outcome: 0.95 forgets half of it in about 14 outcomes, so it re-adapts. */
export const ADAPTIVE_DISCOUNT = 0.95;
/** A successful call is good when no slower than twice the fastest replica's typical latency… */
export const ADAPTIVE_SLOW_FACTOR = 2;
/** …or within this many ms of it, so jitter on fast replicas is not held against them. */
export const ADAPTIVE_SLACK_MS = 10;
/**
 * The belief before any evidence is Beta(1, ADAPTIVE_PRIOR_BAD): optimistic, a replica is presumed good
 * until shown otherwise. With a neutral Beta(1, 1) the replica that happened to get more calls would have the
 * firmer belief and win ever more of them; the optimistic prior keeps equally good replicas on equal shares.
 */
export const ADAPTIVE_PRIOR_BAD = 0.2;
/** Weight of the newest sample in each replica's latency EWMA (used only to find the fastest). */
const EWMA_ALPHA = 0.3;

interface Arm {
  good: number;
  bad: number;
  ewma?: number;
}

/**
 * A bandit that learns which replicas serve best from latency and errors together. Thompson sampling over
 * a Beta(1 + good, ADAPTIVE_PRIOR_BAD + bad) belief per replica that "a call here has a good outcome",
 * where good means the call succeeded and took at most
 * `max(ADAPTIVE_SLOW_FACTOR × fastest, fastest + ADAPTIVE_SLACK_MS)` (fastest = the lowest per-replica
 * latency EWMA). Each call goes to the replica with the highest draw, so traffic follows the evidence while
 * doubtful replicas still get the odd call. All evidence is discounted by `ADAPTIVE_DISCOUNT` at each
 * outcome, so a replica that degrades loses its traffic within a few calls, and a replica that was avoided
 * drifts back to the optimistic prior, is tried again, and regains its share once it serves well.
 * Randomness comes only from `options.random`.
 */
export const adaptive: StrategyFactory = (options = {}): RoutingStrategy => {
  const random = options.random ?? Math.random;
  const arms = new Map<string, Arm>();
  const armOf = (candidate: Candidate): Arm => {
    const known = arms.get(candidate.id);
    if (known) return known;
    const arm: Arm = { good: 0, bad: 0 };
    arms.set(candidate.id, arm);
    return arm;
  };
  return {
    name: 'adaptive',
    select(candidates) {
      let chosen = candidates[0] as Candidate;
      let best = -1;
      for (const candidate of candidates) {
        const arm = armOf(candidate);
        const draw = sampleBeta(1 + arm.good, ADAPTIVE_PRIOR_BAD + arm.bad, random);
        if (draw > best) {
          best = draw;
          chosen = candidate;
        }
      }
      return chosen;
    },
    record({ candidate, ok, latencyMs }) {
      const arm = arms.get(candidate);
      if (!arm) return;
      if (ok) arm.ewma = ewma(arm.ewma, latencyMs, EWMA_ALPHA);
      const fastest = Math.min(...[...arms.values()].map((a) => a.ewma ?? Infinity));
      const good = ok && latencyMs <= Math.max(ADAPTIVE_SLOW_FACTOR * fastest, fastest + ADAPTIVE_SLACK_MS);
      for (const each of arms.values()) {
        each.good *= ADAPTIVE_DISCOUNT;
        each.bad *= ADAPTIVE_DISCOUNT;
      }
      if (good) arm.good += 1;
      else arm.bad += 1;
    },
  };
};
