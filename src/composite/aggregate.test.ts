import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { combine, concatValues, dedupeItems, pathValue, type Success, tallyVotes } from './aggregate.ts';

/** Successes in branch order, ranked by the order given in `finished` (default: branch order). */
function successes(values: unknown[], finished: number[] = values.map((_, i) => i)): Success[] {
  return values.map((value, i) => ({ id: `b${i}`, value, rank: finished[i] ?? i }));
}

describe('concat', () => {
  it('flattens lists one level and keeps other values whole, in order', () => {
    assert.deepEqual(concatValues([[1, 2], 'x', [[3]], { a: 1 }, []]), [1, 2, 'x', [3], { a: 1 }]);
  });

  it('combines in branch order, not in the order branches finished', () => {
    const combined = combine('concat', successes([['a'], ['b']], [1, 0]));
    assert.deepEqual(combined, { ok: true, value: ['a', 'b'] });
  });
});

describe('dedupe', () => {
  it('keeps the first item per key value, comparing values as JSON', () => {
    const items = [
      { id: 1, from: 'x' },
      { id: '1', from: 'y' },
      { id: 1, from: 'z' },
      { id: { k: 1, j: 2 }, from: 'x' },
      { id: { j: 2, k: 1 }, from: 'y' },
    ];
    assert.deepEqual(
      dedupeItems(items, 'id').map((item) => (item as { from: string }).from),
      ['x', 'y', 'x'],
    );
  });

  it('follows a dot path and keeps items that lack the field', () => {
    const items = [{ meta: { url: 'u' } }, { meta: { url: 'u' }, n: 2 }, { meta: {} }, 'text', { meta: {} }];
    assert.deepEqual(dedupeItems(items, 'meta.url'), [
      { meta: { url: 'u' } },
      { meta: {} },
      'text',
      { meta: {} },
    ]);
  });

  it('dedupes across branches after concatenating them', () => {
    const combined = combine(
      'dedupe',
      successes([
        [{ id: 'a' }, { id: 'b' }],
        [{ id: 'b', late: true }, { id: 'c' }],
      ]),
      'id',
    );
    assert.deepEqual(combined, { ok: true, value: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] });
  });
});

describe('pathValue', () => {
  it('reads nested fields and list indexes, undefined where the path leads nowhere', () => {
    const value = { a: { b: [{ c: 3 }] } };
    assert.equal(pathValue(value, 'a.b.0.c'), 3);
    assert.equal(pathValue(value, 'a.x.c'), undefined);
    assert.equal(pathValue('text', 'length'), undefined);
    assert.equal(pathValue(null, 'a'), undefined);
  });
});

describe('first-success', () => {
  it('takes the branch that succeeded first, whatever its place', () => {
    assert.deepEqual(combine('first-success', successes(['slow', 'fast'], [1, 0])), {
      ok: true,
      value: 'fast',
    });
  });

  it('fails without successes', () => {
    assert.equal(combine('first-success', []).ok, false);
  });
});

describe('vote', () => {
  it('counts values equal as canonical JSON, most votes first, and picks the majority', () => {
    const values = [{ x: 1, y: 2 }, 'other', { y: 2, x: 1 }];
    const combined = combine('vote', successes(values));
    assert.deepEqual(combined, {
      ok: true,
      value: { x: 1, y: 2 },
      votes: [
        { value: { x: 1, y: 2 }, count: 2, branches: ['b0', 'b2'] },
        { value: 'other', count: 1, branches: ['b1'] },
      ],
    });
  });

  it('a tie for the most votes is an error that keeps the votes', () => {
    const combined = combine('vote', successes(['a', 'b', 'a', 'b', 'c']));
    assert.equal(combined.ok, false);
    assert.equal(!combined.ok && combined.error, 'vote tied: 2 values have 2 votes each');
    assert.deepEqual(
      combined.votes?.map((vote) => vote.count),
      [2, 2, 1],
    );
  });

  it('one success is a unanimous vote; none is an error', () => {
    assert.deepEqual(combine('vote', successes([7])), {
      ok: true,
      value: 7,
      votes: [{ value: 7, count: 1, branches: ['b0'] }],
    });
    assert.equal(combine('vote', []).ok, false);
  });

  it('keeps branch order among values with equal counts', () => {
    assert.deepEqual(
      tallyVotes(successes(['z', 'y', 'y', 'x'])).map((vote) => vote.value),
      ['y', 'z', 'x'],
    );
  });
});
