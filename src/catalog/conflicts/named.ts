/**
 * Served names for tools and prompts: groups every item by the name it would have unprefixed (compared
 * after Unicode normalisation and case folding), runs a contest where servers want that bare name, and
 * reports every group that several servers share. Pure: memory of earlier names comes in as input.
 */
import type { CatalogConfig, ConflictStrategyName } from '../../config/model.ts';
import type { RememberedName } from '../../store/store.ts';
import { nameKey } from '../../store/store.ts';
import { exposedName } from '../naming.ts';
import { foldName } from '../text.ts';
import { conflictStrategy } from './registry.ts';
import type { Contender } from './strategy.ts';

/** One tool or prompt of one server, after filtering. */
export interface NamedItem {
  readonly kind: 'tool' | 'prompt';
  readonly server: string;
  /** Position of the server in the config. */
  readonly index: number;
  readonly original: string;
  /** `false` for servers configured with `prefix: false`: never prefixed, dropped when they lose. */
  readonly prefix: boolean;
  readonly strategy: ConflictStrategyName;
  readonly version?: string;
  /** Served name given in config (`tools.overrides.<name>.name`): used as it is. */
  readonly rename?: string;
}

/** One entry of the conflict report. */
export interface Conflict {
  readonly kind: 'tool' | 'prompt' | 'resource' | 'template';
  /** The contested name as the first server has it (a tool's or prompt's own name, a URI, a template). */
  readonly name: string;
  /** What decided: a strategy name, `owner` (catalog.owners), `rename`, or `none` (nothing contended). */
  readonly decidedBy: string;
  /** The server that keeps the name as it is; absent when nobody does. */
  readonly winner?: string;
  readonly reason: string;
  /** Each server's item and what it is served as (`served` absent: not served). */
  readonly entries: readonly { server: string; original: string; served?: string }[];
}

/** Global settings and memory the contest reads. */
export interface NamingContext {
  readonly catalog: CatalogConfig;
  readonly remembered: ReadonlyMap<string, RememberedName>;
}

/** The served name of each item (undefined: dropped), in input order, plus the conflicts found. */
export function placeNamed(
  items: readonly NamedItem[],
  context: NamingContext,
): { served: (string | undefined)[]; conflicts: Conflict[] } {
  const bare = (item: NamedItem) => item.rename ?? exposedName(item.server, item.original, false);
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => {
    // Compared before sanitising: `ｒｅａｄ` would become `____<hash>` and no longer look like `read`.
    const key = foldName(item.rename ?? item.original);
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const owners = new Map([...context.catalog.owners].map(([name, server]) => [foldName(name), server]));
  const served: (string | undefined)[] = new Array(items.length);
  const conflicts: Conflict[] = [];
  for (const [key, members] of groups) {
    const group = members.map((i) => items[i] as NamedItem);
    const contenders = group.filter((item) => item.rename || !item.prefix || item.strategy !== 'prefix');
    const decision = contenders.length ? decide(contenders, owners.get(key), context, bare) : undefined;
    members.forEach((i, at) => {
      const item = group[at] as NamedItem;
      if (decision?.winner === item.server && contenders.includes(item)) served[i] = bare(item);
      else if (item.prefix && !item.rename) served[i] = exposedName(item.server, item.original, true);
    });
    if (new Set(group.map((item) => item.server)).size < 2) continue;
    conflicts.push({
      kind: group[0]?.kind ?? 'tool',
      name: group[0]?.rename ?? group[0]?.original ?? key,
      decidedBy: decision?.decidedBy ?? 'none',
      ...(decision?.winner !== undefined && { winner: decision.winner }),
      reason: decision?.reason ?? 'every server serves it under its prefix (prefix strategy)',
      entries: members.map((i) => ({
        server: items[i]?.server ?? '',
        original: items[i]?.original ?? '',
        ...(served[i] !== undefined && { served: served[i] }),
      })),
    });
  }
  return { served, conflicts };
}

interface GroupDecision {
  winner?: string;
  decidedBy: string;
  reason: string;
}

function decide(
  contenders: readonly NamedItem[],
  owner: string | undefined,
  context: NamingContext,
  bare: (item: NamedItem) => string,
): GroupDecision {
  const renamed = contenders.find((item) => item.rename);
  if (renamed) return { winner: renamed.server, decidedBy: 'rename', reason: 'renamed to it in config' };
  if (owner !== undefined && contenders.some((item) => item.server === owner)) {
    return { winner: owner, decidedBy: 'owner', reason: `catalog.owners gives it to ${owner}` };
  }
  // One claim per server: a server's own look-alike names do not compete with each other.
  const claims = new Map<string, Contender>();
  for (const item of contenders) {
    if (claims.has(item.server)) continue;
    const remembered = context.remembered.get(nameKey(item.kind, item.server, item.original));
    claims.set(item.server, {
      server: item.server,
      original: item.original,
      bare: bare(item),
      index: item.index,
      ...(item.version !== undefined && { version: item.version }),
      ...(remembered && { remembered }),
    });
  }
  const strategies = new Set(contenders.map((item) => item.strategy));
  const name = strategies.size === 1 ? (contenders[0] as NamedItem).strategy : context.catalog.conflicts;
  const decision = conflictStrategy(name).decide([...claims.values()], context.catalog);
  if (decision.winner) return { winner: decision.winner.server, decidedBy: name, reason: decision.reason };
  // Nobody keeps it, but a `prefix: false` server has no other name to serve: the first such one keeps it.
  const unprefixed = contenders.find((item) => !item.prefix);
  if (!unprefixed) return { decidedBy: name, reason: decision.reason };
  const reason = `${decision.reason}; ${unprefixed.server} has prefix: false and is first in config order`;
  return { winner: unprefixed.server, decidedBy: name, reason };
}
