/**
 * A 2025-era HTTP session's `tools/call` is answered beside the SDK's transport, as JSON when its first
 * message back is the result (src/server/held-posts.ts). These tests hold the paths where it is not: the
 * POST goes to the transport after all and streams, and the tool runs once. Raw HTTP, a real hub and the
 * `slow` fixture, which logs each call it receives (`--call-log`).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestHub, type TestHub } from '../src/testing/test-hub.ts';
import { fixturePath, nodeBin } from './fixtures/spawn.ts';
import { openRawSession } from './support/handshake.ts';
import { sseMessages } from './support/sse.ts';

const sleepCall = (id: string, ms: number, meta?: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'slow__sleep', arguments: { ms, id }, ...(meta && { _meta: meta }) },
});

describe('a 2025-era HTTP session answering tools/call beside the transport', () => {
  let testHub: TestHub;
  let url: string;
  let callLog: string;

  before(async () => {
    callLog = join(mkdtempSync(join(tmpdir(), 'toolmesh-held-')), 'calls.log');
    testHub = await createTestHub(
      [{ name: 'slow', command: nodeBin, args: [fixturePath('slow'), '--stdio', '--call-log', callLog] }],
      { http: true },
    );
    url = testHub.http?.url ?? '';
  });

  after(() => testHub?.close());

  /** How many times the fixture received the call with this id. */
  const received = (id: string) =>
    (existsSync(callLog) ? readFileSync(callLog, 'utf8') : '')
      .split('\n')
      .filter((line) => line.split(' ')[0] === id).length;

  const openSession = () => openRawSession(url);

  it('answers a call whose first message is its result as JSON, with the session header', async () => {
    const { sessionId, post } = await openSession();
    const response = await post(sleepCall('json-1', 0));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.equal(response.headers.get('mcp-session-id'), sessionId);
    const answer = (await response.json()) as { id: string; result: { content: unknown } };
    assert.equal(answer.id, 'json-1');
    assert.deepEqual(answer.result.content, [{ type: 'text', text: 'slept 0' }]);
    assert.equal(received('json-1'), 1);
  });

  it('streams a call whose progress comes first: progress, then the result, and runs it once', async () => {
    const { post } = await openSession();
    const response = await post(sleepCall('progress-1', 350, { progressToken: 'p' }));
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    const messages = sseMessages(await response.text());
    const last = messages.at(-1) ?? {};
    assert.equal(last.id, 'progress-1');
    assert.deepEqual((last.result as { content: unknown }).content, [{ type: 'text', text: 'slept 350' }]);
    const progress = messages.slice(0, -1).map((m) => (m.params as { progress: number }).progress);
    assert.ok(progress.length >= 2, `progress seen: ${progress.join(',')}`);
    assert.deepEqual(
      progress,
      [...progress].sort((a, b) => a - b),
    );
    assert.equal(received('progress-1'), 1);
  });

  it('streams a call that sent nothing for 2 s, and runs it once', async () => {
    const { post } = await openSession();
    const response = await post(sleepCall('quiet-1', 2_300));
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    const messages = sseMessages(await response.text());
    assert.deepEqual(
      messages.map((m) => m.id),
      ['quiet-1'],
    );
    assert.equal(received('quiet-1'), 1);
  });

  it('answers a held POST when its session is deleted meanwhile', async () => {
    const { headers, post } = await openSession();
    const call = post(sleepCall('deleted-1', 5_000));
    while (received('deleted-1') === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const deleted = await fetch(url, { method: 'DELETE', headers });
    assert.equal(deleted.status, 200);
    const response = await call;
    assert.equal(response.status, 404);
    assert.equal(((await response.json()) as { error: { code: number } }).error.code, -32001);
  });

  it('leaves to the transport what it refuses: a wrong Accept, Content-Type or protocol version; the id is free after', async () => {
    const { post } = await openSession();
    const cases: [Record<string, string>, number][] = [
      [{ accept: 'application/json' }, 406],
      [{ 'content-type': 'text/plain' }, 415],
      [{ 'mcp-protocol-version': '1999-01-01' }, 400],
    ];
    for (const [headers, status] of cases) {
      const id = `refused-${status}`;
      const response = await post(sleepCall(id, 0), headers);
      assert.equal(response.status, status, JSON.stringify(headers));
      await response.text();
      assert.equal(received(id), 0);
      // Nothing answered the refused request: its id is not in flight, and the call sent right runs.
      const again = await post(sleepCall(id, 0));
      assert.equal(again.status, 200);
      assert.equal(((await again.json()) as { id: string; result?: unknown }).id, id);
      assert.equal(received(id), 1);
    }
  });
});
