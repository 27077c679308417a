/**
 * Upstream faults with real processes on loopback: unreachable, noisy, killed mid-call, killed from
 * outside, crash-looping, slow to start; no process left behind; and the same through the stdio face.
 * Clients are real SDK v2 clients on the hub's faces.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CallToolResult, type Client, ProtocolError } from '@modelcontextprotocol/client';
import { DEFAULT_LISTEN, type HubConfig } from '../../src/config/model.ts';
import { Hub, type ServerStatus } from '../../src/hub.ts';
import { serveHttp } from '../../src/server/http.ts';
import { createTestHub, type TestServer, testServerConfig } from '../../src/testing/test-hub.ts';
import { fixturePath, nodeBin, startHttpFixture, stdioFixture } from '../fixtures/spawn.ts';
import {
  assertAllGone,
  childPids,
  closedPort,
  httpClient,
  isAlive,
  killSurvivors,
  statusOf,
  stdioHub,
  tempDir,
  textOf,
  waitAllGone,
  waitFor,
  waitForServer,
  waitForTool,
  within,
  yamlStdioServer,
} from './_helpers.ts';

const fixture = (name: string, server = name, args: string[] = []): TestServer => ({
  name: server,
  ...stdioFixture(name, args),
});

/** A hub on `servers` with its HTTP face, an SDK client on it, and every 'server' event the hub emitted. */
async function hubWithClient(servers: TestServer[]) {
  const testHub = await createTestHub(servers, { http: true });
  const events: ServerStatus[] = [];
  testHub.hub.on('server', (status) => events.push(status));
  const { client, errors } = await httpClient(testHub.http?.url ?? '');
  return {
    testHub,
    hub: testHub.hub,
    client,
    /** Out-of-band client errors: a second response for one request would land here. */
    errors,
    events,
    async close() {
      await client.close().catch(() => {});
      await testHub.close();
    },
  };
}

