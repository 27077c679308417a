/**
 * A client's answer to a request for input that is over the stdio line cap (10 MiB): the hub drops the line
 * unread, and the request it answered must fail at once, so the upstream's call ends with an error instead
 * of waiting for the request's timeout. A real hub, the conformance fixture at 2025-11-25 (its
 * `test_sampling` asks the client to sample), and an SDK client over the stdio face.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type CallToolResult, Client, ProtocolError } from '@modelcontextprotocol/client';
import { InProcessStdio } from '../src/testing/stdio-pair.ts';
import { createTestHub, type TestHub } from '../src/testing/test-hub.ts';
import { stdioFixture } from './fixtures/spawn.ts';

describe("a client's answer over the stdio line cap", () => {
  let testHub: TestHub;

  before(async () => {
    testHub = await createTestHub([{ name: 'legacy', ...stdioFixture('conformance', ['--era', 'legacy']) }]);
  });

  after(() => testHub?.close());

  it('fails the request it answered at once; the call ends with an error, and the connection serves on', async () => {
    const client = new Client(
      { name: 'oversized', version: '1' },
      { versionNegotiation: { mode: 'legacy' }, capabilities: { sampling: {} } },
    );
    let sampled = 0;
    client.setRequestHandler('sampling/createMessage', async () => {
      sampled++;
      const text = sampled === 1 ? 'x'.repeat(11 * 1024 * 1024) : 'small enough';
      return { role: 'assistant', model: 'test', content: { type: 'text', text } };
    });
    await client.connect(new InProcessStdio(testHub.hub));
    try {
      // Were the dropped answer not told apart, the hub's request would wait out its timeout (longer than
      // this call's), and the call would fail on the client's own timeout, as no answer of the hub's.
      const failed = await client
        .callTool({ name: 'legacy__test_sampling', arguments: { prompt: 'big' } }, { timeout: 20_000 })
        .then(
          (result) => result as CallToolResult,
          (error: unknown) => error,
        );
      if (failed instanceof ProtocolError) assert.match(failed.message, /over 10 MiB/);
      else {
        const result = failed as CallToolResult;
        assert.equal(result.isError, true, JSON.stringify(result).slice(0, 300));
        assert.match(JSON.stringify(result.content), /over 10 MiB/);
      }
      const fine = (await client.callTool(
        { name: 'legacy__test_sampling', arguments: { prompt: 'small' } },
        { timeout: 20_000 },
      )) as CallToolResult;
      assert.match(JSON.stringify(fine.content), /small enough/);
    } finally {
      await client.close();
    }
  });
});
