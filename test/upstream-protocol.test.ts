import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { createTestHub, type TestHub } from '../src/testing/test-hub.ts';
import { type HttpFixture, startHttpFixture, stdioFixture } from './fixtures/spawn.ts';

// `protocol:` per server: which MCP revision the hub speaks to it (docs/config.md, "Protocol revision").
describe('protocol: the revision spoken to each upstream', () => {
  let testHub: TestHub;
  let modernHttp: HttpFixture;

  before(async () => {
    modernHttp = await startHttpFixture('echo');
    testHub = await createTestHub([
      { name: 'auto', ...stdioFixture('echo') },
      { name: 'pinned', ...stdioFixture('echo'), protocol: '2025-11-25' },
      { name: 'pinnedhttp', transport: 'http', url: modernHttp.url, protocol: '2025-11-25' },
      { name: 'required', ...stdioFixture('echo'), protocol: '2026-07-28' },
      { name: 'refused', ...stdioFixture('conformance', ['--era', 'legacy']), protocol: '2026-07-28' },
    ]);
  });

  after(async () => {
    await testHub?.close();
    await modernHttp?.stop();
  });

  const serverNamed = (name: string) => testHub.hub.servers().find((server) => server.name === name);

  it('auto speaks 2026-07-28 to a server that offers it; 2025-11-25 keeps to the initialize handshake', () => {
    assert.equal(serverNamed('auto')?.protocolVersion, '2026-07-28');
    assert.equal(serverNamed('pinned')?.protocolVersion, '2025-11-25');
    assert.equal(serverNamed('pinnedhttp')?.protocolVersion, '2025-11-25');
    assert.equal(serverNamed('required')?.protocolVersion, '2026-07-28');
  });

  it('calls go through on a server held to 2025-11-25, over stdio and HTTP', async () => {
    for (const name of ['pinned__echo', 'pinnedhttp__echo']) {
      const result = (await testHub.hub.call({
        method: 'tools/call',
        params: { name, arguments: { text: `via ${name}` } },
        signal: AbortSignal.timeout(30_000),
      })) as CallToolResult;
      assert.deepEqual(result.content, [{ type: 'text', text: `via ${name}` }]);
    }
  });

  it('a required 2026-07-28 the server does not offer fails at once, naming the field, without retries', () => {
    const refused = serverNamed('refused');
    assert.equal(refused?.state, 'failed');
    assert.equal(refused?.restarts, 0);
    assert.match(
      refused?.lastError ?? '',
      /^the server does not speak protocol 2026-07-28, which servers\.refused\.protocol requires \(remove protocol to let the hub fall back to 2025-11-25\)/,
    );
  });
});
