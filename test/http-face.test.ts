/**
 * The hub's Streamable HTTP face: health endpoints, DNS-rebinding defence, sessions, and what it forwards
 * besides calls (list-changed, progress, cancellation), with real fixture upstreams.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CallToolResult, Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createTestHub, type TestHub } from '../src/testing/test-hub.ts';
import { fixturePath, nodeBin } from './fixtures/spawn.ts';
import { initialize, openRawSession } from './support/handshake.ts';

/** Polls `check` until it returns true or `ms` pass. */
async function eventually(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const INITIALIZE = initialize('raw');

describe('the HTTP face', () => {
  let testHub: TestHub;
  let url: string;

  before(async () => {
    testHub = await createTestHub(
      [
        { name: 'slow', command: nodeBin, args: [fixturePath('slow'), '--stdio'] },
        { name: 'dyn', command: nodeBin, args: [fixturePath('list-changing'), '--stdio'] },
        { name: 'off', command: nodeBin, args: [fixturePath('echo'), '--stdio'], enabled: false },
      ],
      { http: true },
    );
    url = testHub.http?.url ?? '';
  });

  after(() => testHub?.close());

  it('closes a session idle for longer than sessionIdleMs; its client then gets 404', async () => {
    const idle = await createTestHub([], { http: true, sessionIdleMs: 1_000 });
    try {
      const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
      const opened = await fetch(idle.http?.url ?? '', {
        method: 'POST',
        body: JSON.stringify(INITIALIZE),
        headers,
      });
      const session = opened.headers.get('mcp-session-id') ?? '';
      await opened.text();
      assert.ok(session);
      const ping = () =>
        fetch(idle.http?.url ?? '', {
          method: 'POST',
          body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'ping' }),
          headers: { ...headers, 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' },
        });
      const alive = await ping();
      await alive.text();
      assert.equal(alive.status, 200);
      // The behaviour under test is a timeout: let the session stay idle well past 1 s. (The idle time is
      // long enough that a loaded machine cannot expire the session between initialize and the first ping.)
      await sleep(3_000);
      assert.equal((await ping()).status, 404);
    } finally {
      await idle.close();
    }
  });

  it('answers /healthz and reports per-server states on /readyz', async () => {
    const base = url.replace(/\/mcp$/, '');
    const health = await fetch(`${base}/healthz`);
    assert.equal(health.status, 200);
    const ready = await fetch(`${base}/readyz`);
    assert.equal(ready.status, 200);
    const body = (await ready.json()) as { ready: boolean; servers: { name: string; state: string }[] };
    assert.equal(body.ready, true);
    assert.deepEqual(
      body.servers.map((s) => [s.name, s.state]),
      [
        ['slow', 'ready'],
        ['dyn', 'ready'],
        ['off', 'disabled'],
      ],
    );
  });

  it('rejects a foreign Host or Origin with 403 (DNS rebinding)', async () => {
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const body = JSON.stringify(INITIALIZE);
    // fetch() will not send a forged Host header, so this one goes through node:http.
    const hostStatus = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { ...headers, host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.once('error', reject);
      req.end(body);
    });
    assert.equal(hostStatus, 403);
    const origin = await fetch(url, {
      method: 'POST',
      body,
      headers: { ...headers, origin: 'http://evil.example' },
    });
    assert.equal(origin.status, 403);
  });

  it('answers an unknown session with 404, a malformed session id and a request without a session with 400', async () => {
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    const unknown = await fetch(url, {
      method: 'POST',
      body: list,
      headers: { ...headers, 'mcp-session-id': 'nope' },
    });
    assert.equal(unknown.status, 404);
    // A session id that cannot be one (not visible ASCII, or over 256 characters) is the client's error.
    for (const malformed of ['a b', 'x'.repeat(257)]) {
      const response = await fetch(url, {
        method: 'POST',
        body: list,
        headers: { ...headers, 'mcp-session-id': malformed },
      });
      assert.equal(response.status, 400, malformed.slice(0, 10));
      assert.match(
        ((await response.json()) as { error: { message: string } }).error.message,
        /Mcp-Session-Id/,
      );
    }
    const none = await fetch(url, { method: 'POST', body: list, headers });
    assert.equal(none.status, 400);
    const garbled = await fetch(url, { method: 'POST', body: '{not json', headers });
    assert.equal(garbled.status, 400);
    assert.equal(((await garbled.json()) as { error: { code: number } }).error.code, -32700);
    const put = await fetch(url, { method: 'PUT', body: '{}', headers });
    assert.equal(put.status, 405);
  });

  it('refuses a request whose id is in flight in the session (the first still gets its answer, the id is free after) and a batch', async () => {
    const { headers: session, post } = await openRawSession(url);
    const sleep5 = {
      jsonrpc: '2.0',
      id: 5,
      method: 'tools/call',
      params: { name: 'slow__sleep', arguments: { ms: 400 } },
    };
    const first = post(sleep5).then((response) => response.text());
    await sleep(100);
    const second = await post({ jsonrpc: '2.0', id: 5, method: 'ping' });
    assert.equal(second.status, 400);
    assert.deepEqual(((await second.json()) as { id: number; error: { code: number } }).error.code, -32600);
    // Before the fix, the SDK mapped id 5 to the second POST and the first never got its answer.
    assert.match(await first, /slept 400/);
    // A batch, even of one request, is not 2025-11-25 (only 2025-03-26 had them).
    const batch = await fetch(url, {
      method: 'POST',
      body: JSON.stringify([{ jsonrpc: '2.0', id: 6, method: 'ping' }]),
      headers: session,
    });
    assert.equal(batch.status, 400);
    assert.equal(((await batch.json()) as { error: { code: number } }).error.code, -32600);
    const again = await post({ jsonrpc: '2.0', id: 5, method: 'ping' });
    assert.equal(again.status, 200, await again.clone().text());
    assert.match(await again.text(), /"id":5/);
  });

  for (const mode of ['legacy', 'auto'] as const) {
    it(`tells a ${mode === 'auto' ? '2026-07-28' : '2025-11-25'} client when an upstream's tools change`, async () => {
      let changes = 0;
      const client = new Client(
        { name: 'test', version: '1' },
        {
          versionNegotiation: { mode },
          listChanged: { tools: { autoRefresh: false, debounceMs: 0, onChanged: () => void changes++ } },
        },
      );
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      try {
        const tool = `t_${mode}`;
        await client.callTool({ name: 'dyn__add_tool', arguments: { name: tool } });
        await eventually(() => changes > 0);
        const { tools } = await client.listTools();
        assert.ok(tools.some((t) => t.name === `dyn__${tool}`));
        const result = (await client.callTool({ name: `dyn__${tool}`, arguments: {} })) as CallToolResult;
        assert.deepEqual(result.content, [{ type: 'text', text: `dynamic ${tool}` }]);
      } finally {
        await client.close();
      }
    });
  }

  it("relays an upstream's progress notifications to the caller", async () => {
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    try {
      const seen: number[] = [];
      const result = await client.callTool(
        { name: 'slow__sleep', arguments: { ms: 350 } },
        { onprogress: (progress) => void seen.push(progress.progress) },
      );
      assert.deepEqual(result.content, [{ type: 'text', text: 'slept 350' }]);
      assert.ok(seen.length >= 2, `progress seen: ${seen.join(',')}`);
      assert.deepEqual(
        seen,
        [...seen].sort((a, b) => a - b),
      );
    } finally {
      await client.close();
    }
  });

  it('cancels the upstream call when a 2026-era client drops its HTTP request', async () => {
    // Stateless: a dropped request cannot be resumed, so the hub cancels what it started for it.
    const controller = new AbortController();
    const response = fetch(url, {
      method: 'POST',
      signal: controller.signal,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2026-07-28',
        'mcp-method': 'tools/call',
        'mcp-name': 'slow__sleep',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: {
          name: 'slow__sleep',
          arguments: { ms: 29_000 },
          _meta: {
            'io.modelcontextprotocol/protocolVersion': '2026-07-28',
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        },
      }),
    });
    const slow = () => testHub.hub.servers().find((s) => s.name === 'slow');
    await new Promise((resolve) => setTimeout(resolve, 300)); // the call is under way upstream
    controller.abort();
    await assert.rejects(response);
    await eventually(() => (slow()?.stderrTail ?? []).some((line) => /sleep 29000 cancelled/.test(line)));
  });

  it('cancels the upstream call when the client aborts', async () => {
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    try {
      const controller = new AbortController();
      const call = client.callTool(
        { name: 'slow__sleep', arguments: { ms: 30_000 } },
        { signal: controller.signal },
      );
      setTimeout(() => controller.abort(), 300);
      await assert.rejects(call);
      const slow = () => testHub.hub.servers().find((s) => s.name === 'slow');
      await eventually(() => (slow()?.stderrTail ?? []).some((line) => /sleep 30000 cancelled/.test(line)));
    } finally {
      await client.close();
    }
  });
});

