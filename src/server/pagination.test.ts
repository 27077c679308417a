import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtocolError } from '@modelcontextprotocol/server';
import { page } from './pagination.ts';

const items = Array.from({ length: 7 }, (_, i) => i);

describe('page', () => {
  it('serves a short list in one page, without a cursor', () => {
    assert.deepEqual(page(items, {}, undefined), { items });
  });

  it('walks a long list page by page, each item exactly once', () => {
    const snapshot = {};
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const result = page(items, snapshot, cursor, 3);
      seen.push(...result.items);
      cursor = result.nextCursor;
      pages += 1;
    } while (cursor);
    assert.deepEqual(seen, items);
    assert.equal(pages, 3);
  });

  it('refuses a cursor from another snapshot, and a malformed one, with -32602', () => {
    const first = page(items, {}, undefined, 3);
    assert.ok(first.nextCursor);
    for (const cursor of [first.nextCursor, 'not-a-cursor']) {
      assert.throws(
        () => page(items, {}, cursor, 3),
        (error: unknown) => error instanceof ProtocolError && error.code === -32602,
      );
    }
  });
});
