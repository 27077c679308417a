/**
 * The planner: turns the step graph into topological levels and a critical path, once per workflow.
 * Kahn's algorithm, O(steps + edges); a 100-step workflow plans in microseconds (bench/workflow-plan.ts).
 */

/** What planning needs from a step. */
export interface PlanNode {
  readonly needs: readonly string[];
}

export interface Plan {
  /** Level 0 needs nothing; every step of level n needs at least one step of level n - 1. */
  readonly levels: readonly (readonly string[])[];
  /** For each step, the steps that need it. */
  readonly dependents: ReadonlyMap<string, readonly string[]>;
  /** The longest chain of dependent steps (counted in steps), first to last. */
  readonly criticalPath: readonly string[];
}

/** Thrown when the steps form a cycle; `cycle` lists it, first step repeated at the end. */
export class CycleError extends Error {
  override name = 'CycleError';
  readonly cycle: readonly string[];
  constructor(cycle: string[]) {
    super(`steps form a cycle: ${cycle.join(' → ')}`);
    this.cycle = cycle;
  }
}

/**
 * Plans `steps` (by id). Needs naming unknown steps must have been rejected before (validation does).
 * @throws CycleError when the dependencies form a cycle.
 */
export function planSteps(steps: ReadonlyMap<string, PlanNode>): Plan {
  const dependents = new Map<string, string[]>();
  const waiting = new Map<string, number>();
  for (const [id, step] of steps) {
    waiting.set(id, step.needs.length);
    if (!dependents.has(id)) dependents.set(id, []);
    for (const need of step.needs) {
      const list = dependents.get(need);
      if (list) list.push(id);
      else dependents.set(need, [id]);
    }
  }
  const depth = new Map<string, number>();
  const via = new Map<string, string>();
  const levels: string[][] = [];
  let current = [...steps.keys()].filter((id) => waiting.get(id) === 0);
  while (current.length > 0) {
    levels.push(current);
    const next: string[] = [];
    for (const id of current) {
      const d = (depth.get(id) ?? 0) + 1;
      for (const dependent of dependents.get(id) ?? []) {
        if (d > (depth.get(dependent) ?? 0)) {
          depth.set(dependent, d);
          via.set(dependent, id);
        }
        const left = (waiting.get(dependent) ?? 0) - 1;
        waiting.set(dependent, left);
        if (left === 0) next.push(dependent);
      }
    }
    current = next;
  }
  const placed = levels.reduce((n, level) => n + level.length, 0);
  if (placed < steps.size) throw new CycleError(findCycle(steps, waiting));
  return { levels, dependents, criticalPath: longestChain(levels, depth, via) };
}

function longestChain(levels: string[][], depth: Map<string, number>, via: Map<string, string>): string[] {
  let end: string | undefined;
  for (const id of levels.at(-1) ?? [])
    if (end === undefined || (depth.get(id) ?? 0) > (depth.get(end) ?? 0)) end = id;
  const path: string[] = [];
  for (let id = end; id !== undefined; id = via.get(id)) path.push(id);
  return path.reverse();
}

/** Walks `needs` from a step that never became ready until a step repeats: that loop is a cycle. */
function findCycle(steps: ReadonlyMap<string, PlanNode>, waiting: Map<string, number>): string[] {
  const stuck = (id: string) => (waiting.get(id) ?? 0) > 0;
  let id = [...steps.keys()].find(stuck) ?? '';
  const seen = new Map<string, number>();
  const trail: string[] = [];
  while (!seen.has(id)) {
    seen.set(id, trail.length);
    trail.push(id);
    id = steps.get(id)?.needs.find(stuck) ?? id;
  }
  return [...trail.slice(seen.get(id)), id].reverse();
}
