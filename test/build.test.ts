import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CallToolResult, Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { bundleCli } from '../scripts/bundle.mjs';
import { startHttpFixture, startSseEverything, stdioFixture } from './fixtures/spawn.ts';

// What `npm install` builds and `toolmesh` then runs (scripts/build.mjs): a failed build is tolerated there
// (the sources run instead), so this is where a dependency that does not survive bundling shows up.
describe('the CLI bundle', () => {
  let dir: string;
  let main: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'toolmesh-bundle-'));
    await bundleCli(join(dir, 'cli'));
    main = join(dir, 'cli', 'main.js');
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is a few files with dependencies inside, not one per module', () => {
    const files = readdirSync(join(dir, 'cli'));
    assert.ok(files.includes('main.js'));
    assert.ok(files.length < 60, `${files.length} files`);
  });

  it('runs: --version, and serve --stdio answers through real servers over stdio, Streamable HTTP and SSE', async () => {
    const version = execFileSync(process.execPath, [main, '--version'], { encoding: 'utf8' }).trim();
    assert.match(version, /^\d+\.\d+\.\d+/);
    // HTTP upstreams load their client (undici) on first use: a chunk of its own that only a call reaches.
    const echoHttp = await startHttpFixture('echo');
    const everythingSse = await startSseEverything();
    const config = join(dir, 'toolmesh.yaml');
    const servers = {
      echo: stdioFixture('echo'),
      web: { url: echoHttp.url },
      legacy: { url: everythingSse.url, transport: 'sse' },
    };
    writeFileSync(config, JSON.stringify({ servers }));
    const client = new Client({ name: 'bundle-test', version: '1' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [main, 'serve', '--stdio', '--config', config],
        stderr: 'ignore',
        env: { ...process.env, TOOLMESH_HOME: dir } as Record<string, string>,
      }),
    );
    try {
      const { tools } = await client.listTools();
      assert.ok(tools.some((tool) => tool.name === 'echo__echo'));
      const result = (await client.callTool({
        name: 'echo__echo',
        arguments: { text: 'bundled' },
      })) as CallToolResult;
      assert.deepEqual(result.content, [{ type: 'text', text: 'bundled' }]);
      const overHttp = (await client.callTool({
        name: 'web__echo',
        arguments: { text: 'over http' },
      })) as CallToolResult;
      assert.deepEqual(overHttp.content, [{ type: 'text', text: 'over http' }]);
      const overSse = (await client.callTool({
        name: 'legacy__echo',
        arguments: { message: 'over sse' },
      })) as CallToolResult;
      assert.match(JSON.stringify(overSse.content), /over sse/);
    } finally {
      await client.close();
      await Promise.all([echoHttp.stop(), everythingSse.stop()]);
    }
  });
});
