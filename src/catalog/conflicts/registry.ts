import type { ConflictStrategyName } from '../../config/model.ts';
import { createConditionalStrategy } from './conditional.ts';
import { createPrefixStrategy } from './prefix.ts';
import { createPriorityStrategy } from './priority.ts';
import type { ConflictStrategy, ConflictStrategyFactory } from './strategy.ts';
import { createVersionStrategy } from './version.ts';

/** Every conflict strategy by its config name. */
export const CONFLICT_STRATEGY_FACTORIES: Readonly<Record<ConflictStrategyName, ConflictStrategyFactory>> = {
  prefix: createPrefixStrategy,
  conditional: createConditionalStrategy,
  priority: createPriorityStrategy,
  version: createVersionStrategy,
};

// Strategies hold no state, so one instance each serves every catalog build.
const instances = new Map<ConflictStrategyName, ConflictStrategy>();

/** The strategy named `name`. */
export function conflictStrategy(name: ConflictStrategyName): ConflictStrategy {
  let strategy = instances.get(name);
  if (!strategy) {
    strategy = CONFLICT_STRATEGY_FACTORIES[name]();
    instances.set(name, strategy);
  }
  return strategy;
}
