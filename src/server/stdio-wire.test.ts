import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { StdioWire } from './stdio-wire.ts';

const lines = (out: PassThrough) =>
  String(out.read() ?? '')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map(
      (line) =>
        JSON.parse(line) as { id?: unknown; result?: unknown; error?: { code: number; message: string } },
    );

describe('StdioWire', () => {
  it('closes once input ended and the request it read was answered, not before', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const wire = new StdioWire(input, output);
    const seen: JSONRPCMessage[] = [];
    wire.onmessage = (message) => seen.push(message);
    await wire.start();
    input.end(`${JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'x' } })}\n`);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(seen.length, 1);
    // Input has ended but request 7 is open: the wire waits for its answer.
    let closed = false;
    void wire.closed.then(() => {
      closed = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(closed, false);
    await wire.send({ jsonrpc: '2.0', id: 7, result: { content: [] } });
    const [answer] = lines(output);
    assert.deepEqual(answer, { jsonrpc: '2.0', id: 7, result: { content: [] } });
    await wire.closed;
  });
});
