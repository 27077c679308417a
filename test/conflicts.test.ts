/**
 * Acceptance: name collisions between real servers. Two instances of @modelcontextprotocol/server-filesystem
 * on different folders (same tool names, both report version 0.2.0) plus the echo fixture reporting
 * version 1.0.0 and adding `list_allowed_directories`, which the filesystem servers have too. Every
 * strategy gives the result docs/conflicts.md documents, and adding a server never renames a served tool
 * under `prefix` or `conditional` (for `conditional` across hub restarts too, through the store).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CallToolResult, Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { Catalog } from '../src/catalog/catalog.ts';
import { type CatalogConfig, DEFAULT_SERVER_CATALOG } from '../src/config/model.ts';
import { createTestHub, type TestServer } from '../src/testing/test-hub.ts';
import { httpClient, runCli, textOf, waitFor } from './faults/_helpers.ts';
import { freePort, nodeBin, startHttpFixture, stdioFixture } from './fixtures/spawn.ts';
import { capturedWarnings } from './support/logs.ts';

const filesystem = createRequire(import.meta.url).resolve(
  '@modelcontextprotocol/server-filesystem/dist/index.js',
);
let dir: string;
let one: string;
let two: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'toolmesh-conflicts-'));
  one = await mkdtemp(join(dir, 'one-'));
  two = await mkdtemp(join(dir, 'two-'));
  await writeFile(join(one, 'note.txt'), 'from folder one');
  await writeFile(join(two, 'note.txt'), 'from folder two');
});
after(() => rm(dir, { recursive: true, force: true }));

const fs1 = (): TestServer => ({ name: 'fs1', command: nodeBin, args: [filesystem, one] });
const fs2 = (): TestServer => ({ name: 'fs2', command: nodeBin, args: [filesystem, two] });
const fx = (): TestServer => ({
  name: 'fx',
  ...stdioFixture('echo', [
    '--name',
    'fx',
    '--server-version',
    '1.0.0',
    '--extra-tool',
    'list_allowed_directories',
  ]),
});
const strategy = (
  conflicts: CatalogConfig['conflicts'],
  extra: Partial<CatalogConfig> = {},
): CatalogConfig => ({
  conflicts,
  priority: [],
  owners: new Map(),
  ...extra,
});

/** served name → `server/original`, for comparing whole catalogs. */
function names(catalog: Catalog): Map<string, string> {
  return new Map([...catalog.tools.values()].map((e) => [e.name, `${e.server}/${e.original}`]));
}

/** Starts a hub on `servers`, checks all are ready, runs `check`, and stops it. */
async function withHub<T>(
  servers: TestServer[],
  options: { catalog?: CatalogConfig; storePath?: string; http?: boolean },
  check: (hub: Awaited<ReturnType<typeof createTestHub>>) => Promise<T>,
): Promise<T> {
  const hub = await createTestHub(servers, options);
  try {
    for (const status of hub.hub.servers())
      assert.equal(status.state, 'ready', `${status.name}: ${status.lastError}`);
    return await check(hub);
  } finally {
    await hub.close();
  }
}

async function callText(
  hub: Awaited<ReturnType<typeof createTestHub>>,
  name: string,
  args = {},
): Promise<string> {
  const result = (await hub.hub.call({
    method: 'tools/call',
    params: { name, arguments: args },
    signal: AbortSignal.timeout(30_000),
  })) as CallToolResult;
  return textOf(result);
}

