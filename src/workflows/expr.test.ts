// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ }} is the workflow template syntax under test
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileExpression, fromCel, toCel } from './expr.ts';
import { compileTemplate, TemplateError } from './template.ts';

const scope = toCel({
  inputs: { n: 2, ratio: 0.5, names: ['a', 'b'] },
  steps: { fetch: { status: 'succeeded', result: { id: 7, tags: ['x'] } } },
}) as Record<string, unknown>;

describe('CEL expressions', () => {
  it('finds the variable paths an expression reads, but not macro-bound names', () => {
    const expr = compileExpression(
      'steps.fetch.result.id + inputs["n"] > 0 && inputs.names.all(x, x != "") && has(steps.b.result.k) && steps.c.result[i].z',
    );
    assert.deepEqual(expr.refs, [
      ['steps', 'fetch', 'result', 'id'],
      ['inputs', 'n'],
      ['inputs', 'names'],
      ['steps', 'b', 'result', 'k'],
      ['steps', 'c', 'result'],
      ['i'],
    ]);
  });

  it('treats whole JSON numbers as int and others as double, and returns JSON', () => {
    assert.equal(compileExpression('inputs.n + 1').evaluate(scope), 3);
    assert.equal(compileExpression('inputs.ratio * 2.0').evaluate(scope), 1);
    assert.deepEqual(compileExpression('{"id": steps.fetch.result.id, "list": [1, "a"]}').evaluate(scope), {
      id: 7,
      list: [1, 'a'],
    });
    assert.deepEqual(fromCel(toCel({ a: [1, 1.5, null, true] })), { a: [1, 1.5, null, true] });
  });

  it('rejects invalid CEL at compile time and reports evaluation errors with the expression', () => {
    assert.throws(() => compileExpression('1 +'), /Unexpected token/);
    assert.throws(
      () => compileExpression('inputs.missing').evaluate(scope),
      /No such key: missing in \$\{\{ inputs.missing \}\}/,
    );
  });

  it('cannot reach JavaScript internals', () => {
    assert.throws(() => compileExpression('inputs.constructor').evaluate(scope), /No such key/);
    assert.throws(() => compileExpression('inputs.__proto__').evaluate(scope), /No such key/);
  });
});

describe('templates', () => {
  it('keeps the type of a lone expression and interpolates text otherwise', () => {
    const template = compileTemplate({
      id: '${{ steps.fetch.result.id }}',
      label: 'item-${{ steps.fetch.result.id }} of ${{ inputs.names }}',
      nested: [{ tags: '${{steps.fetch.result.tags}}' }, 'plain', 3],
    });
    assert.equal(template.literal, false);
    assert.deepEqual(template.render(scope), {
      id: 7,
      label: 'item-7 of ["a","b"]',
      nested: [{ tags: ['x'] }, 'plain', 3],
    });
    assert.deepEqual(
      template.expressions.map((e) => e.path),
      [['id'], ['label'], ['label'], ['nested', 0, 'tags']],
    );
  });

  it('is literal without expressions and names the field of a bad one', () => {
    assert.equal(compileTemplate({ a: 'b', c: [1] }).literal, true);
    assert.throws(
      () => compileTemplate({ user: { email: 'x ${{ ) }}' } }),
      (error: unknown) => error instanceof TemplateError && error.path.join('.') === 'user.email',
    );
  });
});
