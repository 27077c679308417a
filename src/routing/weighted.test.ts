import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Candidate } from './strategy.ts';
import { candidates } from './testing.ts';
import { weighted } from './weighted.ts';

function picks(given: readonly Candidate[], calls: number, strategy = weighted()): string[] {
  return Array.from({ length: calls }, () => strategy.select(given, {}).id);
}

function counts(ids: readonly string[]): Record<string, number> {
  const found: Record<string, number> = {};
  for (const id of ids) found[id] = (found[id] ?? 0) + 1;
  return found;
}

describe('weighted', () => {
  it('gives each replica exactly its weight in every cycle of sum(weights) calls', () => {
    const given = candidates(3, [5, 1, 2]);
    const ids = picks(given, 8 * 25);
    for (let cycle = 0; cycle < 25; cycle++) {
      assert.deepEqual(counts(ids.slice(cycle * 8, cycle * 8 + 8)), { 's#0': 5, 's#1': 1, 's#2': 2 });
    }
  });

  it('interleaves the heavy replica instead of sending it a burst (nginx smooth order)', () => {
    assert.deepEqual(picks(candidates(3, [5, 1, 1]), 7), ['s#0', 's#0', 's#1', 's#0', 's#2', 's#0', 's#0']);
  });

  it('is exact again from the first full cycle after the candidate set changes', () => {
    const strategy = weighted();
    const all = candidates(3, [3, 2, 1]);
    picks(all, 4, strategy); // mid-cycle
    const rest = all.slice(1);
    assert.deepEqual(counts(picks(rest, 3, strategy)), { 's#1': 2, 's#2': 1 });
    assert.deepEqual(counts(picks(all, 6, strategy)), { 's#0': 3, 's#1': 2, 's#2': 1 });
  });

  it('never picks a zero-weight replica while another has weight, and shares equally if none has', () => {
    assert.deepEqual(counts(picks(candidates(3, [0, 1, 3]), 8)), { 's#1': 2, 's#2': 6 });
    assert.deepEqual(counts(picks(candidates(2, [0, 0]), 6)), { 's#0': 3, 's#1': 3 });
  });
});
