import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { argumentsFromPairs } from './coerce.ts';
import { CliError } from './exit-codes.ts';

const schema = {
  type: 'object',
  properties: {
    a: { type: 'number' },
    n: { type: 'integer' },
    on: { type: 'boolean' },
    tags: { type: 'array' },
    text: { type: 'string' },
  },
};

describe('argumentsFromPairs', () => {
  it('coerces by the declared type and keeps strings as strings', () => {
    const args = argumentsFromPairs(['a=1.5', 'n=3', 'on=true', 'tags=["x"]', 'text=42', 'other=7'], schema);
    assert.deepEqual(args, { a: 1.5, n: 3, on: true, tags: ['x'], text: '42', other: '7' });
  });

  it('lets a repeated key override the earlier one', () => {
    assert.deepEqual(argumentsFromPairs(['a=1', 'a=2'], schema), { a: 2 });
  });

  it('keeps everything after the first = in the value', () => {
    assert.deepEqual(argumentsFromPairs(['text=a=b'], schema), { text: 'a=b' });
  });

  it('rejects values that do not fit the declared type, and words without =', () => {
    assert.throws(() => argumentsFromPairs(['a=abc'], schema), CliError);
    assert.throws(() => argumentsFromPairs(['on=yes'], schema), CliError);
    assert.throws(() => argumentsFromPairs(['tags=[oops'], schema), CliError);
    assert.throws(() => argumentsFromPairs(['novalue'], schema), CliError);
  });

  it('points a JSON object given as a word to --args', () => {
    assert.throws(() => argumentsFromPairs(['{"text":"hi"}'], schema), {
      message: `expected key=value, got "{"text":"hi"}"; for a JSON object use --args '{"text":"hi"}'`,
    });
    assert.throws(() => argumentsFromPairs(['novalue'], schema), {
      message: 'expected key=value, got "novalue"',
    });
  });

  it('does not let __proto__ change the prototype', () => {
    const args = argumentsFromPairs(['__proto__=x'], schema);
    assert.equal(Object.getPrototypeOf(args), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(args, '__proto__')?.value, 'x');
  });
});
