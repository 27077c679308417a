import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { NOT_INITIALIZED, StdioHandshake } from './stdio-handshake.ts';

const MODERN = { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } };

/** Offers each message in turn; returns what was refused (their ids) and what was sent. */
function offer(messages: JSONRPCMessage[]) {
  const handshake = new StdioHandshake();
  const sent: JSONRPCMessage[] = [];
  const refused = messages
    .filter((message) => handshake.claim(message, async (answer) => void sent.push(answer)))
    .map((message) => ('id' in message ? message.id : undefined));
  return { refused, sent };
}

const request = (id: number, method: string, params?: Record<string, unknown>): JSONRPCMessage => ({
  jsonrpc: '2.0',
  id,
  method,
  ...(params && { params }),
});

describe('StdioHandshake', () => {
  it('refuses requests before initialize, but ping; lets everything through after it', () => {
    const { refused, sent } = offer([
      request(1, 'tools/list'),
      request(2, 'ping'),
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      request(3, 'initialize', { protocolVersion: '2025-11-25' }),
      request(4, 'tools/list'),
    ]);
    assert.deepEqual(refused, [1]);
    assert.deepEqual(sent, [{ jsonrpc: '2.0', id: 1, error: { code: -32600, message: NOT_INITIALIZED } }]);
  });

  it('leaves requests that name their protocol version to the SDK, and a probe does not open the connection', () => {
    const { refused } = offer([
      request(1, 'server/discover', MODERN),
      request(2, 'tools/list', MODERN),
      // No version, no initialize: the SDK would fall back to the 2025 era and serve it.
      request(3, 'tools/list', { _meta: {} }),
      request(4, 'tools/call', { name: 'x' }),
    ]);
    assert.deepEqual(refused, [3, 4]);
  });
});
