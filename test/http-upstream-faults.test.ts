/**
 * HTTP upstreams (fixtures and server-everything served by the SDK, at both protocol eras and over legacy
 * SSE) that answer over 10 MiB (the security note's bad inputs 53 and 54), stop or lose their stream in
 * the middle of a call (37, 53), or refuse with 429 or 401/403 (52): the call fails at once with an error
 * naming the server and saying what happened, instead of the hub taking the answer whole, waiting out the
 * call's timeout, or starting a server again with credentials it refused.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { type AddressInfo, connect, createServer as createNetServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { CallToolResult, Result } from '@modelcontextprotocol/client';
import { HubError } from '../src/errors.ts';
import type { Hub } from '../src/hub.ts';
import { createTestHub, type TestHub, testReplica } from '../src/testing/test-hub.ts';
import { textOf } from './faults/_helpers.ts';
import { type HttpFixture, startEverything, startHttpFixture } from './fixtures/spawn.ts';

/** The eras the servers are reached at, by server name. */

const ERAS = { big25: '2025-11-25', big26: '2026-07-28' } as const;
const SLOW_ERAS = { slow25: '2025-11-25', slow26: '2026-07-28' } as const;

describe('an HTTP upstream answering over 10 MiB', () => {
  let big: HttpFixture;
  let testHub: TestHub;

  before(async () => {
    big = await startHttpFixture('big');
    const servers = Object.entries(ERAS).map(([name, protocol]) => ({ name, url: big.url, protocol }));
    testHub = await createTestHub(servers);
  });

  after(async () => {
    await testHub?.close();
    await big?.stop();
  });

  const callBig = (server: string, kb: number) =>
    testHub.hub.call({
      method: 'tools/call',
      params: { name: `${server}__big`, arguments: { kb } },
      signal: AbortSignal.timeout(30_000),
    }) as Promise<CallToolResult>;

  for (const [server, era] of Object.entries(ERAS)) {
    it(`fails the call naming the server, and serves on (${era})`, async () => {
      const error = await callBig(server, 10 * 1024 + 64).then(
        (result) => assert.fail(`took an answer of ${JSON.stringify(result).length} characters`),
        (reason: unknown) => reason,
      );
      assert.ok(HubError.is(error), String(error));
      assert.equal(error.code, 'UPSTREAM_ERROR');
      assert.equal(error.server, server);
      assert.match(error.message, /over 10 MiB and was dropped/);
      const small = await callBig(server, 1);
      assert.equal((small.content[0] as { text: string }).text.length, 1024);
    });
  }

  it("refuses the server's own request over 10 MiB, so the call ends at once, not at the server's timeout (2025-11-25)", async () => {
    // At 2025-11-25 the fixture asks for input with a request of its own, on the call's event stream. Left
    // unanswered, it would hold the call for the SDK's 60 s; the signal ends the wait sooner, as CANCELLED.
    const said = await testHub.hub
      .call({
        method: 'tools/call',
        params: { name: 'big25__big_sample', arguments: { kb: 11 * 1024 } },
        signal: AbortSignal.timeout(25_000),
      })
      .then(
        (result) => JSON.stringify((result as CallToolResult).content),
        (error: unknown) => (HubError.is(error) ? `${error.code}: ${error.message}` : String(error)),
      );
    assert.match(said, /request was over 10 MiB and was dropped/);
  });
});

/**
 * Calls `tool` and does `fault` at the call's first progress (its event stream open: a kill, as a crash
 * would, or a cut of the connection); the error the call ended with, which must say the server is gone.
 */
async function errorAfterFault(
  hub: Hub,
  tool: string,
  args: Record<string, unknown>,
  fault: () => void,
): Promise<HubError> {
  let done = false;
  const error = await hub
    .call({
      method: 'tools/call',
      params: { name: tool, arguments: args },
      // Before the fixes the call waited for the hub's 60 s timeout; this ends it sooner, as CANCELLED.
      signal: AbortSignal.timeout(25_000),
      onprogress: () => {
        if (!done) fault();
        done = true;
      },
    })
    .then(
      () => assert.fail('the call resolved'),
      (reason: unknown) => reason,
    );
  assert.ok(HubError.is(error), String(error));
  assert.equal(error.code, 'UPSTREAM_UNAVAILABLE', error.message);
  return error;
}

