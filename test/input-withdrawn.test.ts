/**
 * A 2025-era client whose call takes the SDK's path (here a `tools/call` with a param the direct path does
 * not take) and whose upstream asks it for input: when the client goes away instead of answering, the
 * upstream's request is withdrawn and its call ends, not held for the input bridge's 10-minute expiry.
 * Raw HTTP to a real hub, the conformance fixture at 2025-11-25 as the upstream (it pushes sampling).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestHub, type TestHub } from '../src/testing/test-hub.ts';
import { stdioFixture } from './fixtures/spawn.ts';
import { INITIALIZED } from './support/handshake.ts';

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/** Reads an event stream until a message satisfies `wanted`; the reader stays open. */
async function readUntil(
  body: ReadableStream<Uint8Array>,
  wanted: (message: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before the message wanted; got: ${text}`);
    text += decoder.decode(value, { stream: true });
    for (const line of text.split('\n')) {
      if (!line.startsWith('data:') || line.trim() === 'data:') continue;
      const message = JSON.parse(line.slice(5)) as Record<string, unknown>;
      if (wanted(message)) return message;
    }
  }
}

describe("an upstream's request for input when its 2025-era client goes away", () => {
  let testHub: TestHub;
  let url: string;

  before(async () => {
    testHub = await createTestHub([{ name: 'legacy', ...stdioFixture('conformance', ['--era', 'legacy']) }], {
      http: true,
    });
    url = testHub.http?.url ?? '';
  });

  after(() => testHub?.close());

  const pending = () => testHub.hub.server('legacy')?.replicas[0]?.pending;

  async function openSession() {
    const init = await fetch(url, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-11-25',
          capabilities: { sampling: {} },
          clientInfo: { name: 'walks-away', version: '1' },
        },
      }),
    });
    await init.text();
    const headers = {
      ...HEADERS,
      'mcp-session-id': init.headers.get('mcp-session-id') ?? '',
      'mcp-protocol-version': '2025-11-25',
    };
    await (await fetch(url, { method: 'POST', headers, body: JSON.stringify(INITIALIZED) })).text();
    return headers;
  }

  /** Starts a sampling call on the SDK's path and waits for the hub to ask the client. */
  async function askedForSample(headers: Record<string, string>, controller?: AbortController) {
    const call = await fetch(url, {
      method: 'POST',
      headers,
      signal: controller?.signal,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        // `extra` is not a param the direct path takes, so the SDK's handler answers this call.
        params: { name: 'legacy__test_sampling', arguments: { prompt: 'anyone?' }, extra: true },
      }),
    });
    assert.equal(call.headers.get('content-type'), 'text/event-stream');
    const asked = await readUntil(call.body as ReadableStream<Uint8Array>, (m) => m.method !== undefined);
    assert.equal(asked.method, 'sampling/createMessage');
    assert.equal(pending(), 1);
  }

  async function settles(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (pending() !== 0) {
      if (Date.now() > deadline) throw new Error(`the upstream call is still in flight (${pending()})`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  it('ends the upstream call when the session is deleted', async () => {
    const headers = await openSession();
    await askedForSample(headers);
    assert.equal((await fetch(url, { method: 'DELETE', headers })).status, 200);
    await settles();
  });

  it('ends the upstream call when the client cancels its request', async () => {
    const headers = await openSession();
    await askedForSample(headers);
    const cancel = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7 } };
    await (await fetch(url, { method: 'POST', headers, body: JSON.stringify(cancel) })).text();
    await settles();
    await fetch(url, { method: 'DELETE', headers });
  });
});