describe('conflict strategies with real servers', () => {
  it('prefix (default): every tool under its server, every collision reported with both kept', async () => {
    await withHub([fs1(), fs2(), fx()], { http: true }, async (hub) => {
      const served = names(hub.hub.catalog);
      assert.equal(served.get('fs1__read_text_file'), 'fs1/read_text_file');
      assert.equal(served.get('fs2__read_text_file'), 'fs2/read_text_file');
      assert.equal(served.get('fx__list_allowed_directories'), 'fx/list_allowed_directories');
      assert.equal(served.has('read_text_file'), false);
      const report = hub.hub.catalog.conflicts.find((c) => c.name === 'list_allowed_directories');
      assert.deepEqual(
        report?.entries.map((e) => e.served),
        ['fs1__list_allowed_directories', 'fs2__list_allowed_directories', 'fx__list_allowed_directories'],
      );
      // What a client sees over the wire.
      const { client } = await httpClient(hub.http?.url ?? '');
      const listed = (await client.listTools()).tools.map((t) => t.name);
      assert.ok(listed.includes('fs2__read_text_file') && listed.includes('fx__echo'));
      await client.close();
    });
  });

  it('logs each collision once, naming every server, when start-up is complete', async () => {
    // Before, each server getting ready re-logged the collision with one entry more: 3 warnings here.
    const { logger, entries: warnings } = capturedWarnings<{
      msg: string;
      name: string;
      entries: { server: string }[];
    }>();
    const echo = (name: string): TestServer => ({ name, ...stdioFixture('echo', ['--name', name]) });
    const hub = await createTestHub([echo('e1'), echo('e2'), echo('e3'), echo('e4')], { logger });
    try {
      const collisions = warnings.filter((w) => w.msg.startsWith('name collision'));
      const echoes = collisions.filter((w) => w.name === 'echo');
      assert.equal(echoes.length, 1, JSON.stringify(echoes));
      assert.deepEqual(echoes[0]?.entries.map((e) => e.server).sort(), ['e1', 'e2', 'e3', 'e4']);
      // One warning per colliding name, and only for names that collide.
      assert.equal(new Set(collisions.map((w) => w.name)).size, collisions.length);
      assert.equal(collisions.length, hub.hub.catalog.conflicts.length);
      // A server that restarts rejoins the same collision: nothing new to say.
      await hub.hub.restartServer('e2');
      assert.equal(warnings.filter((w) => w.msg.startsWith('name collision')).length, collisions.length);
    } finally {
      await hub.close();
    }
  });

  it('conditional: unique names bare, colliding names prefixed on first sight', async () => {
    await withHub([fs1(), fs2(), fx()], { catalog: strategy('conditional') }, async (hub) => {
      const served = names(hub.hub.catalog);
      assert.equal(served.get('echo'), 'fx/echo');
      assert.equal(served.get('fs1__read_text_file'), 'fs1/read_text_file');
      assert.equal(served.get('fx__list_allowed_directories'), 'fx/list_allowed_directories');
      assert.equal(served.has('read_text_file'), false);
      assert.match(await callText(hub, 'echo', { text: 'hi' }), /hi/);
    });
  });

  it('priority: the first server of catalog.priority keeps the bare name, the others are prefixed', async () => {
    const catalog = strategy('priority', { priority: ['fs2'] });
    await withHub([fs1(), fs2(), fx()], { catalog }, async (hub) => {
      const served = names(hub.hub.catalog);
      assert.equal(served.get('read_text_file'), 'fs2/read_text_file');
      assert.equal(served.get('fs1__read_text_file'), 'fs1/read_text_file');
      assert.equal(served.get('list_allowed_directories'), 'fs2/list_allowed_directories');
      assert.equal(served.get('fx__list_allowed_directories'), 'fx/list_allowed_directories');
      const path = join(two, 'note.txt');
      assert.equal(await callText(hub, 'read_text_file', { path }), 'from folder two');
      const report = hub.hub.catalog.conflicts.find((c) => c.name === 'read_text_file');
      assert.equal(report?.winner, 'fs2');
      assert.equal(report?.reason, 'fs2 comes first in catalog.priority');
    });
  });

  it('version: the higher serverInfo.version wins; a tie goes to config order', async () => {
    await withHub([fs1(), fs2(), fx()], { catalog: strategy('version') }, async (hub) => {
      const served = names(hub.hub.catalog);
      assert.equal(served.get('list_allowed_directories'), 'fx/list_allowed_directories');
      assert.equal(await callText(hub, 'list_allowed_directories'), 'fx:list_allowed_directories');
      assert.equal(served.get('read_text_file'), 'fs1/read_text_file');
      const report = hub.hub.catalog.conflicts.find((c) => c.name === 'list_allowed_directories');
      assert.equal(report?.reason, "fx reports version 1.0.0, higher than fs1's 0.2.0");
      const tie = hub.hub.catalog.conflicts.find((c) => c.name === 'read_text_file');
      assert.equal(tie?.reason, 'same version 0.2.0; fs1 is first in config order');
    });
  });

  it('explicit owners: a pinned server keeps the name whatever the strategy says', async () => {
    const catalog = strategy('version', { owners: new Map([['list_allowed_directories', 'fs2']]) });
    await withHub([fs1(), fs2(), fx()], { catalog }, async (hub) => {
      assert.equal(names(hub.hub.catalog).get('list_allowed_directories'), 'fs2/list_allowed_directories');
      const report = hub.hub.catalog.conflicts.find((c) => c.name === 'list_allowed_directories');
      assert.deepEqual([report?.decidedBy, report?.reason], ['owner', 'catalog.owners gives it to fs2']);
    });
  });

  it('per-server strategy: a conditional server among prefix ones serves its unique names bare', async () => {
    const conditional = {
      ...fx(),
      catalog: { ...DEFAULT_SERVER_CATALOG, conflicts: 'conditional' as const },
    };
    await withHub([fs1(), conditional], {}, async (hub) => {
      const served = names(hub.hub.catalog);
      assert.equal(served.get('echo'), 'fx/echo');
      assert.equal(served.get('list_allowed_directories'), 'fx/list_allowed_directories', 'fs1 is prefix');
      assert.equal(served.get('fs1__list_allowed_directories'), 'fs1/list_allowed_directories');
    });
  });
});

