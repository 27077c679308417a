/**
 * Acceptance: clients hear of a catalog change only when what they are served changed. Two hubs share one
 * store file (as two `toolmesh` processes on one machine share ~/.toolmesh/toolmesh.db); when the second
 * starts, its writes make the first re-read the store and rebuild its catalog. That rebuild serves the same
 * tools: a client walking the pages goes on with its cursor and is not told to list again. A real change
 * (a new tool) is announced, and the old cursor is then refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, ProtocolError, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createTestHub } from '../src/testing/test-hub.ts';
import { tempDir, waitFor } from './faults/_helpers.ts';
import { stdioFixture } from './fixtures/spawn.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
before(async () => {
  tmp = await tempDir();
});
after(() => tmp.cleanup());

/** One page of tools/list (the SDK's listTools() without a cursor would walk every page itself). */
async function listPage(client: Client, cursor?: string) {
  return (await client.request({
    method: 'tools/list',
    params: cursor === undefined ? {} : { cursor },
  })) as { tools: { name: string }[]; nextCursor?: string };
}

describe('list changes', () => {
  it('a rebuild that serves the same lists is not announced and keeps cursors; a new tool is', async () => {
    const storePath = `${tmp.dir}/shared.db`;
    const first = await createTestHub([{ name: 'many', ...stdioFixture('many') }], { http: true, storePath });
    let changes = 0;
    const client = new Client(
      { name: 'pager', version: '1' },
      { listChanged: { tools: { autoRefresh: false, debounceMs: 0, onChanged: () => void changes++ } } },
    );
    await client.connect(new StreamableHTTPClientTransport(new URL(first.http?.url ?? '')));
    try {
      const page1 = await listPage(client);
      assert.equal(page1.tools.length, 500, '600 tools: a first page of 500');
      assert.ok(page1.nextCursor);

      const before = first.hub.catalog;
      const second = await createTestHub([{ name: 'echo', ...stdioFixture('echo') }], { storePath });
      try {
        await waitFor('the first hub to re-read the shared store', () => first.hub.catalog !== before, 5_000);
      } finally {
        await second.close();
      }
      await sleep(200); // well past the 25 ms in which changes are gathered into one announcement
      assert.equal(changes, 0, 'nothing the client is served changed: no list-changed');
      const page2 = await listPage(client, page1.nextCursor);
      assert.equal(page2.tools.length, 100, 'the walk goes on with the cursor of the first page');
      assert.equal(page2.nextCursor, undefined);

      first.hub.setLocalTools({
        name: '(extra)',
        tools: () => [{ name: 'added', inputSchema: { type: 'object' } }],
        call: async () => ({ content: [] }),
      });
      await waitFor('list-changed for the new tool', () => changes === 1, 5_000);
      const refused = await listPage(client, page1.nextCursor).then(
        () => undefined,
        (error: unknown) => error,
      );
      assert.ok(refused instanceof ProtocolError, String(refused));
      assert.equal(refused.code, -32602);
      assert.match(refused.message, /Cursor expired/);
    } finally {
      await client.close();
      await first.close();
    }
  });
});
