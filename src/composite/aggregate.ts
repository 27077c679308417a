/**
 * How a composite combines the values of its successful branches (docs/composites.md). Pure functions of
 * the values, so each rule is tested without servers; `fan-out.ts` decides which branches succeeded.
 */
import { canonicalJson } from '../catalog/pins.ts';
import type { Aggregate } from '../config/orchestration.ts';

/** The value of one successful branch. */
export interface Success {
  readonly id: string;
  readonly value: unknown;
  /** 0 for the branch that succeeded first, 1 for the next, and so on. */
  readonly rank: number;
}

/** One distinct value in a vote, with the branches that returned it. */
export interface Vote {
  readonly value: unknown;
  readonly count: number;
  readonly branches: readonly string[];
}

/** The combined value, or why there is none (a tied vote). */
export type Combined =
  | { readonly ok: true; readonly value: unknown; readonly votes?: readonly Vote[] }
  | { readonly ok: false; readonly error: string; readonly votes?: readonly Vote[] };

/** Combines `successes` (in branch order) by `aggregate`; `key` is the dedupe field. */
export function combine(aggregate: Aggregate, successes: readonly Success[], key?: string): Combined {
  const values = successes.map((success) => success.value);
  switch (aggregate) {
    case 'concat':
      return { ok: true, value: concatValues(values) };
    case 'dedupe':
      return { ok: true, value: dedupeItems(concatValues(values), key ?? '') };
    case 'first-success':
      return firstSuccess(successes);
    case 'vote':
      return decideVote(tallyVotes(successes));
  }
}

/** Every value in order; a value that is a list adds its items (one level), so lists of results merge. */
export function concatValues(values: readonly unknown[]): unknown[] {
  return values.flatMap((value) => (Array.isArray(value) ? value : [value]));
}

/**
 * `items` with only the first item of each `key` value (compared as canonical JSON, so `1` and `"1"`
 * differ). An item without the field is kept: nothing says it repeats another.
 */
export function dedupeItems(items: readonly unknown[], key: string): unknown[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const id = pathValue(item, key);
    if (id === undefined) return true;
    const text = canonicalJson(id);
    if (seen.has(text)) return false;
    seen.add(text);
    return true;
  });
}

/** The value at dot path `path` (`a.b.0`) inside `value`, or undefined where the path leads nowhere. */
export function pathValue(value: unknown, path: string): unknown {
  let current = value;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Distinct values (equal by canonical JSON), most votes first; among equals, the first returned first. */
export function tallyVotes(successes: readonly Success[]): Vote[] {
  const byText = new Map<string, { value: unknown; branches: string[] }>();
  for (const { id, value } of successes) {
    const text = canonicalJson(value);
    const entry = byText.get(text) ?? { value, branches: [] };
    entry.branches.push(id);
    byText.set(text, entry);
  }
  const votes = [...byText.values()].map(({ value, branches }) => ({
    value,
    count: branches.length,
    branches,
  }));
  // Array.prototype.sort is stable, so equal counts keep branch order.
  return votes.sort((a, b) => b.count - a.count);
}

/**
 * The value with the most votes. A tie for the most is an error rather than a pick by branch order:
 * a vote exists to catch disagreement, and order would hide it.
 */
function decideVote(votes: readonly Vote[]): Combined {
  const [top, second] = votes;
  if (!top) return { ok: false, error: 'no branch returned a value to vote on', votes };
  if (second && second.count === top.count) {
    const tied = votes.filter((vote) => vote.count === top.count).length;
    return { ok: false, error: `vote tied: ${tied} values have ${top.count} votes each`, votes };
  }
  return { ok: true, value: top.value, votes };
}

function firstSuccess(successes: readonly Success[]): Combined {
  const first = successes.reduce<Success | undefined>(
    (best, s) => (best && best.rank < s.rank ? best : s),
    undefined,
  );
  return first ? { ok: true, value: first.value } : { ok: false, error: 'no branch succeeded' };
}
