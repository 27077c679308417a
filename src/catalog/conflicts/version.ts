import semver from 'semver';
import type { ConflictStrategy, Contender } from './strategy.ts';
import { firstInConfig } from './strategy.ts';

/**
 * `version`: the server reporting the highest `serverInfo.version` keeps the name, compared as semver
 * (`1.10.0` > `1.9.2`; loose forms such as `v2` or `2.1` are coerced). A version that is not semver at
 * all ranks below every semver one; a tie goes to the first in config order.
 */
export function createVersionStrategy(): ConflictStrategy {
  return {
    name: 'version',
    decide(contenders) {
      if (contenders.length === 1) return { winner: contenders[0], reason: 'no collision' };
      const ranked = [...contenders].sort((a, b) => compare(b, a) || a.index - b.index);
      const winner = ranked[0] as Contender;
      const runnerUp = ranked[1] as Contender;
      if (compare(winner, runnerUp) === 0) {
        const first = firstInConfig(contenders.filter((c) => compare(c, winner) === 0));
        return {
          winner: first,
          reason: `same version ${show(first)}; ${first.server} is first in config order`,
        };
      }
      return {
        winner,
        reason: `${winner.server} reports version ${show(winner)}, higher than ${runnerUp.server}'s ${show(runnerUp)}`,
      };
    },
  };
}

function parse(c: Contender): semver.SemVer | null {
  return c.version === undefined ? null : (semver.parse(c.version) ?? semver.coerce(c.version));
}

function compare(a: Contender, b: Contender): number {
  const va = parse(a);
  const vb = parse(b);
  if (va && vb) return semver.compare(va, vb);
  return (va ? 1 : 0) - (vb ? 1 : 0);
}

function show(c: Contender): string {
  return c.version ?? '(none)';
}
