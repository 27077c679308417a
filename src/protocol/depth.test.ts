import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nestedDeeperThan } from './depth.ts';

/** An array `depth` levels deep: `depth` 1 is `[]`. */
function nested(depth: number): unknown {
  let value: unknown[] = [];
  for (let level = 1; level < depth; level += 1) value = [value];
  return value;
}

describe('nestedDeeperThan', () => {
  it('counts arrays and objects alike, up to the limit and not beyond', () => {
    assert.equal(nestedDeeperThan(nested(3), 3), false);
    assert.equal(nestedDeeperThan(nested(4), 3), true);
    assert.equal(nestedDeeperThan({ a: { b: { c: 1 } } }, 3), false);
    assert.equal(nestedDeeperThan({ a: { b: { c: {} } } }, 3), true);
    assert.equal(nestedDeeperThan({ content: [{ type: 'text', text: 'x' }] }, 3), false);
  });

  it('scalars are no depth; a deep branch anywhere counts', () => {
    assert.equal(nestedDeeperThan('text', 0), false);
    assert.equal(nestedDeeperThan(null, 0), false);
    assert.equal(nestedDeeperThan({ flat: 1, deep: [nested(1_001)] }), true);
    assert.equal(nestedDeeperThan({ flat: 1, deep: nested(999) }), false);
  });

  it('a result far deeper than the stack allows to write is answered without overflowing', () => {
    const deep = nested(200_000);
    assert.throws(() => JSON.stringify(deep), RangeError);
    assert.equal(nestedDeeperThan(deep), true);
  });
});