describe('the HTTP face and a result too deep to write', () => {
  let testHub: TestHub;

  before(async () => {
    testHub = await createTestHub(
      [
        // Answers every call with a result 200,000 arrays deep (valid JSON, which no JSON writer can write).
        { name: 'deep', command: nodeBin, args: [fixturePath('garbage'), '--stdio', '--deep-results'] },
        { name: 'echo', command: nodeBin, args: [fixturePath('echo'), '--stdio'] },
      ],
      { http: true },
    );
  });

  after(() => testHub?.close());

  for (const mode of ['legacy', 'auto'] as const) {
    it(`answers a ${mode === 'legacy' ? '2025' : '2026'}-era client with an error naming the server, and serves on`, async () => {
      const client = new Client({ name: 'deep-caller', version: '1' }, { versionNegotiation: { mode } });
      await client.connect(new StreamableHTTPClientTransport(new URL(testHub.http?.url ?? '')));
      try {
        // Before: the SDK's transport failed to write the response, only reported it, and the call hung.
        const error = await client.callTool({ name: 'deep__echo', arguments: { text: 'x' } }).then(
          (result) => assert.fail(`expected an error, got ${JSON.stringify(result).slice(0, 200)}`),
          (reason: unknown) => reason as { code?: number; message?: string },
        );
        assert.equal(error.code, -32603);
        assert.match(
          error.message ?? '',
          /server "deep" answered with a result nested over 1000 levels deep/,
        );
        const alive = await client.callTool({ name: 'echo__echo', arguments: { text: 'alive' } });
        assert.deepEqual(alive.content, [{ type: 'text', text: 'alive' }]);
      } finally {
        await client.close();
      }
    });
  }
});

