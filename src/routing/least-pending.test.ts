import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { leastPending } from './least-pending.ts';
import { candidates } from './testing.ts';

describe('least-pending', () => {
  it('picks the replica with the fewest calls in flight', () => {
    const strategy = leastPending();
    const given = candidates(3).map((c, i) => ({ ...c, pending: [4, 1, 3][i] as number }));
    for (let call = 0; call < 5; call++) assert.equal(strategy.select(given, {}).id, 's#1');
  });

  it('takes tied replicas in turn instead of always the first', () => {
    const strategy = leastPending();
    const given = candidates(4).map((c, i) => ({ ...c, pending: [0, 2, 0, 0][i] as number }));
    const counts = new Map<string, number>();
    for (let call = 0; call < 30; call++) {
      const id = strategy.select(given, {}).id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    assert.deepEqual(Object.fromEntries(counts), { 's#0': 10, 's#2': 10, 's#3': 10 });
  });

  it('spreads concurrent calls evenly when each call adds to its replica pending count', () => {
    const strategy = leastPending();
    const given = candidates(3);
    for (let call = 0; call < 9; call++) {
      const chosen = strategy.select(given, {});
      given[chosen.index] = { ...chosen, pending: chosen.pending + 1 };
    }
    assert.deepEqual(
      given.map((c) => c.pending),
      [3, 3, 3],
    );
  });
});
