/**
 * Collisions of resource URIs and resource templates. URIs are never rewritten, so a URI two servers list
 * has one owner: the strategy's winner, else the first in config order. URIs that differ only in case or
 * Unicode form are both served, and reported, because a reader can mistake one for the other.
 */
import type { CatalogConfig, ConflictStrategyName } from '../../config/model.ts';
import { foldName } from '../text.ts';
import type { Conflict } from './named.ts';
import { conflictStrategy } from './registry.ts';
import { type Contender, firstInConfig } from './strategy.ts';

/** One resource URI or template string of one server, after filtering. */
export interface UriItem {
  readonly server: string;
  readonly index: number;
  readonly uri: string;
  readonly strategy: ConflictStrategyName;
  readonly version?: string;
}

/** Which items are served (by input index) and the conflicts found. */
export function placeUris(
  kind: 'resource' | 'template',
  items: readonly UriItem[],
  catalog: CatalogConfig,
): { kept: boolean[]; conflicts: Conflict[] } {
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const key = foldName(item.uri);
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const kept = items.map(() => true);
  const conflicts: Conflict[] = [];
  for (const members of groups.values()) {
    const group = members.map((i) => items[i] as UriItem);
    if (new Set(group.map((item) => item.server)).size < 2) continue;
    const exact = new Map<string, UriItem[]>();
    for (const item of group) exact.set(item.uri, [...(exact.get(item.uri) ?? []), item]);
    let decision: { winner?: string; decidedBy: string; reason: string } = {
      decidedBy: 'none',
      reason: 'they differ only in case or Unicode form: both are served',
    };
    for (const same of exact.values()) {
      if (new Set(same.map((item) => item.server)).size < 2) continue;
      decision = decideUri(same, catalog);
      members.forEach((i) => {
        const item = items[i] as UriItem;
        if (same.includes(item) && item.server !== decision.winner) kept[i] = false;
      });
    }
    conflicts.push({
      kind,
      name: group[0]?.uri ?? '',
      ...decision,
      entries: members.map((i) => ({
        server: items[i]?.server ?? '',
        original: items[i]?.uri ?? '',
        ...(kept[i] && { served: items[i]?.uri }),
      })),
    });
  }
  return { kept, conflicts };
}

function decideUri(
  same: readonly UriItem[],
  catalog: CatalogConfig,
): { winner: string; decidedBy: string; reason: string } {
  const owner = catalog.owners.get(same[0]?.uri ?? '');
  if (owner !== undefined && same.some((item) => item.server === owner)) {
    return { winner: owner, decidedBy: 'owner', reason: `catalog.owners gives it to ${owner}` };
  }
  const contenders: Contender[] = same.map((item) => ({
    server: item.server,
    original: item.uri,
    bare: item.uri,
    index: item.index,
    ...(item.version !== undefined && { version: item.version }),
  }));
  const strategies = new Set(same.map((item) => item.strategy));
  const name = strategies.size === 1 ? (same[0] as UriItem).strategy : catalog.conflicts;
  const decision = conflictStrategy(name).decide(contenders, catalog);
  if (decision.winner && name !== 'prefix') {
    return { winner: decision.winner.server, decidedBy: name, reason: decision.reason };
  }
  const first = firstInConfig(contenders);
  return {
    winner: first.server,
    decidedBy: name,
    reason: `URIs cannot be prefixed: ${first.server} is first in config order`,
  };
}
