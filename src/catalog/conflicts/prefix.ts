import type { ConflictStrategy } from './strategy.ts';
import { firstInConfig } from './strategy.ts';

/**
 * `prefix`: every name is served as `<server>__<name>`, so nothing contends and adding a server renames
 * nothing. Only servers with `prefix: false` contend for bare names; among them the first in config
 * order keeps the name (the others cannot be prefixed and are dropped).
 */
export function createPrefixStrategy(): ConflictStrategy {
  return {
    name: 'prefix',
    decide(contenders) {
      const winner = firstInConfig(contenders);
      if (contenders.length === 1) return { winner, reason: 'no collision' };
      return { winner, reason: `${winner.server} is first in config order (prefix: false servers)` };
    },
  };
}