describe('adding a server never renames a served tool', () => {
  /** Every tool of `before` is served under the same name by the same server in `after`. */
  function assertKept(before: Map<string, string>, after: Map<string, string>): void {
    for (const [name, owner] of before) assert.equal(after.get(name), owner, `${name} was renamed or lost`);
  }

  it('prefix: adding fs2 keeps every name', async () => {
    const before = await withHub([fs1(), fx()], {}, async (hub) => names(hub.hub.catalog));
    const after = await withHub([fs1(), fx(), fs2()], {}, async (hub) => names(hub.hub.catalog));
    assertKept(before, after);
    assert.equal(after.get('fs2__read_text_file'), 'fs2/read_text_file');
  });

  it('conditional: names served bare stay bare across restarts when fs2 joins; fs2 gets prefixes', async () => {
    const storePath = join(dir, 'conditional.db');
    const catalog = strategy('conditional');
    const before = await withHub([fs1(), fx()], { catalog, storePath }, async (hub) =>
      names(hub.hub.catalog),
    );
    assert.equal(before.get('read_text_file'), 'fs1/read_text_file');
    assert.equal(before.get('fx__list_allowed_directories'), 'fx/list_allowed_directories');

    const after = await withHub([fs1(), fx(), fs2()], { catalog, storePath }, async (hub) => {
      const path = join(one, 'note.txt');
      assert.equal(await callText(hub, 'read_text_file', { path }), 'from folder one');
      return names(hub.hub.catalog);
    });
    assertKept(before, after);
    assert.equal(after.get('fs2__read_text_file'), 'fs2/read_text_file');
    const report = (
      await withHub([fs1(), fx(), fs2()], { catalog, storePath }, async (hub) => hub.hub.catalog)
    ).conflicts.find((c) => c.name === 'read_text_file');
    assert.equal(report?.reason, 'fs1 served "read_text_file" first; names never change');

    // Without fs1, its bare name is not taken over by fs2: fs2's names were served prefixed, and stay so.
    const without = await withHub([fx(), fs2()], { catalog, storePath }, async (hub) =>
      names(hub.hub.catalog),
    );
    assert.equal(without.get('fs2__read_text_file'), 'fs2/read_text_file');
    assert.equal(without.has('read_text_file'), false);
  });

  it('conditional: a server that comes up while the hub runs does not rename what clients already see', async () => {
    const port = await freePort();
    const late: TestServer = {
      name: 'late',
      url: `http://127.0.0.1:${port}/mcp`,
      timeouts: { startupMs: 5_000, callMs: 30_000 },
    };
    const hub = await createTestHub([fs1(), fx(), late], { catalog: strategy('conditional'), http: true });
    const fixture = await startHttpFixture('echo', ['--name', 'late', '--extra-tool', 'read_text_file'], {
      port,
    });
    try {
      const before = names(hub.hub.catalog);
      assert.equal(before.get('read_text_file'), 'fs1/read_text_file');
      assert.equal(before.get('echo'), 'fx/echo');
      let notified = 0;
      const client = new Client(
        { name: 'test', version: '1' },
        { listChanged: { tools: { autoRefresh: false, debounceMs: 0, onChanged: () => void notified++ } } },
      );
      await client.connect(new StreamableHTTPClientTransport(new URL(hub.http?.url ?? '')));
      await waitFor(
        'late to be ready',
        () => hub.hub.servers().find((s) => s.name === 'late')?.state === 'ready',
        60_000,
      );
      await waitFor('late in the catalog', () => names(hub.hub.catalog).has('late__read_text_file'));
      const after = names(hub.hub.catalog);
      assertKept(before, after);
      assert.equal(after.get('late__echo'), 'late/echo');
      await waitFor('list_changed', () => notified > 0);
      const listed = (await client.listTools()).tools.map((t) => t.name);
      assert.ok(listed.includes('read_text_file') && listed.includes('late__read_text_file'));
      await client.close();
    } finally {
      await hub.close();
      await fixture.stop();
    }
  });
});

