import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtocolError } from '@modelcontextprotocol/server';
import { page } from './pagination.ts';

const items = Array.from({ length: 7 }, (_, i) => i);

describe('page', () => {
  it('serves a short list in one page, without a cursor, and without asking for the key', () => {
    const key = () => assert.fail('the key is not needed');
    assert.deepEqual(page(items, key, undefined), { items });
  });

  it('walks a long list page by page, each item exactly once', () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const result = page(items, () => 'k', cursor, 3);
      seen.push(...result.items);
      cursor = result.nextCursor;
      pages += 1;
    } while (cursor);
    assert.deepEqual(seen, items);
    assert.equal(pages, 3);
  });

  it('refuses a cursor of another version of the list, and a malformed one, with -32602', () => {
    const first = page(items, () => 'v1', undefined, 3);
    assert.ok(first.nextCursor);
    assert.deepEqual(
      page(items, () => 'v1', first.nextCursor, 3).items,
      [3, 4, 5],
      'same key: the walk goes on',
    );
    for (const cursor of [first.nextCursor, 'not-a-cursor']) {
      assert.throws(
        () => page(items, () => 'v2', cursor, 3),
        (error: unknown) => error instanceof ProtocolError && error.code === -32602,
      );
    }
  });
});
