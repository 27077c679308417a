/**
 * Composites may call composites, but not in a loop: a composite that reaches itself through its
 * branches would fan out without end. Found by name, before anything is served.
 */
import type { CompositeConfig } from '../config/orchestration.ts';

/** A loop of composite names (`['a', 'b', 'a']`), or undefined when there is none. */
export function compositeCycle(composites: readonly CompositeConfig[]): string[] | undefined {
  const calls = new Map(composites.map((c) => [c.name, [...new Set(c.branches.map((b) => b.tool))]]));
  const done = new Set<string>();
  const visit = (name: string, path: string[]): string[] | undefined => {
    const at = path.indexOf(name);
    if (at >= 0) return [...path.slice(at), name];
    if (done.has(name) || !calls.has(name)) return undefined;
    for (const next of calls.get(name) ?? []) {
      const cycle = visit(next, [...path, name]);
      if (cycle) return cycle;
    }
    done.add(name);
    return undefined;
  };
  for (const name of calls.keys()) {
    const cycle = visit(name, []);
    if (cycle) return cycle;
  }
  return undefined;
}
