/**
 * An HTTP upstream that answers over 10 MiB (the security note's bad inputs 53 and 54): the `big` fixture
 * served over Streamable HTTP by the SDK, reached at both protocol eras. The call fails at once with an
 * error naming the server, as a stdio server's oversized line does, instead of the hub taking the answer
 * whole; the next call on the same server works.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { HubError } from '../src/errors.ts';
import { createTestHub, type TestHub } from '../src/testing/test-hub.ts';
import { type HttpFixture, startHttpFixture } from './fixtures/spawn.ts';

const ERAS = { big25: '2025-11-25', big26: '2026-07-28' } as const;

describe('an HTTP upstream answering over 10 MiB', () => {
  let big: HttpFixture;
  let testHub: TestHub;

  before(async () => {
    big = await startHttpFixture('big');
    const servers = Object.entries(ERAS).map(([name, protocol]) => ({ name, url: big.url, protocol }));
    testHub = await createTestHub(servers);
  });

  after(async () => {
    await testHub?.close();
    await big?.stop();
  });

  const callBig = (server: string, kb: number) =>
    testHub.hub.call({
      method: 'tools/call',
      params: { name: `${server}__big`, arguments: { kb } },
      signal: AbortSignal.timeout(30_000),
    }) as Promise<CallToolResult>;

  for (const [server, era] of Object.entries(ERAS)) {
    it(`fails the call naming the server, and serves on (${era})`, async () => {
      const error = await callBig(server, 10 * 1024 + 64).then(
        (result) => assert.fail(`took an answer of ${JSON.stringify(result).length} characters`),
        (reason: unknown) => reason,
      );
      assert.ok(HubError.is(error), String(error));
      assert.equal(error.code, 'UPSTREAM_ERROR');
      assert.equal(error.server, server);
      assert.match(error.message, /over 10 MiB and was dropped/);
      const small = await callBig(server, 1);
      assert.equal((small.content[0] as { text: string }).text.length, 1024);
    });
  }
});
