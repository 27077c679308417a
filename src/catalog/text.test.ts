import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nameTest } from './filter.ts';
import { cleanTexts, foldName, revealHidden, stripHidden } from './text.ts';

describe('catalog text rules', () => {
  it('folds full-width forms, ligatures and case for comparison', () => {
    assert.equal(foldName('ＲＥＡＤ'), 'read');
    assert.equal(foldName('ﬁle'), 'file');
    assert.equal(foldName('Straße'), foldName('STRASSE'));
  });

  it('strips control, zero-width and bidi characters but keeps tabs and line breaks', () => {
    assert.equal(stripHidden('a\u0000b\u200bc\u202ed\ufeffe\u009bf\tg\nh'), 'abcdef\tg\nh');
  });

  it('cleans titles and descriptions at any depth, and leaves clean objects untouched', () => {
    const schema = { type: 'object', properties: { path: { type: 'string', description: 'Pa\u200bth' } } };
    const tool = {
      name: 'x',
      description: 'ok',
      inputSchema: schema,
      arguments: [{ description: '\u202eA' }],
    };
    const cleaned = cleanTexts(tool);
    assert.equal(cleaned.inputSchema.properties.path.description, 'Path');
    assert.equal(cleaned.arguments[0]?.description, 'A');
    assert.equal(tool.inputSchema.properties.path.description, 'Pa\u200bth', 'the input is not changed');
    const clean = { name: 'y', inputSchema: { type: 'object' } };
    assert.equal(cleanTexts(clean), clean);
    const proto = JSON.parse('{"__proto__": {"description": "a\\u200b"}}');
    assert.equal(Object.getPrototypeOf(cleanTexts(proto)), Object.prototype);
  });

  it('shows hidden characters as escapes for reviewers', () => {
    assert.equal(revealHidden('a\u200bb\u001b[8m'), 'a\\u{200b}b\\u{001b}[8m');
  });

  it('matches globs on whole names and URIs; deny wins; no lists allow everything', () => {
    const test = nameTest({ allow: ['read_*', 'file:///docs/**'], deny: ['*_secret'] });
    assert.equal(test('read_file'), true);
    assert.equal(test('read_secret'), false);
    assert.equal(test('write_file'), false);
    assert.equal(test('file:///docs/a/b.md'), true);
    assert.equal(nameTest({ allow: [], deny: [] })('anything'), true);
  });
});
