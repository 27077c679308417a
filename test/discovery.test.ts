/**
 * Progressive discovery on a large catalog: 20 fixture servers (one per service of `_vocabulary.ts`) give
 * 1,000+ tools. `search_tools` must put the right tool in its top 3 for 20 requests phrased as a user
 * would; a client with a 40-tool limit gets only the meta-tools (whichever protocol era it speaks, as the
 * name comes from `initialize` or from each request's `_meta`); `call_tool` takes the normal call path.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  Client,
  ProtocolError,
  StreamableHTTPClientTransport,
  type Tool,
} from '@modelcontextprotocol/client';
import type { CatalogCost } from '../src/cli/commands/tool-stats.ts';
import type { HubConfig } from '../src/config/model.ts';
import { Hub } from '../src/hub.ts';
import type { Interceptor } from '../src/pipeline/call.ts';
import { serveHttp } from '../src/server/http.ts';
import { createTestHub, type TestHub, testServerConfig } from '../src/testing/test-hub.ts';
import { QUERIES } from './discovery/queries.ts';
import { runCli, tempDir, textOf } from './faults/_helpers.ts';
import { DOMAINS } from './fixtures/servers/_vocabulary.ts';
import { fixturePath, nodeBin } from './fixtures/spawn.ts';

const META = ['search_tools', 'describe_tool', 'call_tool'];

describe('progressive discovery over 20 servers and 1,000+ tools', () => {
  let testHub: TestHub;
  const clients: Client[] = [];

  async function connect(name: string, mode: 'legacy' | 'auto' = 'legacy'): Promise<Client> {
    const client = new Client({ name, version: '1' }, { versionNegotiation: { mode } });
    await client.connect(new StreamableHTTPClientTransport(new URL(testHub.http?.url ?? '')));
    clients.push(client);
    return client;
  }

  async function allTools(client: Client): Promise<Tool[]> {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor === undefined ? {} : { cursor });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    return tools;
  }

  before(async () => {
    testHub = await createTestHub(
      Object.keys(DOMAINS).map((domain) => ({
        name: domain,
        command: nodeBin,
        args: [fixturePath('many'), '--stdio', '--domain', domain],
        timeouts: { startupMs: 120_000, callMs: 60_000 }, // 20 processes starting at once on 2 shared cores
      })),
      {
        http: true,
        discovery: {
          mode: 'full',
          clients: [
            { match: 'Cursor*', maxTools: 40 },
            { match: 'agent-meta', mode: 'meta' },
            { match: 'agent-both', mode: 'both' },
          ],
        },
      },
    );
  });
  after(async () => {
    for (const client of clients) await client.close();
    await testHub?.close();
  });

  it('serves 20 ready servers and 1,000+ tools in full to a client without a rule', async () => {
    const states = testHub.hub.servers().map((s) => `${s.name}:${s.state}`);
    assert.equal(states.filter((s) => s.endsWith(':ready')).length, 20, states.join(' '));
    const tools = await allTools(await connect('some-client'));
    assert.ok(tools.length >= 1000, `${tools.length} tools`);
    assert.ok(!tools.some((tool) => META.includes(tool.name)));
  });

  for (const mode of ['legacy', 'auto'] as const) {
    it(`gives a client with a 40-tool limit only the meta-tools (${mode === 'auto' ? '2026' : '2025'} era)`, async () => {
      const client = await connect('Cursor', mode);
      assert.deepEqual(
        (await allTools(client)).map((tool) => tool.name),
        META,
      );
      const found = await client.callTool({ name: 'search_tools', arguments: { query: 'refund a payment' } });
      assert.match(textOf(found), /stripe__refund_payment/);
    });
  }

  it('lists the meta-tools first, then every tool, in mode both', async () => {
    const tools = await allTools(await connect('agent-both'));
    assert.deepEqual(
      tools.slice(0, 3).map((tool) => tool.name),
      META,
    );
    assert.equal(tools.length, testHub.hub.catalog.tools.size + 3);
  });

  it('finds the right tool in the top 3 for each of 20 requests phrased as a user would', async () => {
    const client = await connect('agent-meta');
    const misses: string[] = [];
    for (const { query, expect } of QUERIES) {
      const result = await client.callTool({ name: 'search_tools', arguments: { query, limit: 3 } });
      const hits = (result.structuredContent as { tools: { name: string }[] }).tools.map((hit) => hit.name);
      assert.ok(hits.length <= 3);
      if (!hits.some((name) => expect.includes(name))) misses.push(`"${query}" → ${hits.join(', ')}`);
    }
    assert.equal(QUERIES.length, 20);
    assert.deepEqual(misses, []);
  });

  it('describes a tool in full, and reports an unknown one as a tool error', async () => {
    const client = await connect('agent-meta');
    const described = await client.callTool({
      name: 'describe_tool',
      arguments: { name: 'github__merge_pull_request' },
    });
    const { tool, server } = described.structuredContent as { tool: Tool; server: string };
    assert.equal(server, 'github');
    assert.equal(tool.name, 'github__merge_pull_request');
    assert.ok(tool.description?.includes('Merge'));
    assert.ok(Object.keys((tool.inputSchema.properties ?? {}) as object).includes('pull_request_id'));
    const unknown = await client.callTool({ name: 'describe_tool', arguments: { name: 'nope__nothing' } });
    assert.equal(unknown.isError, true);
    const noQuery = await client.callTool({ name: 'search_tools', arguments: {} });
    assert.equal(noQuery.isError, true);
  });

  it('calls a tool through call_tool on the normal call path, errors included', async () => {
    const client = await connect('agent-meta');
    const result = await client.callTool({
      name: 'call_tool',
      arguments: { name: 'stripe__refund_payment', arguments: { payment_id: 'pi_1', amount: '500' } },
    });
    assert.equal(textOf(result), 'refund_payment called with {"payment_id":"pi_1","amount":"500"}');
    // An unknown name gets the same error as a direct call: UNKNOWN_TOOL from the dispatcher.
    const error = await client
      .callTool({ name: 'call_tool', arguments: { name: 'stripe__nothing', arguments: {} } })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(error instanceof ProtocolError, String(error));
    assert.equal((error.data as { code?: string }).code, 'UNKNOWN_TOOL');
    // Calling a catalog tool by its served name still works for a meta-mode client.
    const direct = await client.callTool({
      name: 'weather__daily_forecast',
      arguments: { forecast_id: 'x', location: 'Berlin' },
    });
    assert.match(textOf(direct), /^daily_forecast called with/);
  });
});

describe('call_tool goes through the pipeline', () => {
  it('passes the interceptors (every policy applies) and relays progress to the caller', async () => {
    const seen: string[] = [];
    const recorder: Interceptor = (next) => (call) => {
      seen.push(`${call.method} ${String(call.params.name)}`);
      return next(call);
    };
    const config: HubConfig = {
      servers: [testServerConfig({ name: 'slow', command: nodeBin, args: [fixturePath('slow'), '--stdio'] })],
      listen: { host: '127.0.0.1', port: 0, allowedHosts: [] },
      discovery: { mode: 'meta', clients: [] },
      file: '<test>',
      format: 'toolmesh',
      warnings: [],
    };
    const hub = new Hub(config, { interceptors: [recorder] });
    const http = await serveHttp(hub, { host: '127.0.0.1', port: 0 });
    const client = new Client({ name: 'x', version: '1' });
    try {
      await hub.start();
      await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
      const progress: number[] = [];
      const result = await client.callTool(
        { name: 'call_tool', arguments: { name: 'slow__sleep', arguments: { ms: 250 } } },
        { onprogress: (p) => void progress.push(p.progress) },
      );
      assert.equal(textOf(result), 'slept 250');
      assert.deepEqual(seen, ['tools/call slow__sleep']);
      assert.ok(progress.length >= 1, 'progress reached the caller of call_tool');
      // search and describe are answered by the hub itself: they never reach the pipeline.
      await client.callTool({ name: 'search_tools', arguments: { query: 'wait' } });
      assert.equal(seen.length, 1);
    } finally {
      await client.close();
      await http.close();
      await hub.stop();
    }
  });
});

describe('toolmesh tools --stats', () => {
  it('reports estimated tokens per server, per mode and per client rule', async () => {
    const dir = await tempDir();
    try {
      const server = (domain: string) =>
        `  ${domain}:\n    command: ${JSON.stringify(nodeBin)}\n    args: ${JSON.stringify([fixturePath('many'), '--stdio', '--domain', domain])}`;
      const file = await dir.write(
        'toolmesh.yaml',
        `servers:\n${server('github')}\n${server('weather')}\ndiscovery:\n  clients:\n    - match: "Cursor*"\n      maxTools: 40\n`,
      );
      const run = await runCli(['tools', '--stats', '--json', '--config', file], {
        cwd: dir.dir,
        timeoutMs: 60_000,
      });
      assert.equal(run.code, 0, run.stderr);
      const stats = JSON.parse(run.stdout) as CatalogCost;
      assert.deepEqual(
        stats.servers.map((s) => s.server),
        ['github', 'weather'],
      );
      const github = stats.servers[0];
      assert.ok(github && github.tools > 40 && github.tokens > github.tools * 20, JSON.stringify(github));
      const cost = (mode: string) => stats.modes.find((m) => m.mode === mode);
      const total = stats.servers.reduce((sum, s) => sum + s.tokens, 0);
      assert.equal(cost('full')?.tokens, total);
      assert.ok((cost('meta')?.tokens ?? 0) > 0 && (cost('meta')?.tokens ?? 0) < total / 10);
      assert.equal(cost('both')?.tokens, total + (cost('meta')?.tokens ?? 0));
      assert.deepEqual(
        stats.clients.map((c) => [c.match, c.mode]),
        [
          ['Cursor*', 'meta'],
          ['(any other client)', 'full'],
        ],
      );
      assert.match(stats.estimate, /4 characters per token/);
      const table = await runCli(['tools', '--stats', '--config', file], { cwd: dir.dir, timeoutMs: 60_000 });
      assert.match(table.stdout, /^SERVER\s+TOOLS\s+TOKENS$/m);
      assert.match(table.stdout, /^meta\s+3\s+\d/m);
    } finally {
      await dir.cleanup();
    }
  });
});
