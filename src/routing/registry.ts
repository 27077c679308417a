import { adaptive } from './adaptive.ts';
import { affinity } from './affinity.ts';
import { failover } from './failover.ts';
import { latency } from './latency.ts';
import { leastPending } from './least-pending.ts';
import { roundRobin } from './round-robin.ts';
import type { RoutingStrategy, StrategyFactory, StrategyName, StrategyOptions } from './strategy.ts';
import { weighted } from './weighted.ts';

/** Every strategy by its config name. */
const FACTORIES: Record<StrategyName, StrategyFactory> = {
  'round-robin': roundRobin,
  'least-pending': leastPending,
  latency,
  weighted,
  failover,
  affinity,
  adaptive,
};

/**
 * A fresh strategy instance (each logical server has its own state).
 * @throws Error when `name` is not a strategy (a name that came from outside unchecked).
 */
export function createStrategy(name: StrategyName, options?: StrategyOptions): RoutingStrategy {
  const factory = FACTORIES[name];
  if (!factory) throw new Error(`routing strategy "${name}" is not implemented`);
  return factory(options);
}

/** The names `createStrategy` accepts. */
export function implementedStrategies(): StrategyName[] {
  return Object.keys(FACTORIES) as StrategyName[];
}
