/**
 * Acceptance: shaping the catalog of a real server (@modelcontextprotocol/server-filesystem) with
 * allow/deny globs, a rename and title/description overrides. Hidden tools are not listed and cannot be
 * called (UNKNOWN_TOOL); annotations show in `toolmesh tools`.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, ProtocolError, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { DEFAULT_SERVER_CATALOG } from '../src/config/model.ts';
import { createTestHub, type TestHub } from '../src/testing/test-hub.ts';
import { runCli, tempDir, textOf } from './faults/_helpers.ts';
import { nodeBin } from './fixtures/spawn.ts';

const filesystem = createRequire(import.meta.url).resolve(
  '@modelcontextprotocol/server-filesystem/dist/index.js',
);

describe('shaping a real server', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let testHub: TestHub;
  let client: Client;

  before(async () => {
    tmp = await tempDir();
    await tmp.write('note.txt', 'hello');
    const catalog = {
      ...DEFAULT_SERVER_CATALOG,
      tools: { allow: ['read_*', 'list_*'], deny: ['read_media_file', '*_with_sizes'] },
      overrides: new Map([
        ['read_text_file', { name: 'read_note', title: 'Read a note', description: 'Reads one text file.' }],
        ['list_directory', { description: 'Lists a folder.' }],
      ]),
    };
    testHub = await createTestHub([{ name: 'fs', command: nodeBin, args: [filesystem, tmp.dir], catalog }], {
      http: true,
    });
    client = new Client({ name: 'test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(testHub.http?.url ?? '')));
  });
  after(async () => {
    await client.close();
    await testHub.close();
    await tmp.cleanup();
  });

  it('lists only allowed tools, with the rename and overrides applied', async () => {
    const tools = new Map((await client.listTools()).tools.map((t) => [t.name, t]));
    assert.deepEqual([...tools.keys()].sort(), [
      'fs__list_allowed_directories',
      'fs__list_directory',
      'fs__read_file',
      'fs__read_multiple_files',
      'read_note',
    ]);
    assert.equal(tools.get('read_note')?.title, 'Read a note');
    assert.equal(tools.get('read_note')?.description, 'Reads one text file.');
    assert.deepEqual(tools.get('read_note')?.annotations, { readOnlyHint: true, openWorldHint: false });
    assert.equal(tools.get('fs__list_directory')?.description, 'Lists a folder.');
  });

  it('calls a renamed tool by its new name, with the server getting its own name', async () => {
    const result = await client.callTool({
      name: 'read_note',
      arguments: { path: join(tmp.dir, 'note.txt') },
    });
    assert.equal(textOf(result), 'hello');
  });

  for (const hidden of ['fs__write_file', 'fs__read_media_file', 'fs__read_text_file']) {
    it(`refuses ${hidden} as an unknown tool`, async () => {
      const error = await client
        .callTool({ name: hidden, arguments: { path: 'x', content: 'x' } })
        .catch((e) => e);
      assert.ok(error instanceof ProtocolError, String(error));
      assert.equal((error.data as { code: string }).code, 'UNKNOWN_TOOL');
    });
  }

  it('shows annotations in toolmesh tools (table and --json)', async () => {
    const file = await tmp.write(
      'toolmesh.yaml',
      [
        `store: { path: ${JSON.stringify(join(tmp.dir, 'hub.db'))} }`,
        'servers:',
        '  fs:',
        `    command: ${JSON.stringify(nodeBin)}`,
        `    args: ${JSON.stringify([filesystem, tmp.dir])}`,
        '    tools: { allow: [read_text_file, write_file] }',
        '',
      ].join('\n'),
    );
    const table = await runCli(['tools', '--config', file], { cwd: tmp.dir });
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^NAME\s+SERVER\s+ANNOTATIONS\s+DESCRIPTION$/m);
    assert.match(table.stdout, /^fs__read_text_file\s+fs\s+read-only\s+Read/m);
    assert.match(table.stdout, /^fs__write_file\s+fs\s+destructive,idempotent\s/m);
    const json = await runCli(['tools', '--json', '--config', file], { cwd: tmp.dir });
    const tools = JSON.parse(json.stdout) as { name: string; annotations?: unknown }[];
    assert.deepEqual(tools.find((t) => t.name === 'fs__read_text_file')?.annotations, {
      readOnlyHint: true,
      openWorldHint: false,
    });
  });
});