describe('the conflict report', () => {
  it('toolmesh conflicts (table and --json) and GET /api/v1/conflicts say what collided, who won and why', async () => {
    const file = join(dir, 'report.yaml');
    const server = (name: string, folder: string) => [
      `  ${name}:`,
      `    command: ${JSON.stringify(nodeBin)}`,
      `    args: ${JSON.stringify([filesystem, folder])}`,
    ];
    await writeFile(
      file,
      [
        `store: { path: ${JSON.stringify(join(dir, 'report.db'))} }`,
        'catalog: { conflicts: priority, priority: [fs2] }',
        'servers:',
        ...server('fs1', one),
        ...server('fs2', two),
        '',
      ].join('\n'),
    );
    const json = await runCli(['conflicts', '--json', '--config', file], { cwd: dir });
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as Catalog['conflicts'];
    const read = report.find((c) => c.kind === 'tool' && c.name === 'read_text_file');
    assert.deepEqual(read, {
      kind: 'tool',
      name: 'read_text_file',
      decidedBy: 'priority',
      winner: 'fs2',
      reason: 'fs2 comes first in catalog.priority',
      entries: [
        { server: 'fs1', original: 'read_text_file', served: 'fs1__read_text_file' },
        { server: 'fs2', original: 'read_text_file', served: 'read_text_file' },
      ],
    });
    const table = await runCli(['conflicts', '--config', file], { cwd: dir });
    assert.match(table.stdout, /^KIND\s+NAME\s+WINNER\s+SERVED AS\s+WHY$/m);
    assert.match(
      table.stdout,
      /^tool\s+read_text_file\s+fs2\s+fs1: fs1__read_text_file, fs2: read_text_file\s+priority: fs2 comes first/m,
    );

    await withHub([fs1(), fs2()], { http: true }, async (hub) => {
      const response = await fetch(`http://127.0.0.1:${hub.http?.port}/api/v1/conflicts`);
      const body = (await response.json()) as { conflicts: Catalog['conflicts'] };
      const entry = body.conflicts.find((c) => c.name === 'read_text_file');
      assert.equal(entry?.decidedBy, 'none');
      assert.deepEqual(
        entry?.entries.map((e) => e.served),
        ['fs1__read_text_file', 'fs2__read_text_file'],
      );
    });
  });
});
