import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RetryBudget } from './retry-budget.ts';

describe('RetryBudget', () => {
  it('allows the floor, then a percentage of the requests of the last 10 s', () => {
    let now = 1_000_000;
    const budget = new RetryBudget(20, 1, () => now);
    // The floor: 1 per second over a 10 s window.
    const floor = Array.from({ length: 12 }, () => budget.tryRetry()).filter(Boolean).length;
    assert.equal(floor, 10);
    // 100 requests add 20 retries.
    for (let i = 0; i < 100; i++) budget.request();
    const more = Array.from({ length: 30 }, () => budget.tryRetry()).filter(Boolean).length;
    assert.equal(more, 20);
    // 10 s later the window is empty again: only the floor.
    now += 10_000;
    const later = Array.from({ length: 30 }, () => budget.tryRetry()).filter(Boolean).length;
    assert.equal(later, 10);
  });
});
