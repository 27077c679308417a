import type { ConflictStrategy, Contender } from './strategy.ts';

/**
 * `priority`: the server earliest in `catalog.priority` keeps the name; servers not listed come after
 * every listed one, in config order. The others serve it prefixed.
 */
export function createPriorityStrategy(): ConflictStrategy {
  return {
    name: 'priority',
    decide(contenders, { priority }) {
      const rank = (c: Contender) => {
        const at = priority.indexOf(c.server);
        return at === -1 ? priority.length + c.index : at;
      };
      const winner = contenders.reduce((best, c) => (rank(c) < rank(best) ? c : best));
      if (contenders.length === 1) return { winner, reason: 'no collision' };
      const listed = priority.includes(winner.server);
      const reason = listed
        ? `${winner.server} comes first in catalog.priority`
        : `no contender is in catalog.priority; ${winner.server} is first in config order`;
      return { winner, reason };
    },
  };
}
