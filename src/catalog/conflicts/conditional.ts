import type { ConflictStrategy, Contender } from './strategy.ts';

/**
 * `conditional`: a name is served bare while only one server has it, and prefixed once it collides, but
 * a name that was served before is never changed: the server that served it bare keeps it (the earliest
 * one, if several did), and an item served prefixed stays prefixed even when its collision goes away.
 * Memory comes from the store, so this holds across restarts.
 */
export function createConditionalStrategy(): ConflictStrategy {
  return {
    name: 'conditional',
    decide(contenders) {
      const holders = contenders.filter((c) => c.remembered?.served === c.bare);
      const holder = holders.sort((a, b) => (a.remembered?.seq ?? 0) - (b.remembered?.seq ?? 0))[0];
      if (holder) {
        if (contenders.length === 1) return { winner: holder, reason: 'no collision' };
        return {
          winner: holder,
          reason: `${holder.server} served "${holder.bare}" first; names never change`,
        };
      }
      const only = contenders.length === 1 ? (contenders[0] as Contender) : undefined;
      if (only && only.remembered === undefined) return { winner: only, reason: 'no collision' };
      if (only) return { reason: `served as "${only.remembered?.served}" before; names never change` };
      return { reason: 'collided when first seen: every server keeps it under its prefix' };
    },
  };
}
