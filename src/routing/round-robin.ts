import type { RoutingStrategy, StrategyFactory } from './strategy.ts';

/** Each healthy replica in turn. The counter survives changes in the candidate set (it is taken modulo). */
export const roundRobin: StrategyFactory = (): RoutingStrategy => {
  let next = 0;
  return {
    name: 'round-robin',
    select(candidates) {
      const chosen = candidates[next % candidates.length] as (typeof candidates)[number];
      next = (next + 1) % Number.MAX_SAFE_INTEGER;
      return chosen;
    },
  };
};