async function call(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<CallToolResult> {
  return (await within(
    client.callTool({ name, arguments: args }, { timeout: 20_000 }),
    25_000,
    name,
  )) as CallToolResult;
}

/** The JSON-RPC error a call was rejected with. */
async function callError(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<ProtocolError> {
  try {
    const result = await call(client, name, args);
    assert.fail(`${name} should have failed, got ${JSON.stringify(result)}`);
  } catch (error) {
    assert.ok(error instanceof ProtocolError, `expected a JSON-RPC error, got ${String(error)}`);
    return error;
  }
}

function data(error: ProtocolError): Record<string, unknown> {
  return (error.data ?? {}) as Record<string, unknown>;
}

const pidOf = async (client: Client, tool: string): Promise<number> => {
  const text = textOf(await call(client, tool));
  return tool.endsWith('whoami') ? (JSON.parse(text) as { pid: number }).pid : Number(text);
};

describe('a hub with a healthy, a noisy and an unreachable upstream', () => {
  let port: number;
  let setup: Awaited<ReturnType<typeof hubWithClient>>;
  const pids: number[] = [];

  before(async () => {
    port = await closedPort();
    setup = await hubWithClient([
      fixture('echo'),
      fixture('garbage'),
      fixture('big'),
      fixture('broken'),
      { name: 'remote', url: `http://127.0.0.1:${port}/mcp` },
    ]);
    for (const status of setup.hub.servers()) if (status.pid) pids.push(status.pid);
  });
  after(async () => {
    await setup?.close();
    assertAllGone(pids, 'after close()');
    assert.deepEqual(setup.errors, [], 'the client saw no stray or duplicate responses');
  });

  it('unreachable URL: a clear lastError, a bounded number of attempts, and the other servers answer', async () => {
    const remote = statusOf(setup.hub, 'remote');
    assert.ok(remote.state === 'restarting' || remote.state === 'failed', remote.state);
    const where = `http://127.0.0.1:${port}/mcp`;
    assert.ok(
      (remote.lastError ?? '').startsWith(`nothing is listening at ${where} (is the server running?)`),
      String(remote.lastError),
    );
    assert.equal(statusOf(setup.hub, 'echo').state, 'ready');
    assert.equal(textOf(await call(setup.client, 'echo__echo', { text: 'still here' })), 'still here');

    const { tools } = await setup.client.listTools();
    const names = tools.map((tool) => tool.name);
    assert.ok(names.includes('echo__echo') && names.includes('garbage__echo'), names.join(', '));
    assert.ok(!names.some((name) => name.startsWith('remote__')), names.join(', '));

    // A remote server is retried with growing delays, never given up: it may come up later.
    const retried = await waitForServer(setup.hub, 'remote', (s) => s.restarts >= 2, 15_000);
    assert.equal(retried.state, 'restarting');
    assert.equal(textOf(await call(setup.client, 'echo__add', { a: 2, b: 3 })), '5');
    const error = await callError(setup.client, 'remote__anything');
    assert.equal(data(error).code, 'UPSTREAM_UNAVAILABLE', 'a down server is blamed, not the caller');
    assert.equal(data(error).server, 'remote');
    assert.equal(data(error).retryable, true);
    assert.match(error.message, /nothing is listening/);
  });

  it('a remote server that comes up after the hub started is connected and its tools are served', async () => {
    const late = await startHttpFixture('echo', ['--name', 'late'], { port });
    try {
      await waitForServer(setup.hub, 'remote', (s) => s.state === 'ready', 30_000);
      assert.equal(
        textOf(await call(setup.client, 'remote__echo', { text: 'late but here' })),
        'late but here',
      );
    } finally {
      await late.stop();
    }
  });

  it('an upstream that prints garbage on stdout: its tool works through the hub, the session survives', async () => {
    const before = statusOf(setup.hub, 'garbage');
    assert.equal(before.state, 'ready');
    assert.equal(textOf(await call(setup.client, 'garbage__echo', { text: 'one' })), 'one');
    assert.equal(textOf(await call(setup.client, 'garbage__echo', { text: 'two' })), 'two');
    const after = statusOf(setup.hub, 'garbage');
    assert.equal(after.state, 'ready');
    assert.equal(after.pid, before.pid, 'same process: the noise did not break the connection');
    assert.equal(after.restarts, 0);
  });

  it('a response over 10 MiB fails its call at once, naming the server (not at the timeout); the server serves on', async () => {
    const before = statusOf(setup.hub, 'big');
    // Were the dropped response not told apart, the call would wait for the hub's 60 s timeout and the
    // client's own 20 s timeout would fail it first, as no JSON-RPC error.
    const error = await callError(setup.client, 'big__big', { kb: 10 * 1024 + 64 });
    assert.equal(data(error).server, 'big');
    assert.match(error.message, /over 10 MiB and was dropped/);
    const small = await call(setup.client, 'big__big', { kb: 1 });
    assert.equal(textOf(small).length, 1024);
    assert.equal(statusOf(setup.hub, 'big').pid, before.pid, 'same process: the connection survived');
  });

  it('an answer without the JSON-RPC 2.0 envelope fails its call at once, naming the server', async () => {
    // Were it only skipped as noise, the call would wait for the hub's 60 s timeout, and the client's own
    // 20 s timeout would end it first, as no JSON-RPC error.
    const error = await callError(setup.client, 'broken__do', { mode: 'no-jsonrpc' });
    assert.equal(data(error).server, 'broken');
    assert.match(error.message, /not JSON-RPC 2\.0/);
    assert.equal(textOf(await call(setup.client, 'broken__do', { mode: 'fine' })), 'fine');
  });

  it('isError: true from an upstream is passed through as a result, not turned into an error', async () => {
    const result = await call(setup.client, 'echo__fail', { message: 'tool said no' });
    assert.equal(result.isError, true);
    assert.equal(textOf(result), 'tool said no');
    assert.equal(statusOf(setup.hub, 'echo').state, 'ready');
  });

  it('an unknown tool gets a JSON-RPC error with data.code UNKNOWN_TOOL', async () => {
    const error = await callError(setup.client, 'echo__no_such_tool');
    assert.equal(error.code, -32602);
    assert.equal(data(error).code, 'UNKNOWN_TOOL');
    assert.match(error.message, /echo__no_such_tool/);
  });
});

describe('upstreams that die', () => {
  it('killed mid-call: exactly one error for the caller, others keep answering, then it comes back', async () => {
    const setup = await hubWithClient([fixture('echo'), fixture('crash')]);
    const pids: number[] = [];
    try {
      const { hub, client } = setup;
      const oldPid = await pidOf(client, 'crash__ping_pid');
      pids.push(oldPid, await pidOf(client, 'echo__whoami'));
      assert.equal(statusOf(hub, 'crash').pid, oldPid);

      const crashing = callError(client, 'crash__crash');
      const meanwhile = call(client, 'echo__echo', { text: 'unaffected' });
      const error = await crashing;
      assert.equal(data(error).code, 'UPSTREAM_UNAVAILABLE');
      assert.equal(data(error).server, 'crash');
      assert.equal(data(error).retryable, true);
      assert.match(error.message, /crash/);
      assert.equal(textOf(await meanwhile), 'unaffected');

      // While it restarts, its tools stay listed, the other server answers, and a call to it waits for the
      // restart and is served by the new process: the client never re-initialises (self-healing).
      assert.notEqual(statusOf(hub, 'crash').state, 'ready', 'the crash was noticed');
      const during = call(client, 'crash__ping_pid');
      assert.equal(textOf(await call(client, 'echo__echo', { text: 'during restart' })), 'during restart');
      const healedPid = Number(textOf(await during));
      assert.ok(healedPid > 0 && healedPid !== oldPid, `served by a new process, got ${healedPid}`);
      pids.push(healedPid);

      const back = await waitForServer(hub, 'crash', (s) => s.state === 'ready' && s.pid !== oldPid);
      assert.equal(back.pid, healedPid);
      assert.equal(back.restarts, 1);
      assert.ok(
        setup.events.some(
          (s) =>
            s.name === 'crash' && s.state === 'restarting' && /exited with code 1/.test(s.lastError ?? ''),
        ),
        'the restart names the exit',
      );
      await waitForTool(hub, 'crash__ping_pid');
      const newPid = await pidOf(client, 'crash__ping_pid');
      pids.push(newPid);
      assert.notEqual(newPid, oldPid);
      assert.equal(newPid, back.pid);
      assert.equal(isAlive(oldPid), false);
      assert.deepEqual(setup.errors, [], 'no second response for the failed call');
    } finally {
      await setup.close();
    }
    assertAllGone(pids, 'after close()');
  });

  it('kill -9 from outside: the hub restarts it and the next call works', async () => {
    const setup = await hubWithClient([fixture('echo')]);
    const pids: number[] = [];
    try {
      const { hub, client } = setup;
      const oldPid = await pidOf(client, 'echo__whoami');
      pids.push(oldPid);
      assert.equal(statusOf(hub, 'echo').pid, oldPid, 'hub.servers() reports the process it runs');

      process.kill(oldPid, 'SIGKILL');
      const back = await waitForServer(hub, 'echo', (s) => s.state === 'ready' && s.pid !== oldPid);
      assert.ok(
        setup.events.some((s) => s.state === 'restarting' && /killed by SIGKILL/.test(s.lastError ?? '')),
        JSON.stringify(setup.events),
      );
      await waitForTool(hub, 'echo__whoami');
      const newPid = await pidOf(client, 'echo__whoami');
      pids.push(newPid);
      assert.equal(newPid, back.pid);
      assert.equal(isAlive(oldPid), false);
      assert.equal(textOf(await call(client, 'echo__echo', { text: 'after restart' })), 'after restart');
    } finally {
      await setup.close();
    }
    assertAllGone(pids, 'after close()');
  });

  it('crash loop at start-up: failed after a few attempts, with the exit and the stderr line', async () => {
    const started = Date.now();
    const setup = await hubWithClient([fixture('crash', 'loop', ['--crash-on-start']), fixture('echo')]);
    try {
      const { hub, client } = setup;
      const failed = await waitForServer(hub, 'loop', (s) => s.state === 'failed', 15_000);
      const elapsed = Date.now() - started;
      assert.ok(elapsed < 12_000, `gave up after ${elapsed} ms`);
      assert.equal(
        failed.lastError,
        'server exited with code 1 during start-up; last stderr line: crash fixture: fatal error during ' +
          'start-up (--crash-on-start) (gave up after 3 failed start attempts)',
      );
      assert.equal(failed.restarts, 2, 'three attempts in all');
      assert.equal(failed.pid, undefined);

      // A call to it names the server and carries the same reason.
      const error = await callError(client, 'loop__ping_pid');
      assert.equal(data(error).code, 'UPSTREAM_UNAVAILABLE');
      assert.equal(data(error).server, 'loop');
      assert.equal(data(error).retryable, false);
      assert.match(
        error.message,
        /exited with code 1 during start-up.*gave up after 3 failed start attempts/,
      );

      // The others are unaffected, and no further attempt follows.
      assert.equal(textOf(await call(client, 'echo__echo', { text: 'fine' })), 'fine');
      await sleep(1_000);
      const later = statusOf(hub, 'loop');
      assert.equal(later.state, 'failed');
      assert.equal(later.restarts, 2, 'no retry after giving up');
    } finally {
      await setup.close();
    }
  });
});

/** A slow-starting server (1.5 s before it answers) next to a quick one. Hub not started: createTestHub would wait. */
function slowStartConfig(delayMs = 1500): HubConfig {
  return {
    servers: [
      testServerConfig({ ...fixture('slow'), env: { FIXTURE_STARTUP_DELAY_MS: String(delayMs) } }),
      testServerConfig(fixture('echo')),
    ],
    listen: { ...DEFAULT_LISTEN, port: 0 },
    file: '<test>',
    format: 'toolmesh',
    warnings: [],
  };
}

describe('start-up', () => {
  it('a slow upstream does not delay the others: they are ready and callable before it is', async () => {
    const hub = new Hub(slowStartConfig());
    const readyAt = new Map<string, number>();
    hub.on('server', (status) => {
      if (status.state === 'ready') readyAt.set(status.name, Date.now());
    });
    const starting = hub.start();
    try {
      await waitForServer(hub, 'echo');
      await waitForTool(hub, 'echo__echo');
      const result = await hub.call({
        method: 'tools/call',
        params: { name: 'echo__echo', arguments: { text: 'early' } },
        signal: AbortSignal.timeout(10_000),
      });
      assert.equal(textOf(result), 'early');
      assert.equal(statusOf(hub, 'slow').state, 'starting', 'echo answered while slow was still starting');
      assert.equal(hub.started, false);

      await within(starting, 20_000, 'hub.start()');
      assert.equal(statusOf(hub, 'slow').state, 'ready');
      const lead = (readyAt.get('slow') ?? 0) - (readyAt.get('echo') ?? Infinity);
      assert.ok(lead > 500, `echo was ready ${lead} ms before slow`);
    } finally {
      await hub.stop();
    }
  });

  it('through the HTTP face too, a call to a ready server does not wait for a slow one', async () => {
    // The handshake waits up to 5 s for start-up (the hub declares only features some server has), so the
    // slow server here takes longer than that.
    const hub = new Hub(slowStartConfig(7_000));
    const http = await serveHttp(hub, { host: '127.0.0.1', port: 0 });
    const starting = hub.start();
    const { client } = await httpClient(http.url);
    try {
      await waitForTool(hub, 'echo__echo');
      assert.equal(textOf(await call(client, 'echo__echo', { text: 'early' })), 'early');
      assert.equal(statusOf(hub, 'slow').state, 'starting', 'echo answered while slow was still starting');
    } finally {
      await client.close();
      await starting;
      await http.close();
      await hub.stop();
    }
  });
});

describe('process hygiene', () => {
  it('no zombie or orphan after close(), including what a shell wrapper started', async () => {
    // A wrapper as `npx`/`uvx` launchers are: sh runs node as a child (`; exit` keeps sh from exec-ing it)
    // plus a helper that ignores stdin EOF, so only a kill of the whole process group stops it.
    const script = `sleep 300 </dev/null & echo "helper $!" >&2; "${nodeBin}" "${fixturePath('echo')}" --stdio --name wrapped; exit $?`;
    const wrapped: TestServer = { name: 'wrapped', command: '/bin/sh', args: ['-c', script] };
    const setup = await hubWithClient([fixture('echo'), fixture('crash'), wrapped]);
    const pids: number[] = [];
    /** The wrapper's shell, its node child and its helper, as running now. */
    const wrapperPids = async () => {
      const status = await waitForServer(setup.hub, 'wrapped');
      await waitForTool(setup.hub, 'wrapped__whoami');
      const helper = Number(/^helper (\d+)$/m.exec(status.stderrTail.join('\n'))?.[1]);
      const ids = { shell: status.pid ?? 0, node: await pidOf(setup.client, 'wrapped__whoami'), helper };
      pids.push(ids.shell, ids.node, ids.helper);
      assert.ok(ids.node !== ids.shell && ids.helper > 0, JSON.stringify({ ...ids, status }));
      assert.ok(isAlive(ids.shell) && isAlive(ids.node) && isAlive(ids.helper));
      return ids;
    };
    try {
      const { hub, client } = setup;
      for (const status of hub.servers()) {
        assert.equal(status.state, 'ready', `${status.name}: ${status.lastError}`);
        if (status.pid) pids.push(status.pid);
      }
      pids.push(await pidOf(client, 'echo__whoami'), await pidOf(client, 'crash__ping_pid'));
      const first = await wrapperPids();

      // Killing the wrapper from outside must not orphan what it started; the hub runs a new one.
      process.kill(first.shell, 'SIGKILL');
      await waitAllGone(Object.values(first), 'the killed wrapper and its children');
      await waitForServer(hub, 'wrapped', (s) => s.state === 'ready' && s.pid !== first.shell);
      await wrapperPids();
    } finally {
      await setup.close();
    }
    try {
      // close() has sent SIGKILL to each process group; the kernel finishes the job a moment later.
      await waitAllGone(pids, 'after close()', 5_000);
    } finally {
      killSurvivors(pids);
    }
  });
});

describe('the stdio face (toolmesh serve --stdio as a child process)', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    tmp = await tempDir();
  });
  after(() => tmp?.cleanup());

  it('an upstream killed mid-call: one error, echo keeps working, stdout carries only JSON-RPC', async () => {
    const config = await tmp.write(
      'toolmesh.yaml',
      [
        'servers:',
        yamlStdioServer('echo', fixturePath('echo')),
        yamlStdioServer('crash', fixturePath('crash')),
        yamlStdioServer('slow', fixturePath('slow')),
        '',
      ].join('\n'),
    );
    const hub = await stdioHub(config, { cwd: tmp.dir });
    const pids = [hub.pid];
    try {
      const { client } = hub;
      const echoPid = await pidOf(client, 'echo__whoami');
      const crashPid = await pidOf(client, 'crash__ping_pid');
      pids.push(echoPid, crashPid, ...childPids(hub.pid));

      // kill -9 the upstream while its call is provably in flight (it already sent progress).
      let slowPid = 0;
      const inFlight = within(
        client.callTool(
          { name: 'slow__sleep', arguments: { ms: 30_000 } },
          {
            timeout: 20_000,
            onprogress: () => {
              if (slowPid) return;
              slowPid = childPids(hub.pid).find((pid) => pid !== echoPid && pid !== crashPid) ?? -1;
              if (slowPid > 0) process.kill(slowPid, 'SIGKILL');
            },
          },
        ),
        25_000,
        'slow__sleep',
      );
      const killed = await inFlight.then(
        (result) => assert.fail(`expected an error, got ${JSON.stringify(result)}`),
        (error: unknown) => error,
      );
      assert.ok(slowPid > 0, 'found the slow upstream among the hub children');
      assert.ok(killed instanceof ProtocolError, String(killed));
      assert.equal(data(killed).code, 'UPSTREAM_UNAVAILABLE');
      assert.equal(data(killed).server, 'slow');
      assert.match(killed.message, /killed by SIGKILL/);
      assert.equal(isAlive(slowPid), false);
      assert.equal(textOf(await call(client, 'echo__echo', { text: 'still fine' })), 'still fine');

      // An upstream that exits by itself mid-call: the same single error, then it is back with a new pid.
      const crashed = await callError(client, 'crash__crash');
      assert.equal(data(crashed).code, 'UPSTREAM_UNAVAILABLE');
      assert.equal(data(crashed).server, 'crash');
      assert.equal(textOf(await call(client, 'echo__echo', { text: 'again' })), 'again');
      const newCrashPid = await waitFor('crash to answer again', async () => {
        const pid = await pidOf(client, 'crash__ping_pid').catch(() => undefined);
        return pid !== undefined && pid !== crashPid ? pid : undefined;
      });
      pids.push(newCrashPid, ...childPids(hub.pid));
      assert.deepEqual(hub.errors, [], 'no stray responses or unparsable messages');
    } finally {
      await hub.close();
    }
    assert.deepEqual(hub.transport.nonJsonRpcLines(), [], 'stdout carried only JSON-RPC');
    assert.ok(hub.transport.stdout.length > 0);
    await waitAllGone(pids, 'after the stdio hub closed');
  });
});
