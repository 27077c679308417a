import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtocolError } from '@modelcontextprotocol/server';
import { cursorOffset, pageAt } from './pagination.ts';

const items = Array.from({ length: 7 }, (_, i) => i);
const invalid = (error: unknown) => error instanceof ProtocolError && error.code === -32602;

/** One page as the hub serves it: the cursor read, then the page at its offset. */
function page(key: string, cursor: string | undefined, pageSize = 3) {
  return pageAt(
    items,
    () => key,
    cursorOffset(cursor, () => key, items.length, pageSize),
    pageSize,
  );
}

describe('pagination', () => {
  it('serves a short list in one page, without a cursor, and without asking for the key', () => {
    const key = () => assert.fail('the key is not needed');
    assert.deepEqual(pageAt(items, key, cursorOffset(undefined, key, items.length)), { items });
  });

  it('walks a long list page by page, each item exactly once', () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const result = page('k', cursor);
      seen.push(...result.items);
      cursor = result.nextCursor;
      pages += 1;
    } while (cursor);
    assert.deepEqual(seen, items);
    assert.equal(pages, 3);
  });

  it('refuses a cursor of another version of the list, and a malformed one, with -32602', () => {
    const first = page('v1', undefined);
    assert.ok(first.nextCursor);
    assert.deepEqual(page('v1', first.nextCursor).items, [3, 4, 5], 'same key: the walk goes on');
    for (const cursor of [first.nextCursor, 'not-a-cursor']) {
      assert.throws(() => page('v2', cursor), invalid);
    }
  });

  it('refuses a cursor the hub never issued: an offset that does not start a later page', () => {
    const forged = (offset: string) => Buffer.from(`k.${offset}`).toString('base64url');
    for (const offset of ['0', '1', '4', '9', '99999999999999999999']) {
      assert.throws(() => page('k', forged(offset)), invalid, `offset ${offset}`);
    }
    assert.deepEqual(page('k', forged('6')).items, [6]);
  });
});