describe("the HTTP face's largest request", () => {
  let testHub: TestHub;

  before(async () => {
    testHub = await createTestHub(
      [{ name: 'echo', prefix: false, command: nodeBin, args: [fixturePath('echo')] }],
      {
        http: true,
      },
    );
  });

  after(() => testHub?.close());

  for (const mode of ['legacy', 'auto'] as const) {
    it(`is the stdio face's (10 MiB) for a ${mode === 'legacy' ? '2025' : '2026'}-era client, not the SDK's 4 MiB`, async () => {
      const client = new Client({ name: 'big', version: '1' }, { versionNegotiation: { mode } });
      await client.connect(new StreamableHTTPClientTransport(new URL(testHub.http?.url ?? '')));
      try {
        // 4.5 MiB of arguments: over the SDK's default bound, under the stdio face's line cap.
        const text = 'x'.repeat(4.5 * 1024 * 1024);
        const result = (await client.callTool({ name: 'echo', arguments: { text } })) as CallToolResult;
        assert.deepEqual(result.structuredContent, { text });
        const over = await client
          .callTool({ name: 'echo', arguments: { text: 'x'.repeat(11 * 1024 * 1024) } })
          .then(
            () => undefined,
            (error: unknown) => String(error),
          );
        assert.match(over ?? 'answered', /Payload Too Large: Request body must not exceed 10485760 bytes/);
      } finally {
        await client.close();
      }
    });
  }
});
