import { lowest } from './choose.ts';
import type { RoutingStrategy, StrategyFactory } from './strategy.ts';

/**
 * The replica with the fewest calls in flight (`Candidate.pending`, kept by the router). Ties are taken
 * in turn, so idle replicas share sequential traffic evenly instead of the first one getting it all.
 */
export const leastPending: StrategyFactory = (): RoutingStrategy => {
  let turn = 0;
  return {
    name: 'least-pending',
    select(candidates) {
      const idlest = lowest(candidates, (candidate) => candidate.pending);
      const chosen = idlest[turn % idlest.length] as (typeof candidates)[number];
      turn = (turn + 1) % Number.MAX_SAFE_INTEGER;
      return chosen;
    },
  };
};
