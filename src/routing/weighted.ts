import type { Candidate, RoutingStrategy, StrategyFactory } from './strategy.ts';

/**
 * Smooth weighted round-robin, as nginx does it: each call every candidate gains its weight, the one with
 * the most is chosen and pays back the total. Deterministic, so over each cycle of `sum(weights)` calls every
 * replica gets exactly its weight, interleaved (5:1:1 gives a a b a c a a, not a a a a a b c).
 *
 * Weights are `Candidate.weight`; a non-positive or non-finite weight counts as 0 (never chosen while
 * another has weight), and if no candidate has weight they share equally. The running credits restart when
 * the candidate set changes, so shares are exact from the first full cycle after any change.
 */
export const weighted: StrategyFactory = (): RoutingStrategy => {
  let credit = new Map<string, number>();
  let setKey = '';
  return {
    name: 'weighted',
    select(candidates) {
      const key = candidates.map((candidate) => `${candidate.id}:${candidate.weight}`).join('\n');
      if (key !== setKey) {
        setKey = key;
        credit = new Map();
      }
      const anyWeight = candidates.some((candidate) => weightOf(candidate) > 0);
      let total = 0;
      let chosen = candidates[0] as Candidate;
      for (const candidate of candidates) {
        const weight = anyWeight ? weightOf(candidate) : 1;
        const now = (credit.get(candidate.id) ?? 0) + weight;
        credit.set(candidate.id, now);
        total += weight;
        if (now > (credit.get(chosen.id) ?? 0)) chosen = candidate;
      }
      credit.set(chosen.id, (credit.get(chosen.id) ?? 0) - total);
      return chosen;
    },
  };
};

function weightOf(candidate: Candidate): number {
  return Number.isFinite(candidate.weight) && candidate.weight > 0 ? candidate.weight : 0;
}
