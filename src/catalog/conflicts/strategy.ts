/**
 * How a collision is resolved: several servers want the same name (or URI) served as it is, and a
 * strategy decides which of them keeps it. Strategies are pure over what they are given; the catalog
 * builder gathers the contenders, applies renames and explicit owners first, and serves the losers
 * prefixed (or drops them when they cannot be prefixed). See docs/conflicts.md.
 */
import type { ConflictStrategyName } from '../../config/model.ts';
import type { RememberedName } from '../../store/store.ts';

/** One server's claim on a contested name. */
export interface Contender {
  readonly server: string;
  /** The server's own name for the item. */
  readonly original: string;
  /** The name it would be served under unprefixed. */
  readonly bare: string;
  /** Position of the server in the config (0 first). */
  readonly index: number;
  /** `serverInfo.version` the server reported at its last handshake. */
  readonly version?: string;
  /** The name this item was served under before (from the store), if any. */
  readonly remembered?: RememberedName;
}

/** Settings a strategy may read. */
export interface DecideContext {
  /** `catalog.priority`: server names, most preferred first. */
  readonly priority: readonly string[];
}

/** The outcome: who keeps the name (nobody, when `winner` is absent) and why, in words for the report. */
export interface Decision {
  readonly winner?: Contender;
  readonly reason: string;
}

export interface ConflictStrategy {
  readonly name: ConflictStrategyName;
  /** Decides who keeps the name among `contenders` (never empty; one when nothing collides). */
  decide(contenders: readonly Contender[], context: DecideContext): Decision;
}

export type ConflictStrategyFactory = () => ConflictStrategy;

/** The contender first in config order. */
export function firstInConfig(contenders: readonly Contender[]): Contender {
  return contenders.reduce((best, c) => (c.index < best.index ? c : best));
}
