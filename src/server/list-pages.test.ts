import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtocolError } from '@modelcontextprotocol/server';
import { buildCatalog, type Catalog } from '../catalog/catalog.ts';
import type { DiscoveryConfig } from '../config/discovery.ts';
import { EMPTY_LISTS } from '../upstream/lists.ts';
import { ListPages } from './list-pages.ts';

/** A catalog of one server with `count` tools (fresh objects each time, as a rebuild makes). */
function catalogOf(count: number): Catalog {
  const tools = Array.from({ length: count }, (_, i) => ({
    name: `tool_${i}`,
    inputSchema: { type: 'object' as const },
  }));
  return buildCatalog([{ name: 's', prefix: false, lists: { ...EMPTY_LISTS, tools } }]);
}

const metaForCursor: DiscoveryConfig = { mode: 'full', clients: [{ match: 'cursor', mode: 'meta' }] };

describe('ListPages', () => {
  it('makes each page once per snapshot: every client asking for it gets the same object', () => {
    const pages = new ListPages();
    const snapshot = catalogOf(700);
    const first = pages.page(snapshot, undefined, 'tools/list', undefined, 'a');
    assert.equal(first.tools.length, 500);
    assert.ok(first.nextCursor);
    assert.equal(pages.page(snapshot, undefined, 'tools/list', undefined, 'b'), first);
    const second = pages.page(snapshot, undefined, 'tools/list', first.nextCursor);
    assert.equal(second.tools.length, 200);
    assert.equal(pages.page(snapshot, undefined, 'tools/list', first.nextCursor), second);
    // Another spelling of the same cursor (base64 padding) is the same page, not one more kept.
    assert.equal(pages.page(snapshot, undefined, 'tools/list', `${first.nextCursor}==`), second);
  });

  it('makes a page per discovery mode, and new pages for a new snapshot, where old cursors still work if the list is the same', () => {
    const pages = new ListPages();
    const snapshot = catalogOf(700);
    const full = pages.page(snapshot, metaForCursor, 'tools/list', undefined, 'claude');
    const meta = pages.page(snapshot, metaForCursor, 'tools/list', undefined, 'cursor');
    assert.notEqual(full, meta);
    assert.deepEqual(
      meta.tools.map((tool) => tool.name),
      ['search_tools', 'describe_tool', 'call_tool'],
    );
    const rebuilt = catalogOf(700);
    const again = pages.page(rebuilt, metaForCursor, 'tools/list', undefined, 'claude');
    assert.notEqual(again, full, 'a new snapshot has its own pages');
    assert.deepEqual(again, full);
    assert.equal(pages.page(rebuilt, undefined, 'tools/list', full.nextCursor).tools.length, 200);
  });

  it('refuses a bad cursor each time, and keeps no page for it', () => {
    const pages = new ListPages();
    const snapshot = catalogOf(700);
    for (let i = 0; i < 2; i++) {
      assert.throws(
        () => pages.page(snapshot, undefined, 'tools/list', 'not-a-cursor'),
        (error: unknown) => error instanceof ProtocolError && error.code === -32602,
      );
    }
    const changed = pages.page(catalogOf(701), undefined, 'tools/list', undefined);
    assert.throws(
      () => pages.page(snapshot, undefined, 'tools/list', changed.nextCursor),
      (error: unknown) => error instanceof ProtocolError && /Cursor expired/.test(error.message),
    );
  });
});
