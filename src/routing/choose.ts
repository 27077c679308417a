/** Small selection helpers shared by the strategies, so each strategy file says only what it prefers. */

/**
 * The items whose `score` is lowest (all of them on a tie), in their given order.
 * @returns an empty array only for empty input.
 */
export function lowest<T>(items: readonly T[], score: (item: T) => number): T[] {
  let best = Number.POSITIVE_INFINITY;
  let found: T[] = [];
  for (const item of items) {
    const value = score(item);
    if (value < best) {
      best = value;
      found = [item];
    } else if (value === best) {
      found.push(item);
    }
  }
  return found;
}

/**
 * One of `items` uniformly at random.
 * @param random uniform in [0, 1)
 * @throws Error when `items` is empty (a caller bug: strategies always have a candidate).
 */
export function randomOf<T>(items: readonly T[], random: () => number): T {
  if (items.length === 0) throw new Error('randomOf: no items');
  return items[Math.min(items.length - 1, Math.floor(random() * items.length))] as T;
}

/**
 * Two distinct items drawn uniformly at random (for power-of-two-choices: comparing two random replicas
 * instead of ranking all keeps equally good replicas on equal shares despite noise).
 * @throws Error when fewer than two items are given.
 */
export function twoOf<T>(items: readonly T[], random: () => number): readonly [T, T] {
  if (items.length < 2) throw new Error('twoOf: fewer than two items');
  const first = Math.min(items.length - 1, Math.floor(random() * items.length));
  let second = Math.min(items.length - 2, Math.floor(random() * (items.length - 1)));
  if (second >= first) second += 1;
  return [items[first], items[second]] as [T, T];
}
