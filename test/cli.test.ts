/**
 * The `toolmesh` CLI as a user runs it: a child process, real upstreams, output and exit codes checked.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { fixturePath, nodeBin } from './fixtures/spawn.ts';
import { REPO, stderrUntil, toolmesh } from './support/cli.ts';
import { INITIALIZED, initialize } from './support/handshake.ts';

const CLI = join(REPO, 'src/cli/main.ts');

const INITIALIZE = initialize('printf');
const TOOLS_LIST = { jsonrpc: '2.0', id: 2, method: 'tools/list' };
const lines = (...messages: object[]) => messages.map((m) => `${JSON.stringify(m)}\n`).join('');

describe('toolmesh CLI', () => {
  let dir: string;
  let claudeFile: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'toolmesh-cli-'));
    claudeFile = join(dir, 'claude_desktop_config.json');
    // Shaped exactly like Claude Desktop's file: app settings beside mcpServers, absolute paths.
    writeFileSync(
      claudeFile,
      JSON.stringify({
        globalShortcut: 'Alt+Space',
        mcpServers: {
          echo: { command: nodeBin, args: [fixturePath('echo'), '--stdio'] },
          flaky: { command: nodeBin, args: [fixturePath('flaky'), '--stdio', '--every', '1'] },
          big: { command: nodeBin, args: [fixturePath('big'), '--stdio'], env: { UNUSED: 'x' } },
        },
      }),
    );
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('answers initialize + tools/list piped into serve --stdio with a Claude Desktop file, and nothing else on stdout', async () => {
    const run = await toolmesh(['serve', '--stdio', '--config', claudeFile], {
      input: lines(INITIALIZE, INITIALIZED, TOOLS_LIST),
    });
    assert.equal(run.code, 0, run.stderr);
    const messages = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id?: number; result?: { tools?: { name: string }[] } });
    assert.deepEqual(
      messages.map((m) => m.id),
      [1, 2],
    );
    const names = messages[1]?.result?.tools?.map((tool) => tool.name) ?? [];
    assert.ok(names.includes('echo__echo') && names.includes('flaky__flaky') && names.includes('big__big'));
  });

  it('uses the example Claude Desktop file unchanged (servers run through npx)', async () => {
    const run = await toolmesh([
      'servers',
      '--json',
      '--config',
      'examples/claude-desktop/claude_desktop_config.json',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const servers = JSON.parse(run.stdout) as { name: string; state: string; tools: number }[];
    assert.deepEqual(
      servers.map((s) => [s.name, s.state]),
      [
        ['memory', 'ready'],
        ['filesystem', 'ready'],
        ['everything', 'ready'],
      ],
    );
    assert.ok(servers.every((s) => s.tools > 0));
  });

  it('lists servers and tools, as a table and as JSON', async () => {
    const table = await toolmesh(['servers', '--config', claudeFile]);
    assert.equal(table.code, 0);
    assert.match(table.stdout, /^NAME\s+STATE\s+TRANSPORT\s+TOOLS/);
    assert.match(table.stdout, /\necho\s+ready\s+stdio\s+4\b/);
    const tools = await toolmesh(['tools', '--json', '--config', claudeFile]);
    const list = JSON.parse(tools.stdout) as { name: string; server: string; original: string }[];
    assert.deepEqual(
      list.find((t) => t.name === 'echo__add'),
      { ...list.find((t) => t.name === 'echo__add'), server: 'echo', original: 'add' },
    );
  });

  it('calls a tool with typed key=value arguments and reports tool errors by exit code', async () => {
    const sum = await toolmesh(['call', 'echo__add', 'a=2', 'b=40', '--config', claudeFile]);
    assert.equal(sum.code, 0, sum.stderr);
    assert.equal(sum.stdout.trim(), '42');
    const json = await toolmesh([
      'call',
      'echo__echo',
      '--args',
      '{"text":"hi"}',
      '--json',
      '--config',
      claudeFile,
    ]);
    assert.deepEqual(JSON.parse(json.stdout).structuredContent, { text: 'hi' });
    const failed = await toolmesh(['call', 'echo__fail', 'message=nope', '--config', claudeFile]);
    assert.equal(failed.code, 5);
    assert.equal(failed.stdout.trim(), 'nope');
    const unknown = await toolmesh(['call', 'echo__missing', '--config', claudeFile]);
    assert.equal(unknown.code, 5);
    assert.match(unknown.stderr, /unknown tool: echo__missing/);
    const usage = await toolmesh(['call', 'echo__add', 'a=notanumber', '--config', claudeFile]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /a must be a number/);
  });

  it("reports an upstream's JSON-RPC error with the server name and exit code 5", async () => {
    const run = await toolmesh(['call', 'flaky__flaky', '--config', claudeFile]);
    assert.equal(run.code, 5, run.stderr);
    assert.match(run.stderr, /UPSTREAM_ERROR \(server "flaky"\): flaky failure 1/);
  });

  it('prints a result the server got wrong as the JSON it is, and fails at once on an answer that is not JSON-RPC', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(
      file,
      JSON.stringify({ servers: { broken: { command: nodeBin, args: [fixturePath('broken')] } } }),
    );
    const junk = await toolmesh(['call', 'broken__do', 'mode=content-junk', '--config', file]);
    assert.equal(junk.code, 0, junk.stderr);
    assert.deepEqual(JSON.parse(junk.stdout), { content: [5, null, { text: 'no type' }] });
    const text = await toolmesh(['call', 'broken__do', 'mode=content-string', '--config', file]);
    assert.deepEqual(JSON.parse(text.stdout), { content: 'not a list' });
    const sloppy = await toolmesh(['call', 'broken__do', 'mode=no-jsonrpc', '--config', file]);
    assert.equal(sloppy.code, 5, sloppy.stderr);
    assert.match(sloppy.stderr, /UPSTREAM_ERROR \(server "broken"\): the answer is not JSON-RPC 2\.0/);
  });

  it('blames a server that failed to start, with exit code 4', async () => {
    const file = join(dir, 'ghost.yaml');
    writeFileSync(file, 'servers:\n  ghost:\n    command: toolmesh-no-such-command\n');
    const run = await toolmesh(['call', 'ghost__anything', '--config', file]);
    assert.equal(run.code, 4, run.stderr);
    assert.match(
      run.stderr,
      /UPSTREAM_UNAVAILABLE \(server "ghost"\): .*command not found: toolmesh-no-such-command/,
    );
  });

  it("exits 4 as well when none of a server's replicas could start (NO_HEALTHY_REPLICA)", async () => {
    const file = join(dir, 'ghosts.yaml');
    writeFileSync(
      file,
      'servers:\n  ghost:\n    replicas:\n      - command: toolmesh-no-such-command\n      - command: toolmesh-none-either\n',
    );
    const run = await toolmesh(['call', 'ghost__anything', '--config', file]);
    assert.equal(run.code, 4, run.stderr);
    assert.match(run.stderr, /NO_HEALTHY_REPLICA \(server "ghost"\): .*no healthy replica/);
  });

  it('validate: a broken file exits 3 naming the file, the field and the fix', async () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'servers:\n  github:\n    comand: npx\n');
    const run = await toolmesh(['validate', '--config', broken]);
    assert.equal(run.code, 3);
    assert.ok(run.stderr.includes(broken), run.stderr);
    assert.match(run.stderr, /servers\.github\.comand/);
    assert.match(run.stderr, /Fix: .*command/);
    const good = await toolmesh(['validate', '--config', claudeFile]);
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout, /valid \(3 servers/);
  });

  it('serve on a port in use exits 1, saying so and how to pick another', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as AddressInfo;
      const run = await toolmesh(['serve', '--port', String(port), '--config', claudeFile]);
      assert.equal(run.code, 1, run.stderr);
      assert.match(
        run.stderr,
        new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: .*address already in use`),
      );
      assert.match(run.stderr, /pick a free port with --port or `listen\.port`/);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('rejects unknown commands and flags with exit code 2', async () => {
    assert.equal((await toolmesh(['frobnicate'])).code, 2);
    const flag = await toolmesh(['servers', '--frob']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /toolmesh servers --help/);
  });

  it('serve starts itself again in place with lean malloc settings, unless the user set one', async () => {
    const config = join(mkdtempSync(join(tmpdir(), 'toolmesh-malloc-')), 'toolmesh.yaml');
    writeFileSync(
      config,
      `servers:\n  echo: { command: ${JSON.stringify(nodeBin)}, args: [${JSON.stringify(fixturePath('echo'))}, --stdio] }\n`,
    );
    /** The environment of `serve` once it listens: the same process it was started as, pid and arguments. */
    const servedWith = async (env: NodeJS.ProcessEnv): Promise<Map<string, string>> => {
      const args = [CLI, 'serve', '--port', '0', '--config', config];
      const child = spawn(nodeBin, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
      try {
        await stderrUntil(child, /"url":"/);
        const read = (file: string) => readFileSync(`/proc/${child.pid}/${file}`, 'utf8').split('\0');
        assert.deepEqual(read('cmdline').filter(Boolean), [nodeBin, ...args]);
        return new Map(
          read('environ').map((line) => [line.split('=')[0] ?? '', line.slice(line.indexOf('=') + 1)]),
        );
      } finally {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        await exited;
      }
    };
    const lean = await servedWith({
      ...process.env,
      MALLOC_ARENA_MAX: undefined,
      MALLOC_TRIM_THRESHOLD_: undefined,
    });
    assert.equal(lean.get('MALLOC_ARENA_MAX'), '2');
    assert.equal(lean.get('MALLOC_TRIM_THRESHOLD_'), '131072');
    const chosen = await servedWith({
      ...process.env,
      MALLOC_ARENA_MAX: '8',
      MALLOC_TRIM_THRESHOLD_: undefined,
    });
    assert.equal(chosen.get('MALLOC_ARENA_MAX'), '8');
    assert.equal(chosen.has('MALLOC_TRIM_THRESHOLD_'), false);
  });

  it('serves the built-in demo over HTTP when no config exists (what npm start runs)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'toolmesh-demo-'));
    const child = spawn(nodeBin, [CLI, 'serve', '--port', '0'], {
      cwd: empty,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      const [, url = ''] = await stderrUntil(child, /"url":"([^"]+)"/);
      const base = url.replace(/\/mcp$/, '');
      assert.deepEqual(await (await fetch(`${base}/healthz`)).json(), { status: 'ok' });
      const client = new Client({ name: 'test', version: '1' });
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      const { tools } = await client.listTools();
      const prefixed = tools.filter((tool) => tool.name.includes('__'));
      const servers = new Set(prefixed.map((tool) => tool.name.split('__')[0]));
      assert.deepEqual([...servers].sort(), ['echo', 'files', 'memory']);
      // The hub's own tools: the demo's workflow and composite, unprefixed.
      const own = tools.filter((tool) => !tool.name.includes('__')).map((tool) => tool.name);
      assert.deepEqual(own.sort(), ['find_anywhere', 'remember_note']);
      const ready = await fetch(`${base}/readyz`);
      assert.equal(ready.status, 200);
      for (const name of ['echo__add', 'memory__read_graph', 'files__list_allowed_directories']) {
        const result = await client.callTool({ name, arguments: name === 'echo__add' ? { a: 1, b: 2 } : {} });
        assert.notEqual(result.isError, true, name);
      }
      await client.close();
    } finally {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
