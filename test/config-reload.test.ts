/**
 * Config hot reload through the real CLI (`toolmesh serve --config FILE`): an edit restarts only the
 * servers whose entries changed, connected clients are told the tool list changed, an editor-style save
 * (write a temp file, rename it over) is seen too, and an edit that does not load keeps the last good
 * config and logs the file, the field and the fix.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { ServerStatus } from '../src/hub.ts';
import {
  CLI,
  childPids,
  closedPort,
  killSurvivors,
  stdioHub,
  tempDir,
  waitFor,
  yamlStdioServer,
} from './faults/_helpers.ts';
import { fixturePath, nodeBin } from './fixtures/spawn.ts';

const ECHO = fixturePath('echo');
const config = (servers: string[]) => `servers:\n${servers.join('\n')}\n`;
const server = (name: string, extra: string[] = []) =>
  yamlStdioServer(name, ECHO, [`# ${name}`, ...extra]).replace(
    `args: ${JSON.stringify([ECHO, '--stdio'])}`,
    `args: ${JSON.stringify([ECHO, '--stdio', '--name', name])}`,
  );

describe('config hot reload (toolmesh serve --config FILE)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let file: string;
  let hub: ChildProcess;
  let stderr = '';
  let base: string;
  let client: Client;
  let changes = 0;
  const servers = async () =>
    ((await (await fetch(`${base}/api/v1/servers`)).json()) as { servers: ServerStatus[] }).servers;
  const pidOf = async (name: string) => (await servers()).find((s) => s.name === name)?.pid;
  const tools = async () => (await client.listTools()).tools.map((tool) => tool.name).sort();
  /** Waits for the hub to log a failed reload after stderr offset `logged`; returns that log line. */
  const reloadFailureAfter = async (logged: number) => {
    const failure = () =>
      stderr
        .slice(logged)
        .split('\n')
        .find((line) => line.includes('config reload failed'));
    return waitFor('the reload error in the log', failure, 20_000);
  };

  before(async () => {
    dir = await tempDir();
    file = await dir.write('toolmesh.yaml', config([server('a'), server('b')]));
    const port = await closedPort();
    base = `http://127.0.0.1:${port}`;
    hub = spawn(nodeBin, [CLI, 'serve', '--config', file, '--port', String(port)], {
      cwd: dir.dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    hub.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    await waitFor(
      'the hub to be ready',
      async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.ok,
      30_000,
    );
    client = new Client(
      { name: 'reload-test', version: '1' },
      { listChanged: { tools: { autoRefresh: false, debounceMs: 0, onChanged: () => void changes++ } } },
    );
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`)));
  });
  after(async () => {
    await client?.close();
    const pids = (await servers().catch(() => [])).flatMap((s) => (s.pid ? [s.pid] : []));
    if (hub && hub.exitCode === null) {
      hub.kill('SIGTERM');
      await once(hub, 'exit');
    }
    killSurvivors(pids);
    await dir?.cleanup();
  });

  it('restarts only the changed server, starts the added one, and tells the client', async () => {
    const [a, b] = [await pidOf('a'), await pidOf('b')];
    const seen = changes;
    // b changes (a new variable for its process), c is new, a is untouched but moves down a line.
    await writeFile(
      file,
      config([`# edited\n${server('a')}`, server('b', ['env: {MODE: "2"}']), server('c')]),
    );
    await waitFor(
      'c to be ready and b restarted',
      async () => {
        const now = await servers();
        const state = (name: string) => now.find((s) => s.name === name);
        return state('c')?.state === 'ready' && state('b')?.state === 'ready' && state('b')?.pid !== b;
      },
      30_000,
    );
    assert.equal(await pidOf('a'), a, 'a kept its process');
    await waitFor('list-changed at the client', () => changes > seen);
    assert.ok((await tools()).includes('c__echo'));
    assert.match(stderr, /"msg":"config reloaded"/);
  });

  it('applies new discovery rules at once, restarting nothing', async () => {
    const before = (await servers()).map((s) => [s.name, s.pid]);
    const seen = changes;
    const servers3 = [server('a'), server('b', ['env: {MODE: "2"}']), server('c')];
    await writeFile(
      file,
      `discovery:\n  clients:\n    - match: reload-*\n      mode: meta\n${config(servers3)}`,
    );
    await waitFor('list-changed at the client', () => changes > seen, 20_000);
    await waitFor(
      'the meta-tools',
      async () => (await tools()).join() === 'call_tool,describe_tool,search_tools',
    );
    assert.deepEqual(
      (await servers()).map((s) => [s.name, s.pid]),
      before,
    );
  });

  it('keeps the last good config on a broken edit and logs the file, field and fix', async () => {
    const before = { pids: (await servers()).map((s) => [s.name, s.pid]), tools: await tools() };
    const logged = stderr.length;
    await writeFile(file, config([server('a', ['comand: oops']), server('b')]));
    const line = await reloadFailureAfter(logged);
    assert.ok(line.includes(file), 'names the file');
    assert.match(line, /servers\.a\.comand: unknown field\. Fix: did you mean \\"command\\"\?/);
    assert.deepEqual(
      (await servers()).map((s) => [s.name, s.pid]),
      before.pids,
    );
    assert.deepEqual(await tools(), before.tools);
  });

  it('applies the next good edit, saved editor-style (temp file renamed over the config)', async () => {
    const [a, b] = [await pidOf('a'), await pidOf('b')];
    const temp = join(dir.dir, '.toolmesh.yaml.swp');
    // Back to the last good a and b, without c: only c goes.
    await writeFile(temp, config([server('a'), server('b', ['env: {MODE: "2"}'])]));
    await rename(temp, file);
    await waitFor('c to be removed', async () => !(await servers()).some((s) => s.name === 'c'), 20_000);
    assert.equal(await pidOf('a'), a);
    assert.equal(await pidOf('b'), b);
    await waitFor('c__echo to leave the client catalog', async () => !(await tools()).includes('c__echo'));
    const metrics = await (await fetch(`${base}/metrics`)).text();
    // At least: an editor's save may be seen as two changes, each a reload.
    const count = (result: string) =>
      Number(
        metrics.match(new RegExp(`^toolmesh_config_reloads_total\\{result="${result}"\\} (\\d+)$`, 'm'))?.[1],
      );
    assert.ok(count('ok') >= 2, metrics);
    assert.ok(count('error') >= 1, metrics);
  });

  it('applies a new catalog section (conflict rules) at once, restarting nothing', async () => {
    const before = (await servers()).map((s) => [s.name, s.pid]);
    const seen = changes;
    await writeFile(
      file,
      `catalog:\n  conflicts: priority\n  priority: [b]\n${config([server('a'), server('b', ['env: {MODE: "2"}'])])}`,
    );
    await waitFor('list-changed at the client', () => changes > seen, 20_000);
    // b now keeps the colliding names bare; a's stay prefixed.
    await waitFor('b to own echo', async () => {
      const names = await tools();
      return names.includes('echo') && names.includes('a__echo') && !names.includes('b__echo');
    });
    assert.deepEqual(
      (await servers()).map((s) => [s.name, s.pid]),
      before,
    );
  });
  it('serves added workflows and composites at once, and keeps them on an edit whose workflow is broken', async () => {
    const before = (await servers()).map((s) => [s.name, s.pid]);
    const seen = changes;
    await dir.write('hello.yaml', 'name: hello\nsteps:\n  a: { tool: a__echo, args: { text: hi } }\n');
    const orchestration = [
      'workflows: [hello.yaml]',
      'composites:',
      '  both:',
      '    branches: [{ tool: a__echo, args: { text: x } }, { tool: b__echo, args: { text: y } }]',
    ].join('\n');
    const servers2 = [server('a'), server('b', ['env: {MODE: "2"}'])];
    await writeFile(file, `${orchestration}\n${config(servers2)}`);
    await waitFor('list-changed at the client', () => changes > seen, 20_000);
    await waitFor('the workflow and the composite listed', async () => {
      const names = await tools();
      return names.includes('hello') && names.includes('both');
    });
    const result = await client.callTool({ name: 'both', arguments: {} });
    assert.equal((result.structuredContent as { succeeded: number }).succeeded, 2);
    assert.deepEqual(
      (await servers()).map((s) => [s.name, s.pid]),
      before,
      'no server restarted',
    );

    const logged = stderr.length;
    await dir.write('broken.yaml', 'name: broken\nsteps:\n  a: { tool: a__echo, retyr: 1 }\n');
    await writeFile(
      file,
      `${orchestration.replace('[hello.yaml]', '[hello.yaml, broken.yaml]')}\n${config(servers2)}`,
    );
    assert.match(await reloadFailureAfter(logged), /broken\.yaml:3:\d+ steps\.a\.retyr/);
    const names = await tools();
    assert.ok(names.includes('hello') && names.includes('both') && !names.includes('broken'), names.join());
  });
});

describe('config hot reload on the stdio face', () => {
  it('tells a stdio client that the tools changed when the file adds a server', async () => {
    const dir = await tempDir();
    const file = await dir.write('toolmesh.yaml', config([server('a')]));
    let changes = 0;
    const hub = await stdioHub(file, { cwd: dir.dir });
    hub.client.setNotificationHandler('notifications/tools/list_changed', () => void changes++);
    const pids: number[] = [];
    try {
      const names = async () => (await hub.client.listTools()).tools.map((tool) => tool.name);
      assert.ok((await names()).includes('a__echo'));
      await writeFile(file, config([server('a'), server('b')]));
      await waitFor('list-changed on stdio', () => changes > 0, 30_000);
      await waitFor('b__echo listed', async () => (await names()).includes('b__echo'), 20_000);
      pids.push(...childPids(hub.pid));
    } finally {
      await hub.close();
      killSurvivors(pids);
      await dir.cleanup();
    }
  });
});
