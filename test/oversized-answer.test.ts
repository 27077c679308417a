/**
 * Requests for input and their answers over the stdio line cap (10 MiB), which the hub drops unread. A
 * client's oversized answer must fail the request it answered at once, and a server's oversized request
 * must be refused at once, so the call ends with an error instead of waiting for a timeout. A real hub, the
 * conformance and `big` fixtures at 2025-11-25 (where asking the client for input is a request of the
 * server's own), and SDK clients over the stdio face.
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

describe("a server's request over the stdio line cap", () => {
  let testHub: TestHub;

  before(async () => {
    // At 2025-11-25 the fixture's request for input is a request of its own, sent to the hub.
    testHub = await createTestHub([{ name: 'big', protocol: '2025-11-25', ...stdioFixture('big') }]);
  });

  after(() => testHub?.close());

  it("is refused at once, so its call ends with an error instead of at the server's timeout", async () => {
    const client = new Client(
      { name: 'asked', version: '1' },
      { versionNegotiation: { mode: 'legacy' }, capabilities: { sampling: {} } },
    );
    const asked: number[] = [];
    client.setRequestHandler('sampling/createMessage', async (request) => {
      const content = request.params.messages[0]?.content;
      asked.push(content && 'text' in content ? content.text.length : -1);
      return { role: 'assistant', model: 'test', content: { type: 'text', text: 'ok' } };
    });
    await client.connect(new InProcessStdio(testHub.hub));
    try {
      // Left waiting, the server's request would hold the call for the SDK's 60 s: the client's own 20 s
      // timeout would end it first, as no answer of the hub's.
      const failed = await client
        .callTool({ name: 'big__big_sample', arguments: { kb: 11 * 1024 } }, { timeout: 20_000 })
        .then(
          (result) => result as CallToolResult,
          (error: unknown) => error,
        );
      const said =
        failed instanceof ProtocolError ? failed.message : JSON.stringify((failed as CallToolResult).content);
      if (!(failed instanceof ProtocolError)) assert.equal((failed as CallToolResult).isError, true, said);
      assert.match(said, /over 10 MiB/);
      assert.deepEqual(asked, [], 'the oversized request never reached the client');
      const fine = (await client.callTool(
        { name: 'big__big_sample', arguments: { kb: 1 } },
        { timeout: 20_000 },
      )) as CallToolResult;
      assert.match(JSON.stringify(fine.content), /sampled/);
      assert.deepEqual(asked, [1024]);
    } finally {
      await client.close();
    }
  });
});
