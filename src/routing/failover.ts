import { lowest } from './choose.ts';
import type { RoutingStrategy, StrategyFactory } from './strategy.ts';

/**
 * Priority order: every call goes to the healthy replica listed first in the config (`index` 0 is the
 * primary), then the secondary once the primary is unhealthy, and so on. The router's health checks decide
 * who is a candidate; this strategy only keeps the order.
 */
export const failover: StrategyFactory = (): RoutingStrategy => ({
  name: 'failover',
  select(candidates) {
    return lowest(candidates, (candidate) => candidate.index)[0] as (typeof candidates)[number];
  },
});
