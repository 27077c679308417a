/**
 * The hub with real upstreams of every kind (our fixtures over stdio and HTTP, and the published
 * server-memory, server-filesystem and server-everything), reached by a real SDK client through both of
 * the hub's faces: Streamable HTTP (both protocol eras) and stdio (the CLI as a child process).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CallToolResult, Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { stringify } from 'yaml';
import { createTestHub, type TestHub, type TestServer } from '../src/testing/test-hub.ts';
import { TEST_HOME_ENV } from './faults/_helpers.ts';
import {
  fixturePath,
  type HttpFixture,
  nodeBin,
  startHttpFixture,
  startSseEverything,
} from './fixtures/spawn.ts';

const REPO = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

/** Absolute path of a published server's entry script. */
function packageBin(name: string): string {
  const manifest = require.resolve(`${name}/package.json`);
  const { bin } = require(manifest) as { bin: string | Record<string, string> };
  return resolve(dirname(manifest), typeof bin === 'string' ? bin : (Object.values(bin)[0] as string));
}

function text(result: CallToolResult): string {
  return result.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
}

/** One call per upstream, each proving the call reached that server and came back. */
async function callOneOfEach(client: Client, folder: string): Promise<void> {
  const echo = (await client.callTool({
    name: 'echo__echo',
    arguments: { text: 'via hub' },
  })) as CallToolResult;
  assert.equal(text(echo), 'via hub');
  const remote = (await client.callTool({
    name: 'remote__add',
    arguments: { a: 2, b: 40 },
  })) as CallToolResult;
  assert.equal(text(remote), '42');
  const graph = (await client.callTool({ name: 'memory__read_graph', arguments: {} })) as CallToolResult;
  assert.match(text(graph), /"entities"/);
  const files = (await client.callTool({
    name: 'files__list_directory',
    arguments: { path: folder },
  })) as CallToolResult;
  assert.match(text(files), /hello\.txt/);
  const sse = (await client.callTool({
    name: 'legacy__echo',
    arguments: { message: 'over sse' },
  })) as CallToolResult;
  assert.match(text(sse), /over sse/);
  const everything = (await client.callTool({
    name: 'everything__echo',
    arguments: { message: 'ping' },
  })) as CallToolResult;
  assert.match(text(everything), /ping/);
}

describe('the hub with six real upstreams over stdio, Streamable HTTP and SSE', () => {
  let folder: string;
  let remote: HttpFixture;
  let sse: { url: string; stop(): Promise<void> };
  let servers: TestServer[];
  let testHub: TestHub;

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'toolmesh-faces-'));
    writeFileSync(join(folder, 'hello.txt'), 'hello');
    remote = await startHttpFixture('echo', ['--name', 'remote-echo']);
    sse = await startSseEverything();
    servers = [
      { name: 'echo', command: nodeBin, args: [fixturePath('echo'), '--stdio'] },
      { name: 'remote', transport: 'http', url: remote.url },
      {
        name: 'memory',
        command: nodeBin,
        args: [packageBin('@modelcontextprotocol/server-memory')],
        env: { MEMORY_FILE_PATH: join(folder, 'memory.jsonl') },
      },
      {
        name: 'files',
        command: nodeBin,
        args: [packageBin('@modelcontextprotocol/server-filesystem'), folder],
      },
      {
        name: 'everything',
        command: nodeBin,
        args: [packageBin('@modelcontextprotocol/server-everything'), 'stdio'],
      },
      { name: 'legacy', transport: 'sse', url: sse.url },
    ];
    testHub = await createTestHub(servers, { http: true });
  });

  after(async () => {
    await testHub?.close();
    await remote?.stop();
    await sse?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('starts every server', () => {
    const states = testHub.hub.servers().map((s) => `${s.name}:${s.state}`);
    assert.deepEqual(states, [
      'echo:ready',
      'remote:ready',
      'memory:ready',
      'files:ready',
      'everything:ready',
      'legacy:ready',
    ]);
  });

  for (const mode of ['legacy', 'auto'] as const) {
    it(`serves the merged catalog over HTTP to a ${mode === 'auto' ? '2026-07-28' : '2025-11-25'} client`, async () => {
      const client = new Client({ name: 'test', version: '1' }, { versionNegotiation: { mode } });
      await client.connect(new StreamableHTTPClientTransport(new URL(testHub.http?.url ?? '')));
      try {
        const { tools } = await client.listTools();
        const names = tools.map((tool) => tool.name);
        for (const prefix of ['echo__', 'remote__', 'memory__', 'files__', 'everything__', 'legacy__']) {
          assert.ok(
            names.some((name) => name.startsWith(prefix)),
            `no tool from ${prefix}`,
          );
        }
        assert.ok(names.every((name) => /^[A-Za-z0-9_-]{1,64}$/.test(name)));
        await callOneOfEach(client, folder);
      } finally {
        await client.close();
      }
    });
  }

  it('routes prompts and resources to their owners', async () => {
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(testHub.http?.url ?? '')));
    try {
      const prompt = await client.getPrompt({ name: 'echo__greet', arguments: { name: 'Ada' } });
      assert.deepEqual(prompt.messages[0]?.content, { type: 'text', text: 'Hello, Ada!' });
      const readme = await client.readResource({ uri: 'fixture://echo/readme' });
      assert.equal(readme.contents[0]?.uri, 'fixture://echo/readme');
      const item = await client.readResource({ uri: 'fixture://echo/items/7' });
      assert.match(JSON.stringify(item.contents), /7/);
    } finally {
      await client.close();
    }
  });

  it('serves the same catalog over stdio (toolmesh serve --stdio as a child process)', async () => {
    const configFile = join(folder, 'toolmesh.yaml');
    const fileServers = Object.fromEntries(
      servers.map(({ name, ...rest }) => [
        name,
        rest.url
          ? { url: rest.url, type: rest.transport }
          : { command: rest.command, args: rest.args, env: rest.env },
      ]),
    );
    writeFileSync(configFile, stringify({ servers: fileServers }));
    const transport = new StdioClientTransport({
      command: nodeBin,
      args: [join(REPO, 'src/cli/main.ts'), 'serve', '--stdio', '--config', configFile],
      env: { ...TEST_HOME_ENV, TOOLMESH_LOG_LEVEL: 'warn' },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      assert.ok(tools.length >= 5 + 9 + 10);
      await callOneOfEach(client, folder);
    } finally {
      await client.close();
    }
  });
});
