import { createHash } from 'node:crypto';
import { roundRobin } from './round-robin.ts';
import type { Candidate, RoutingStrategy, StrategyFactory } from './strategy.ts';

/**
 * Session affinity: calls with the same `context.key` go to the same replica for as long as it stays a
 * candidate. Rendezvous (highest-random-weight) hashing: each replica scores `hash(key, replica id)` and
 * the highest wins, so when a replica leaves only its own keys move (each to its next-highest replica), and
 * when it comes back exactly those keys return. No shared ring or per-key table is kept. Calls without a
 * key are spread in turn, like round-robin. Weights are not used.
 */
export const affinity: StrategyFactory = (): RoutingStrategy => {
  const spread = roundRobin();
  return {
    name: 'affinity',
    select(candidates, context) {
      if (context.key === undefined) return spread.select(candidates, context);
      let chosen = candidates[0] as Candidate;
      let best = -1;
      for (const candidate of candidates) {
        const score = rendezvousScore(context.key, candidate.id);
        if (score > best) {
          best = score;
          chosen = candidate;
        }
      }
      return chosen;
    },
  };
};

/** A 48-bit score from SHA-256 of key and id (NUL-separated so `a`+`bc` and `ab`+`c` differ). */
function rendezvousScore(key: string, id: string): number {
  return createHash('sha256').update(key).update('\0').update(id).digest().readUIntBE(0, 6);
}
