import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resultValue } from './tool-call.ts';

const text = (value: string) => ({ content: [{ type: 'text', text: value }] });

describe('resultValue', () => {
  it('reads JSON text as JSON and any other text as text', () => {
    assert.deepEqual(resultValue(text('{"rows": [1, 2]}'), 't'), { rows: [1, 2] });
    assert.deepEqual(resultValue(text(' [1]'), 't'), [1]);
    assert.equal(resultValue(text('-4.5'), 't'), -4.5);
    assert.equal(resultValue(text('"quoted"'), 't'), 'quoted');
    assert.equal(resultValue(text('true'), 't'), true);
    assert.equal(resultValue(text('null'), 't'), null);
    assert.equal(resultValue(text('slept 50'), 't'), 'slept 50');
    assert.equal(resultValue(text('nothing to see'), 't'), 'nothing to see');
    assert.equal(resultValue(text('{not json'), 't'), '{not json');
  });

  it('joins text blocks, prefers structuredContent, and fails on isError naming the tool', () => {
    const two = {
      content: [
        ...text('a').content,
        { type: 'image', data: '', mimeType: 'image/png' },
        ...text('b').content,
      ],
    };
    assert.equal(resultValue(two, 't'), 'a\nb');
    assert.deepEqual(resultValue({ ...text('x'), structuredContent: { n: 1 } }, 't'), { n: 1 });
    assert.throws(
      () => resultValue({ ...text('boom'), isError: true }, 'db__query', 'db'),
      /db__query returned an error: boom/,
    );
  });
});
