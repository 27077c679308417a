/**
 * A server that asks the client for input many times at once during one call (the security note's bad
 * input 51: it would flood the user with dialogs). The hub lets at most 32 requests for input of one call
 * be open with its client and refuses the rest, so the call ends (as the server's own shim reports a
 * refused request: an error result) instead of every request reaching the client. A real hub, the `big`
 * fixture's `ask_many` reached at 2025-11-25 (the server sends each request itself) and at 2026-07-28 (it
 * answers with one `input_required` round, which the hub plays to a 2025-era client), and SDK clients on
 * the stdio face.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type CallToolResult, Client } from '@modelcontextprotocol/client';
import { InProcessStdio } from '../src/testing/stdio-pair.ts';
import { createTestHub, type TestHub } from '../src/testing/test-hub.ts';
import { stdioFixture } from './fixtures/spawn.ts';

describe('a server asking for input many times at once', () => {
  let testHub: TestHub;

  before(async () => {
    testHub = await createTestHub([
      { name: 'asks25', protocol: '2025-11-25', ...stdioFixture('big') },
      { name: 'asks26', protocol: '2026-07-28', ...stdioFixture('big') },
    ]);
  });

  after(() => testHub?.close());

  /**
   * A 2025-era client on the stdio face that answers every sampling request after a moment (as a person
   * would, later), and how many it got and had open at most at once.
   */
  async function samplingClient() {
    const client = new Client(
      { name: 'asked', version: '1' },
      { versionNegotiation: { mode: 'legacy' }, capabilities: { sampling: {} } },
    );
    const asked = { count: 0, open: 0, mostOpen: 0 };
    client.setRequestHandler('sampling/createMessage', async () => {
      asked.count += 1;
      asked.open += 1;
      asked.mostOpen = Math.max(asked.mostOpen, asked.open);
      await new Promise((resolve) => setTimeout(resolve, 20));
      asked.open -= 1;
      return { role: 'assistant', model: 'test', content: { type: 'text', text: 'ok' } };
    });
    await client.connect(new InProcessStdio(testHub.hub));
    return { client, asked };
  }

  const askMany = (client: Client, server: string, n: number) =>
    client.callTool(
      { name: `${server}__ask_many`, arguments: { n } },
      { timeout: 20_000 },
    ) as Promise<CallToolResult>;

  for (const server of ['asks25', 'asks26']) {
    it(`passes a few on, and refuses a flood so the call ends with an error (${server})`, async () => {
      const { client, asked } = await samplingClient();
      try {
        const few = await askMany(client, server, 3);
        assert.equal(few.isError, undefined, JSON.stringify(few));
        assert.match(JSON.stringify(few.content), /answered 3/);
        assert.equal(asked.count, 3);

        const flood = await askMany(client, server, 200);
        assert.equal(flood.isError, true, JSON.stringify(flood).slice(0, 300));
        assert.match(JSON.stringify(flood.content), /requests for input open with its client/);
        assert.ok(asked.mostOpen <= 32, `the client had ${asked.mostOpen} requests open at once`);
      } finally {
        await client.close();
      }
    });
  }
});
