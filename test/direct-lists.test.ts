/**
 * On a 2025-era connection the hub answers plain list requests beside the SDK (`DirectAnswers`), and leaves
 * every other list request to the SDK's handlers. Both must answer alike: each list request is sent twice,
 * once plain and once with a param the direct path does not take (so the SDK answers it), and the two
 * answers compared, page by page, for all four lists, over stdio and an HTTP session. Real fixtures: 600
 * tools (two pages), and the conformance server's prompts, resources and templates.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, ProtocolError, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { InProcessStdio } from '../src/testing/stdio-pair.ts';
import { createTestHub, type TestHub } from '../src/testing/test-hub.ts';
import { waitForTool } from './faults/_helpers.ts';
import { stdioFixture } from './fixtures/spawn.ts';

const LISTS = [
  ['tools/list', 'tools'],
  ['prompts/list', 'prompts'],
  ['resources/list', 'resources'],
  ['resources/templates/list', 'resourceTemplates'],
] as const;

type Page = Record<string, unknown[]> & { nextCursor?: string };

describe('list requests answered beside the SDK', () => {
  let testHub: TestHub;

  before(async () => {
    testHub = await createTestHub(
      [
        { name: 'many', ...stdioFixture('many') },
        { name: 'conf', ...stdioFixture('conformance', ['--era', 'legacy']) },
      ],
      { http: true },
    );
    // The conformance server adds a tool 2 s after it starts: wait for it, so the catalog holds still while
    // the two answers to each request are compared.
    await waitForTool(testHub.hub, 'conf__test_dynamic_tool');
  });
  after(() => testHub?.close());

  for (const face of ['HTTP', 'stdio'] as const) {
    it(`answer as the SDK does, page by page, with the same errors (${face})`, async () => {
      const client = new Client({ name: 'lister', version: '1' });
      await client.connect(
        face === 'HTTP'
          ? new StreamableHTTPClientTransport(new URL(testHub.http?.url ?? ''))
          : new InProcessStdio(testHub.hub),
      );
      try {
        const list = (method: (typeof LISTS)[number][0], params: Record<string, unknown>) =>
          client.request({ method, params }) as Promise<Page>;
        for (const [method, field] of LISTS) {
          let cursor: string | undefined;
          let items = 0;
          let pages = 0;
          do {
            const params = cursor === undefined ? {} : { cursor };
            const direct = await list(method, params);
            // An unknown key: the direct path leaves the request to the SDK, which ignores the key.
            const throughSdk = await list(method, { ...params, unknownKey: true });
            assert.deepEqual(direct, throughSdk, `${method}, page ${pages + 1}`);
            items += direct[field]?.length ?? 0;
            cursor = direct.nextCursor;
            pages += 1;
          } while (cursor);
          assert.ok(items > 0, `${method}: something listed`);
          if (method === 'tools/list') assert.equal(pages, 2, 'over 500 tools: two pages');
        }
        // A malformed cursor is -32602, and so is one that is not a string (left to the SDK on both paths).
        for (const cursor of ['not-a-cursor', 42]) {
          const errors = await Promise.all(
            [{ cursor }, { cursor, unknownKey: true }].map((params) =>
              list('tools/list', params).then(
                () => undefined,
                (error: unknown) => error,
              ),
            ),
          );
          const [direct, throughSdk] = errors.map((error) => {
            assert.ok(error instanceof ProtocolError, String(error));
            return { code: error.code, message: error.message };
          });
          assert.deepEqual(direct, throughSdk, `cursor ${JSON.stringify(cursor)}: the same error`);
          assert.equal(direct?.code, -32602);
        }
      } finally {
        await client.close();
      }
    });
  }
});
