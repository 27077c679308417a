import picomatch from 'picomatch';
import type { NameFilter } from '../config/model.ts';

/** A compiled allow/deny filter: true when `name` is served. */
export type NameTest = (name: string) => boolean;

const ALL: NameTest = () => true;
// Compiled once per filter object: the catalog is rebuilt on every list change.
const compiled = new WeakMap<NameFilter, NameTest>();

/**
 * The test for `filter`: a name is served when `allow` is empty or one of its globs matches, and no `deny`
 * glob matches (deny wins). Globs are picomatch's, matched against the whole name; `dot: true` because a
 * leading dot means nothing special in tool names, and `/` in a URI is matched by `**`, not `*`.
 */
export function nameTest(filter: NameFilter): NameTest {
  if (filter.allow.length === 0 && filter.deny.length === 0) return ALL;
  let test = compiled.get(filter);
  if (!test) {
    const allow = filter.allow.length ? picomatch(filter.allow, { dot: true }) : ALL;
    const deny = filter.deny.length ? picomatch(filter.deny, { dot: true }) : () => false;
    test = (name) => allow(name) && !deny(name);
    compiled.set(filter, test);
  }
  return test;
}
