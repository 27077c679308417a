import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { affinity } from './affinity.ts';
import type { Candidate } from './strategy.ts';
import { candidates } from './testing.ts';

const KEYS = Array.from({ length: 600 }, (_, n) => `session-${n}`);

function placement(given: readonly Candidate[], strategy = affinity()): Map<string, string> {
  return new Map(KEYS.map((key) => [key, strategy.select(given, { key }).id]));
}

describe('affinity', () => {
  it('sends the same key to the same replica on every call', () => {
    const strategy = affinity();
    const given = candidates(4);
    const first = placement(given, strategy);
    for (let round = 0; round < 3; round++) assert.deepEqual(placement(given, strategy), first);
  });

  it('depends only on key and replica ids: same placement in any order', () => {
    const given = candidates(4);
    assert.deepEqual(placement([...given].reverse()), placement(given));
  });

  it('spreads keys over all replicas', () => {
    const perReplica = new Map<string, number>();
    for (const id of placement(candidates(3)).values()) perReplica.set(id, (perReplica.get(id) ?? 0) + 1);
    assert.equal(perReplica.size, 3);
    for (const count of perReplica.values())
      assert.ok(count > 150, `a replica got only ${count} of 600 keys`);
  });

  it('moves only the removed replica keys when one leaves, and exactly those back when it returns', () => {
    const all = candidates(4);
    const before = placement(all);
    const after = placement(all.filter((candidate) => candidate.id !== 's#2'));
    let moved = 0;
    for (const key of KEYS) {
      if (before.get(key) === 's#2') {
        moved++;
        assert.notEqual(after.get(key), 's#2');
      } else {
        assert.equal(after.get(key), before.get(key), `${key} moved although its replica stayed`);
      }
    }
    assert.ok(moved > 0);
    assert.deepEqual(placement(all), before);
  });

  it('spreads calls without a key in turn', () => {
    const strategy = affinity();
    const given = candidates(3);
    const ids = Array.from({ length: 6 }, () => strategy.select(given, {}).id);
    assert.deepEqual(ids, ['s#0', 's#1', 's#2', 's#0', 's#1', 's#2']);
  });
});
