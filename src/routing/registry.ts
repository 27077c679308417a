import { roundRobin } from './round-robin.ts';
import type { RoutingStrategy, StrategyFactory, StrategyName, StrategyOptions } from './strategy.ts';

/** Every strategy by its config name. Strategies not yet built are absent (see `createStrategy`). */
const FACTORIES: Partial<Record<StrategyName, StrategyFactory>> = {
  'round-robin': roundRobin,
};

/**
 * A fresh strategy instance (each logical server has its own state).
 * @throws Error when `name` has no implementation.
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
