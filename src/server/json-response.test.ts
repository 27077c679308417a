import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { preferJson } from './json-response.ts';

const encoder = new TextEncoder();
const event = (message: unknown) => `event: message\ndata: ${JSON.stringify(message)}\n\n`;
const RESPONSE = { jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text: 'hi' }] } };
const PROGRESS = {
  jsonrpc: '2.0',
  method: 'notifications/progress',
  params: { progressToken: 1, progress: 5 },
};

/** An SSE response whose stream yields `parts` (each after `gapMs`), then closes unless `open`. */
function sse(parts: string[], options: { gapMs?: number; open?: boolean } = {}): Response {
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const part of parts) {
        if (options.gapMs) await new Promise((resolve) => setTimeout(resolve, options.gapMs));
        controller.enqueue(encoder.encode(part));
      }
      if (!options.open) controller.close();
    },
  });
  return new Response(body, {
    status: 200,
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'mcp-session-id': 's1' },
  });
}

describe('preferJson', () => {
  it('answers a stream that holds only the response as JSON, keeping the session header', async () => {
    const response = await preferJson(sse([': priming\n\n', event(RESPONSE)]));
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.equal(response.headers.get('mcp-session-id'), 's1');
    assert.equal(response.headers.get('cache-control'), null);
    assert.deepEqual(await response.json(), RESPONSE);
  });

  it('streams from the first byte when a notification comes before the response', async () => {
    const parts = [event(PROGRESS), event(RESPONSE)];
    const response = await preferJson(sse(parts, { gapMs: 5 }));
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    assert.equal(await response.text(), parts.join(''));
  });

  it('streams a batch (more than one message after the first response)', async () => {
    const parts = [event(RESPONSE), event({ ...RESPONSE, id: 8 })];
    const response = await preferJson(sse(parts, { gapMs: 5 }));
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    assert.equal(await response.text(), parts.join(''));
  });

  it('streams a response that takes longer than the wait, losing nothing', async () => {
    const response = await preferJson(sse([event(RESPONSE)], { gapMs: 500 }), 20); // far apart: a loaded machine cannot reorder them
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    assert.equal(await response.text(), event(RESPONSE));
  });

  it('leaves anything that is not a 200 event stream alone', async () => {
    const json = Response.json(
      { jsonrpc: '2.0', id: null, error: { code: -32001, message: 'x' } },
      { status: 404 },
    );
    assert.equal(await preferJson(json), json);
    const accepted = new Response(null, { status: 202 });
    assert.equal(await preferJson(accepted), accepted);
  });
});
