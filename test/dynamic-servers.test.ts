/**
 * Servers added, removed, disabled, enabled and restarted at run time through the admin API, while MCP
 * clients of both protocol eras are connected: they are told the tool list changed and see the new
 * catalog, and no other server restarts (same pids).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { ServerStatus } from '../src/hub.ts';
import { createTestHub, type TestHub } from '../src/testing/test-hub.ts';
import { statusOf, textOf, waitAllGone, waitFor } from './faults/_helpers.ts';
import { fixturePath, nodeBin } from './fixtures/spawn.ts';

const echo = (name: string) => ({ command: nodeBin, args: [fixturePath('echo'), '--stdio', '--name', name] });

/** What the admin API answers (a server's status, `removed`, or an error). */
interface Answer {
  state?: string;
  pid?: number;
  removed?: string;
  error?: { code: string; message: string };
}

interface Watched {
  client: Client;
  changes: () => number;
}

async function watchedClient(url: string, mode: 'legacy' | 'auto'): Promise<Watched> {
  let changes = 0;
  const client = new Client(
    { name: `dyn-${mode}`, version: '1' },
    {
      versionNegotiation: { mode },
      listChanged: { tools: { autoRefresh: false, debounceMs: 0, onChanged: () => void changes++ } },
    },
  );
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return { client, changes: () => changes };
}

async function toolNames(client: Client): Promise<string[]> {
  return (await client.listTools()).tools.map((tool) => tool.name);
}

describe('dynamic servers through the admin API', () => {
  let testHub: TestHub;
  let api: string;
  let clients: Watched[];
  const send = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Answer };
  };
  const pids = () => new Map(testHub.hub.servers().map((s: ServerStatus) => [s.name, s.pid]));
  /** Waits until every client was told of a change since `before` and lists a catalog that passes `check`. */
  const clientsSee = async (before: number[], check: (names: string[]) => boolean) => {
    for (const [i, watched] of clients.entries()) {
      await waitFor(`list-changed at client ${i}`, () => watched.changes() > (before[i] ?? 0), 20_000);
      await waitFor(`new catalog at client ${i}`, async () => check(await toolNames(watched.client)), 20_000);
    }
  };

  before(async () => {
    testHub = await createTestHub(
      [
        { name: 'a', ...echo('a') },
        { name: 'b', ...echo('b') },
      ],
      { http: true },
    );
    api = `http://127.0.0.1:${testHub.http?.port}/api/v1/servers`;
    clients = [
      await watchedClient(testHub.http?.url ?? '', 'legacy'),
      await watchedClient(testHub.http?.url ?? '', 'auto'),
    ];
  });
  after(async () => {
    for (const watched of clients ?? []) await watched.client.close();
    await testHub?.close();
  });

  it('adds a server: clients are told, see and can call its tools; the others keep their processes', async () => {
    const before = pids();
    const counts = clients.map((c) => c.changes());
    const added = await send('POST', '', { name: 'c', ...echo('c') });
    assert.equal(added.status, 201, JSON.stringify(added.json));
    assert.equal(added.json.state, 'ready');
    await clientsSee(counts, (names) => names.includes('c__echo'));
    for (const { client } of clients) {
      const result = await client.callTool({ name: 'c__whoami', arguments: {} });
      assert.equal(JSON.parse(textOf(result)).name, 'c');
    }
    assert.equal(pids().get('a'), before.get('a'));
    assert.equal(pids().get('b'), before.get('b'));
  });

  it('refuses a bad entry naming the field and a fix, and a duplicate name', async () => {
    const bad = await send('POST', '', { name: 'd', comand: 'node' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error?.code, 'CONFIG_INVALID');
    assert.match(
      bad.json.error?.message ?? '',
      /servers\.d\.comand: unknown field\. Fix: did you mean "command"\?/,
    );
    const badName = await send('POST', '', { name: 'no spaces', command: 'node' });
    assert.equal(badName.status, 400);
    assert.match(badName.json.error?.message ?? '', /invalid server name/);
    const notJson = await send('POST', '', ['x']);
    assert.equal(notJson.status, 400);
    assert.equal(notJson.json.error?.code, 'INVALID_REQUEST');
    const duplicate = await send('POST', '', { name: 'a', ...echo('a') });
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.json.error?.code, 'SERVER_EXISTS');
    assert.equal(testHub.hub.servers().length, 3);
  });

  it('removes a server: its process ends, clients are told, the others keep running', async () => {
    const before = pids();
    const counts = clients.map((c) => c.changes());
    const pid = before.get('c');
    assert.ok(pid);
    const removed = await send('DELETE', '/c');
    assert.deepEqual(removed, { status: 200, json: { removed: 'c' } });
    await clientsSee(counts, (names) => !names.includes('c__echo') && names.includes('a__echo'));
    assert.equal(testHub.hub.serverConfig('c'), undefined);
    await waitAllGone([pid], 'removed server');
    assert.equal(pids().get('a'), before.get('a'));
    assert.equal(pids().get('b'), before.get('b'));
    assert.equal((await send('DELETE', '/c')).status, 404);
  });

  it('disables and enables a server, touching only that one', async () => {
    const before = pids();
    let counts = clients.map((c) => c.changes());
    const disabled = await send('POST', '/b/disable');
    assert.equal(disabled.json.state, 'disabled');
    await clientsSee(counts, (names) => !names.includes('b__echo'));
    counts = clients.map((c) => c.changes());
    const enabled = await send('POST', '/b/enable');
    assert.equal(enabled.json.state, 'ready');
    assert.notEqual(enabled.json.pid, before.get('b'));
    await clientsSee(counts, (names) => names.includes('b__echo'));
    assert.equal(pids().get('a'), before.get('a'));
  });

  it('restarts one server with a new process; a disabled or unknown one cannot be restarted', async () => {
    const before = pids();
    const pending = send('POST', '/a/restart');
    // Meanwhile its tools stay listed, and a call is blamed on the server (retryable), never unknown.
    await waitFor('the restart to begin', () => pids().get('a') !== before.get('a'));
    assert.ok(testHub.hub.catalog.tools.has('a__echo'));
    const during = await clients[0]?.client.callTool({ name: 'a__echo', arguments: { text: 'x' } }).then(
      () => 'answered',
      (error: { data?: { code?: string } }) => error.data?.code,
    );
    assert.ok(during === 'answered' || during === 'UPSTREAM_UNAVAILABLE', String(during));
    const restarted = await pending;
    assert.equal(restarted.status, 200);
    assert.equal(restarted.json.state, 'ready');
    assert.notEqual(restarted.json.pid, before.get('a'));
    assert.equal(pids().get('b'), before.get('b'));
    assert.equal(statusOf(testHub.hub, 'a').state, 'ready');
    await send('POST', '/b/disable');
    assert.equal((await send('POST', '/b/restart')).json.error?.code, 'SERVER_DISABLED');
    assert.equal((await send('POST', '/nope/restart')).status, 404);
    assert.equal((await send('POST', '/a/explode')).status, 404);
  });
});
