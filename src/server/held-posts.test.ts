import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/server';
import { acceptedBySdk, HeldPosts } from './held-posts.ts';

const RESULT = { jsonrpc: '2.0', id: 1, result: { content: [] } } as JSONRPCMessage;
const PROGRESS = {
  jsonrpc: '2.0',
  method: 'notifications/progress',
  params: { progressToken: 't', progress: 1 },
} as JSONRPCMessage;

/** HeldPosts whose transport records what it is sent, and whose `toSdk` answers after `sdkMs`. */
function setup(sdkMs = 0) {
  const sent: [JSONRPCMessage, RequestId | undefined][] = [];
  const posts = new HeldPosts(
    async (message, options) => void sent.push([message, options?.relatedRequestId]),
    () => 'session-1',
    10_000,
  );
  let handed = 0;
  const toSdk = async () => {
    handed += 1;
    await new Promise((resolve) => setTimeout(resolve, sdkMs));
    return new Response('streamed', { headers: { 'content-type': 'text/event-stream' } });
  };
  return { posts, sent, toSdk, handed: () => handed };
}

describe('HeldPosts', () => {
  it('answers a POST whose first message is the response as JSON, and nothing reaches the transport', async () => {
    const { posts, sent, toSdk, handed } = setup();
    const answer = posts.hold(1, new AbortController().signal, toSdk);
    assert.equal(posts.take(RESULT, 1), true);
    const response = await answer;
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.equal(response.headers.get('mcp-session-id'), 'session-1');
    assert.deepEqual(await response.json(), RESULT);
    assert.equal(handed(), 0);
    assert.deepEqual(sent, []);
    assert.equal(posts.take(RESULT, 1), false, 'released once answered');
  });

  it('hands a POST to the transport when something else comes first; what comes meanwhile follows in order', async () => {
    const { posts, sent, toSdk, handed } = setup(30);
    const answer = posts.hold(1, new AbortController().signal, toSdk);
    assert.equal(posts.take(PROGRESS, 1), true);
    // The call goes on while the transport takes the POST: the response must wait its turn.
    assert.equal(posts.handedOver({ jsonrpc: '2.0', id: 1, method: 'tools/call' }), true);
    assert.equal(posts.take(RESULT, 1), true);
    const response = await answer;
    assert.equal(await response.text(), 'streamed');
    assert.equal(handed(), 1);
    assert.deepEqual(sent, [
      [PROGRESS, 1],
      [RESULT, 1],
    ]);
    assert.equal(posts.handedOver({ jsonrpc: '2.0', id: 1, method: 'tools/call' }), false);
    assert.equal(posts.take(RESULT, 1), false);
  });

  it('hands a POST over once when its client drops it, and not at all once it was answered', async () => {
    const { posts, toSdk, handed } = setup();
    const dropped = new AbortController();
    const first = posts.hold(1, dropped.signal, toSdk);
    dropped.abort();
    await first;
    assert.equal(handed(), 1);
    const answered = new AbortController();
    const second = posts.hold(2, answered.signal, toSdk);
    posts.take({ jsonrpc: '2.0', id: 2, result: {} } as JSONRPCMessage, 2);
    await second;
    answered.abort();
    posts.close();
    assert.equal(handed(), 1);
  });

  it('hands what it holds to the transport when the session closes', async () => {
    const { posts, toSdk, handed } = setup();
    const answer = posts.hold(1, new AbortController().signal, toSdk);
    posts.close();
    assert.equal(await (await answer).text(), 'streamed');
    assert.equal(handed(), 1);
  });
});

describe('acceptedBySdk', () => {
  const post = (headers: Record<string, string>) =>
    new Request('http://127.0.0.1/mcp', { method: 'POST', headers });
  const good = { accept: 'application/json, text/event-stream', 'content-type': 'application/json' };

  it('takes what the transport takes and nothing else', () => {
    assert.equal(acceptedBySdk(post(good)), true);
    assert.equal(acceptedBySdk(post({ ...good, 'mcp-protocol-version': '2025-11-25' })), true);
    assert.equal(acceptedBySdk(post({ ...good, 'content-type': 'application/json; charset=utf-8' })), true);
    assert.equal(acceptedBySdk(post({ ...good, accept: 'application/json' })), false);
    assert.equal(acceptedBySdk(post({ ...good, 'content-type': 'text/plain' })), false);
    assert.equal(acceptedBySdk(post({ ...good, 'mcp-protocol-version': '1999-01-01' })), false);
  });
});