/** Kills process `pid` at once. */
const kill = (pid: number) => () => process.kill(pid, 'SIGKILL');

describe('an HTTP upstream that stops in the middle of a call', () => {
  for (const [server, protocol] of Object.entries(SLOW_ERAS)) {
    it(`fails the call at once, naming the server, not at its timeout (${protocol})`, async () => {
      const slow = await startHttpFixture('slow');
      const testHub = await createTestHub([{ name: server, url: slow.url, protocol }]);
      try {
        const error = await errorAfterFault(testHub.hub, `${server}__sleep`, { ms: 60_000 }, kill(slow.pid));
        assert.equal(error.server, server);
        // At 2025 the session's standalone stream breaks too, and its reconnection finding nothing may end
        // the connection first; either way the call fails at once, and says the server is gone.
        const lost = /ended the request's stream before answering|closed the connection during the request/;
        assert.match(error.message, protocol === '2026-07-28' ? /ended the request's stream/ : lost);
      } finally {
        await testHub.close();
        await slow.stop();
      }
    });
  }
});

describe('an HTTP upstream whose stream the SDK would resume, when the server stops', () => {
  // server-everything keeps an event store (its streams can be resumed with Last-Event-ID), and over
  // legacy SSE every answer comes on the one stream: the SDK reconnects on its own, and when that finds
  // nothing listening it gives up without failing the call.
  for (const transport of ['streamableHttp', 'sse'] as const) {
    it(`fails the call once reconnecting finds nothing listening (${transport})`, async () => {
      const everything = await startEverything(transport);
      const testHub = await createTestHub([
        { name: 'ev', url: everything.url, transport: transport === 'sse' ? 'sse' : 'http' },
      ]);
      try {
        const tool = 'ev__trigger-long-running-operation';
        const error = await errorAfterFault(
          testHub.hub,
          tool,
          { duration: 60, steps: 60 },
          kill(everything.pid),
        );
        assert.equal(error.server, 'ev');
      } finally {
        await testHub.close();
        await everything.stop();
      }
    });
  }
});

/** A TCP relay to `port` on loopback whose connections can be cut at once, the listener staying up. */
async function cuttableRelay(port: number) {
  const sockets = new Set<Socket>();
  const relay = createNetServer((inbound) => {
    const outbound = connect(port, '127.0.0.1');
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    port: (relay.address() as AddressInfo).port,
    cut: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: () => new Promise<void>((resolve) => relay.close(() => resolve())),
  };
}

describe('a legacy SSE upstream whose stream breaks while the server stays up', () => {
  it('fails the call at once: its answer could only have come on that stream', async () => {
    const everything = await startEverything('sse');
    const relay = await cuttableRelay(Number(new URL(everything.url).port));
    const url = everything.url.replace(/:\d+\//, `:${relay.port}/`);
    const testHub = await createTestHub([{ name: 'ev', url, transport: 'sse' }]);
    try {
      const tool = 'ev__trigger-long-running-operation';
      // Before the fix the stream reconnected to the live server, as a new session, and the call waited.
      const error = await errorAfterFault(testHub.hub, tool, { duration: 60, steps: 60 }, relay.cut);
      assert.equal(error.server, 'ev');
    } finally {
      await testHub.close();
      await relay.close();
      await everything.stop();
    }
  });
});

/**
 * A loopback front of a real echo server over Streamable HTTP that answers every `tools/call` with `status`
 * (and `headers`) and passes everything else on.
 */
async function refusingFront(target: string, status: number, refusal: Record<string, string> = {}) {
  const http = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (body.includes('"tools/call"')) {
      response.writeHead(status, refusal).end('refused');
      return;
    }
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(([name]) => name !== 'host' && name !== 'content-length'),
    ) as Record<string, string>;
    try {
      const answer = await fetch(target, {
        method: request.method,
        headers,
        body: request.method === 'POST' ? body : undefined,
      });
      response.writeHead(answer.status, Object.fromEntries(answer.headers));
      if (answer.body) for await (const chunk of answer.body) response.write(chunk);
      response.end();
    } catch {
      response.destroy(); // the echo server or the hub went away (a stream closed at the end)
    }
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    close: () => new Promise<void>((resolve) => http.close(() => resolve())),
  };
}

describe('an HTTP upstream that refuses calls with 429 or 401', () => {
  let echo: HttpFixture;
  let testHub: TestHub;
  let fronts: Awaited<ReturnType<typeof refusingFront>>[];

  before(async () => {
    echo = await startHttpFixture('echo');
    fronts = [
      await refusingFront(echo.url, 429, { 'retry-after': '7' }),
      await refusingFront(echo.url, 429),
      await refusingFront(echo.url, 401),
    ];
    const protocol = '2025-11-25';
    testHub = await createTestHub([
      { name: 'limited', url: fronts[0]?.url, protocol },
      { name: 'plain', url: fronts[1]?.url, protocol },
      { name: 'expired', url: fronts[2]?.url, protocol },
      // One replica refuses every call, the other is the echo server itself.
      {
        name: 'pair',
        protocol,
        replicas: [testReplica({ url: fronts[0]?.url }), testReplica({ url: echo.url })],
      },
    ]);
  });

  after(async () => {
    await testHub?.close();
    for (const front of fronts ?? []) await front.close();
    await echo?.stop();
  });

  const echoCall = (tool: string): Promise<{ result?: Result; error?: unknown }> =>
    testHub.hub
      .call({
        method: 'tools/call',
        params: { name: tool, arguments: { text: 'hi' } },
        signal: AbortSignal.timeout(20_000),
      })
      .then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );

  it('is RATE_LIMITED naming the server with its Retry-After, and never opens the circuit', async () => {
    for (let i = 0; i < 8; i++) {
      const { error } = await echoCall('limited__echo');
      assert.ok(HubError.is(error), String(error));
      assert.equal(error.code, 'RATE_LIMITED', error.message);
      assert.equal(error.server, 'limited');
      assert.equal(error.retryable, true);
      assert.equal(error.data.retryAfterMs, 7000);
    }
    const status = testHub.hub.servers().find((server) => server.name === 'limited');
    assert.equal(status?.replicas[0]?.breaker, 'closed');
    const { error } = await echoCall('plain__echo');
    assert.ok(HubError.is(error) && error.code === 'RATE_LIMITED' && !('retryAfterMs' in error.data));
  });

  it('a 401 once started (credentials that no longer do) fails the call naming the server, not retryable', async () => {
    const { error } = await echoCall('expired__echo');
    assert.ok(HubError.is(error), String(error));
    assert.equal(error.code, 'UPSTREAM_UNAVAILABLE');
    assert.equal(error.server, 'expired');
    assert.equal(error.retryable, false);
    assert.match(error.message, /refused the hub's credentials \(HTTP 401\)/);
  });

  it('sends the call to another replica, as one that never reached a server', async () => {
    for (let i = 0; i < 6; i++) {
      const { result, error } = await echoCall('pair__echo');
      assert.equal(error, undefined, String(error));
      assert.equal(textOf(result), 'hi');
    }
  });
});

describe('an HTTP upstream that refuses the hub its credentials', () => {
  it('fails at once with what to configure (401, 403), instead of retrying the same credentials', async () => {
    const hits = { 401: 0, 403: 0 };
    const servers = await Promise.all(
      ([401, 403] as const).map(async (status) => {
        const http = createServer((_request, response) => {
          hits[status] += 1;
          response.writeHead(status, { 'www-authenticate': 'Bearer realm="mcp"' }).end('no');
        });
        await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
        return { status, http, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp` };
      }),
    );
    const testHub = await createTestHub(servers.map(({ status, url }) => ({ name: `locked${status}`, url })));
    try {
      const [unauthorized, forbidden] = testHub.hub.servers();
      assert.equal(unauthorized?.state, 'failed');
      assert.equal(unauthorized?.restarts, 0);
      assert.match(
        unauthorized?.lastError ?? '',
        /requires authorization \(HTTP 401\): give it credentials in servers\.locked401\.headers/,
      );
      assert.equal(forbidden?.state, 'failed');
      assert.match(forbidden?.lastError ?? '', /refuses access \(HTTP 403\)/);
      assert.deepEqual(hits, { 401: 1, 403: 1 });
    } finally {
      await testHub.close();
      for (const { http } of servers) http.close();
    }
  });
});
