import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nameTest } from './filter.ts';
import { foldName, revealHidden, stripHidden } from './text.ts';

describe('catalog text rules', () => {
  it('folds full-width forms, ligatures and case for comparison', () => {
    assert.equal(foldName('ＲＥＡＤ'), 'read');
    assert.equal(foldName('ﬁle'), 'file');
    assert.equal(foldName('Straße'), foldName('STRASSE'));
  });

  it('strips control, zero-width and bidi characters but keeps tabs and line breaks', () => {
    assert.equal(stripHidden('a\u0000b\u200bc\u202ed\ufeffe\u009bf\tg\nh'), 'abcdef\tg\nh');
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
