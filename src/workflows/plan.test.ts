import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CycleError, planSteps } from './plan.ts';

const graph = (edges: Record<string, string[]>) =>
  new Map(Object.entries(edges).map(([id, needs]) => [id, { needs }]));

describe('planner', () => {
  it('groups steps into topological levels and finds the critical path', () => {
    const plan = planSteps(graph({ a: [], b: [], c: ['a'], d: ['c', 'b'], e: ['b'] }));
    assert.deepEqual(plan.levels, [['a', 'b'], ['c', 'e'], ['d']]);
    assert.deepEqual(plan.criticalPath, ['a', 'c', 'd']);
    assert.deepEqual(plan.dependents.get('b'), ['d', 'e']);
    assert.deepEqual(plan.dependents.get('d'), []);
  });

  it('plans an empty workflow and a 100-step chain', () => {
    assert.deepEqual(planSteps(new Map()).levels, []);
    const chain = graph(
      Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`s${i}`, i ? [`s${i - 1}`] : []])),
    );
    const plan = planSteps(chain);
    assert.equal(plan.levels.length, 100);
    assert.equal(plan.criticalPath.length, 100);
  });

  it('reports a cycle with its steps', () => {
    assert.throws(
      () => planSteps(graph({ a: [], b: ['a', 'd'], c: ['b'], d: ['c'] })),
      (error: unknown) =>
        error instanceof CycleError &&
        /^steps form a cycle: (b → c → d → b|c → d → b → c|d → b → c → d)$/.test(error.message),
    );
  });
});
