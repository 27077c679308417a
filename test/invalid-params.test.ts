/**
 * Bad input gets a clear error: a request whose params do not fit its method is -32602 (Invalid params)
 * naming the field, on both faces and in both eras, never -32603 (Internal error) and never a schema dump.
 * The SDK answered -32603 for every method but `tools/call`, and dumped zod's issues as JSON in the message
 * (src/server/hub-server.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, ProtocolError, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { InProcessStdio } from '../src/testing/stdio-pair.ts';
import { createTestHub, type TestHub } from '../src/testing/test-hub.ts';
import { stdioFixture } from './fixtures/spawn.ts';

const BAD: { method: string; params: Record<string, unknown>; field: string; prefix?: string }[] = [
  { method: 'tools/call', params: { name: 5 }, field: 'params.name', prefix: 'Invalid tools/call request' },
  { method: 'prompts/get', params: { name: 5 }, field: 'params.name' },
  { method: 'resources/read', params: {}, field: 'params.uri' },
  { method: 'tools/list', params: { cursor: 5 }, field: 'params.cursor' },
  { method: 'resources/templates/list', params: { cursor: true }, field: 'params.cursor' },
];

describe('params that do not fit the method', () => {
  let testHub: TestHub;
  before(async () => {
    testHub = await createTestHub([{ name: 'conf', ...stdioFixture('conformance', ['--era', 'legacy']) }], {
      http: true,
    });
  });
  after(() => testHub?.close());

  for (const face of ['HTTP', 'stdio'] as const) {
    for (const era of ['legacy', 'auto'] as const) {
      it(`are -32602 naming the field (${face}, ${era === 'legacy' ? '2025-11-25' : '2026-07-28'})`, async () => {
        const client = new Client({ name: 'sloppy', version: '1' }, { versionNegotiation: { mode: era } });
        await client.connect(
          face === 'HTTP'
            ? new StreamableHTTPClientTransport(new URL(testHub.http?.url ?? ''))
            : new InProcessStdio(testHub.hub),
        );
        try {
          for (const { method, params, field, prefix = `Invalid params for ${method}` } of BAD) {
            const error = await client.request({ method, params } as never).then(
              () => undefined,
              (reason: unknown) => reason,
            );
            assert.ok(error instanceof ProtocolError, `${method}: ${String(error)}`);
            assert.equal(error.code, -32602, `${method}: ${error.message}`);
            assert.ok(error.message.startsWith(`${prefix}: ${field}: `), error.message);
            assert.doesNotMatch(error.message, /"code"|invalid_type/, 'words, not a schema dump');
          }
          // A good request on the same connection is still answered.
          assert.ok((await client.listTools()).tools.length > 0);
        } finally {
          await client.close();
        }
      });
    }
  }
});
